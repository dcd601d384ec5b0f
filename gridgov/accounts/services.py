"""Who holds which role where: giving a role on a grid and ending it (定人、定崗、定責).

Each is one transaction that checks the actor's right on the grid, refuses a role the actor
could not hold there themselves, and writes the audit trail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.models import record
from gridgov.core.scope import forget, in_scope
from gridgov.grids.models import Grid

from .models import Assignment, User
from .roles import RIGHTS, Right, Role, may_grant


def rights_on(user: Any, code: str) -> set[str]:
    """Every right `user` holds on the grid `code` (through roles on it or above it)."""
    if user.is_superuser:
        return {r for rights in RIGHTS.values() for r in rights}
    return {r for r in {x for rights in RIGHTS.values() for x in rights} if in_scope(user, code, r)}


def _check(actor: Any, grid: Grid, role: str) -> None:
    if not in_scope(actor, grid.code):
        raise NotFound(_("Not found."))
    if not in_scope(actor, grid.code, Right.CHANGE_TEAMS):
        raise Forbidden(_("You may not assign people on this grid."))
    if not may_grant(rights_on(actor, grid.code), role):
        raise ServiceError(
            "role_above_actor",
            _("You cannot give a role with rights you do not hold on this grid yourself."),
            field="role",
            status=403,
        )


def _snapshot(a: Assignment) -> dict[str, Any]:
    return {
        "user": a.user.username,
        "grid": a.grid_code,
        "role": a.role,
        "starts_on": a.starts_on.isoformat(),
        "ends_on": a.ends_on.isoformat() if a.ends_on else None,
        "unit": a.unit_id,
    }


def assign(
    *,
    actor: Any,
    user: User,
    grid: Grid,
    role: str,
    starts_on: dt.date | None = None,
    unit: Any = None,
    note: str = "",
) -> Assignment:
    if role not in Role.values:
        raise ServiceError("invalid", _("Unknown role."), field="role")
    if grid.valid_to is not None:
        raise ServiceError("grid_retired", _("This grid is retired."), field="grid")
    if not user.is_active:
        raise ServiceError("user_inactive", _("This account is disabled."), field="user")
    _check(actor, grid, role)
    if unit is not None and not (unit.grid_code or "").startswith(grid.code):
        raise ServiceError("unit_outside", _("The unit is not on this grid."), field="unit")
    with transaction.atomic():
        if (
            Assignment.objects.select_for_update()
            .filter(user=user, grid=grid, role=role, ends_on__isnull=True)
            .exists()
        ):
            raise ServiceError(
                "already_assigned",
                _("This person already holds this role on this grid."),
                field="role",
                status=409,
            )
        try:
            with transaction.atomic():
                a = Assignment.objects.create(
                    user=user,
                    grid=grid,
                    role=role,
                    starts_on=starts_on or timezone.localdate(),
                    unit=unit,
                    note=note,
                )
        except IntegrityError:  # the same assignment made at the same moment elsewhere
            raise ServiceError(
                "already_assigned",
                _("This person already holds this role on this grid."),
                field="role",
                status=409,
            ) from None
        record(
            actor=actor,
            action="assignment.start",
            object_type="grid",
            object_key=grid.code,
            after=_snapshot(a),
            note=note,
        )
    forget(user)
    return a


def end(
    *, actor: Any, assignment: Assignment, ends_on: dt.date | None = None, reason: str = ""
) -> Assignment:
    """End an assignment on `ends_on` (its last day; today by default)."""
    _check(actor, assignment.grid, assignment.role)
    day = ends_on or timezone.localdate()
    with transaction.atomic():
        a = Assignment.objects.select_for_update().select_related("user").get(pk=assignment.pk)
        if a.ends_on is not None:
            raise ServiceError("already_ended", _("This assignment has ended already."), status=409)
        if day < a.starts_on:
            raise ServiceError(
                "invalid", _("An assignment cannot end before it starts."), field="ends_on"
            )
        before = _snapshot(a)
        a.ends_on = day
        a.save(update_fields=["ends_on", "updated_at"])
        record(
            actor=actor,
            action="assignment.end",
            object_type="grid",
            object_key=a.grid_code,
            before=before,
            after=_snapshot(a),
            note=reason,
        )
    forget(a.user)
    return a
