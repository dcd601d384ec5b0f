"""Scope is one function (DESIGN idea 2, docs/adr/0003-scope.md).

A user may see the union of the subtrees under the grids of their assignments; a right
(`Right`) is granted on a subtree by the roles held there. Out of scope answers 404, in
scope without the right 403. Superusers see and may do everything.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from gridgov.accounts.roles import RIGHTS
from gridgov.core import stamps
from gridgov.core.lib.codes import subtree_range


def _assignments(user: Any) -> list[tuple[str, str]]:
    """(grid_code, role) pairs of the assignments running today, read once per request and
    kept on the user object. Ended (or not yet started) assignments give nothing."""
    cached = getattr(user, "_gridgov_assignments", None)
    if cached is None:
        cached = _running(user.pk)
        user._gridgov_assignments = cached
    return cached


_known: tuple[int | None, Any, dict[int, list[tuple[str, str]]]] = (None, None, {})


def _running(user_id: int) -> list[tuple[str, str]]:
    """`Assignment.objects.active()` of one user, as plain SQL: every request asks it, and
    building the ORM query costs several times more than running it. Kept per process
    while the assignments' stamp and the day stand (core.stamps): intake reads the stamps
    once for its category, grid, calendar and this."""
    from django.db import connection

    from gridgov.accounts.models import Assignment

    global _known
    stamp, on, known = _known
    now, today = stamps.version(stamps.ASSIGNMENTS), timezone.localdate()
    if stamp != now or on != today or not stamps.usable(now):
        known = {}
        _known = (now, today, known) if stamps.usable(now) else (None, None, {})
    found = known.get(user_id)
    if found is None:
        day = connection.ops.adapt_datefield_value(today)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT grid_code, role FROM {Assignment._meta.db_table} WHERE user_id = %s"
                " AND starts_on <= %s AND (ends_on IS NULL OR ends_on >= %s)",
                [user_id, day, day],
            )
            found = [(code, role) for code, role in cursor.fetchall()]
        known[user_id] = found
    return list(found)


def scope_q(user: Any, field: str = "code", right: str | None = None) -> Q:
    """A filter for rows whose `field` (a code) lies in the user's scope (for `right`)."""
    if not user or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    q = Q(pk__in=[])
    codes = sorted(
        {c for c, role in _assignments(user) if right is None or right in RIGHTS.get(role, ())}
    )
    # A code under another kept code adds nothing: drop it to keep the SQL short.
    kept: list[str] = []
    for code in codes:
        if not any(code.startswith(k) for k in kept):
            kept.append(code)
    for code in kept:
        low, high = subtree_range(code)
        q |= Q(**{f"{field}__gte": low, f"{field}__lt": high})
    return q


def in_scope(user: Any, code: str, right: str | None = None) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(
        code.startswith(c) and (right is None or right in RIGHTS.get(role, ()))
        for c, role in _assignments(user)
    )


def forget(user: Any) -> None:
    """Drop the cached assignments (after they change)."""
    if hasattr(user, "_gridgov_assignments"):
        del user._gridgov_assignments


def holds_anywhere(user: Any, right: str) -> bool:
    """Whether the user holds `right` on any grid (to offer an action at all)."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(right in RIGHTS.get(role, ()) for _, role in _assignments(user))
