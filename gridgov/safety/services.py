"""The changes of enterprise safety (plan 6): recording a violation with its deductions,
reversing one, closing a month (docs/adr/0030-enterprise-safety.md). Each is one
transaction, audited; a refusal changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core import models as audit
from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.scope import in_scope

from . import queries
from .choices import Share
from .models import Deduction, MonthClose, Rule, Scheme, Violation


def _invalid(message: Any, field: str, status: int = 422) -> ServiceError:
    return ServiceError("invalid", message, field=field, status=status)


def scheme_for(actor: Any, code: str, right: str | None = None) -> Scheme:
    """The scheme of the enterprise `code`: 404 unknown or out of scope (a member holding
    a post in it sees it), 403 without `right` on the enterprise."""
    scheme = Scheme.objects.select_related("grid__network").filter(grid_code=code).first()
    if scheme is None or not sees(actor, scheme):
        raise NotFound(_("No enterprise safety scheme with this code."), field="enterprise")
    if right and not in_scope(actor, code, right):
        raise Forbidden(_("You may not do this for this enterprise."))
    return scheme


def sees(actor: Any, scheme: Scheme) -> bool:
    """In scope of the enterprise, or holding a post in it (a member sees its rules and
    their own deductions)."""
    from gridgov.core.scope import _assignments

    if in_scope(actor, scheme.grid_code):
        return True
    if not actor or not actor.is_authenticated or not actor.is_active:
        return False
    return any(code.startswith(scheme.grid_code) for code, _role in _assignments(actor))


def may_record(actor: Any, scheme: Scheme, grid_code: str) -> bool:
    """Heads (the right "assess") where it happened, or whoever carries out one of the
    enterprise's inspection schedules there (the safety department's daily patrol)."""
    from gridgov.inspections.models import Schedule
    from gridgov.inspections.services import holds_role

    if in_scope(actor, grid_code, Right.ASSESS):
        return True
    schedules = Schedule.objects.filter(active=True, grid_code__startswith=scheme.grid_code)
    return any(
        grid_code.startswith(s.grid_code) and holds_role(actor, grid_code, s.role)
        for s in schedules
    )


def _month_open(scheme: Scheme, day: dt.date, field: str) -> None:
    if MonthClose.objects.filter(scheme=scheme, month=day.replace(day=1)).exists():
        raise ServiceError(
            "month_closed", _("%(month)s is closed: it can no longer change.")
            % {"month": f"{day:%Y-%m}"}, field=field, status=409,
        )  # fmt: skip


def record_violation(
    *, actor: Any, scheme: Scheme, grid_code: str, rule: str, day: dt.date,
    violator: int | None = None, outsider: str = "", stoppers: Iterable[int] = (),
    notes: str = "",
) -> Violation:  # fmt: skip
    """Record a violation in a grid of the enterprise and deduct: the rule's points from
    the violator (if one of the enterprise's people), and its joint points from each other
    member of the grid on that day who did not stop it (plan 6: 連帶管理責任)."""
    from gridgov.grids.models import Grid

    grid = (
        Grid.objects.filter(network_id=scheme.grid.network_id, code=grid_code).first()
        if grid_code.startswith(scheme.grid_code)
        else None
    )
    if grid is None or not in_scope(actor, grid_code):
        raise NotFound(_("No grid of this enterprise with this code."), field="grid")
    if not may_record(actor, scheme, grid_code):
        raise Forbidden(_("You may not record violations here."))
    if grid.depth == 0 or grid.valid_to is not None:
        raise _invalid(_("Record it in the department, team or post where it happened."), "grid")
    found = Rule.objects.filter(scheme=scheme, code=rule, active=True).first()
    if found is None:
        raise _invalid(_("No rule in use with this code."), "rule")
    today = timezone.localdate()
    if day > today:
        raise _invalid(_("The day cannot be in the future."), "happened_on")
    if day < scheme.starts_on:
        raise _invalid(_("The scheme had not started on that day."), "happened_on")
    outsider = (outsider or "").strip()
    if (violator is None) == (not outsider):
        raise _invalid(_("Name the violator or describe the outsider, not both."), "violator")
    if violator is not None and violator not in queries.members(scheme, scheme.grid_code, day):
        raise _invalid(_("The violator is not one of the enterprise's people."), "violator")
    members = queries.members(scheme, grid_code, day)
    stopped = set(stoppers)
    if stopped - set(members) or violator in stopped:
        raise _invalid(_("Those who stopped it must be other members of this grid."), "stoppers")
    with transaction.atomic():
        _month_open(scheme, day, "happened_on")
        v = Violation.objects.create(
            scheme=scheme, grid=grid, grid_code=grid_code, rule=found, happened_on=day,
            violator_id=violator, outsider=outsider[:100], notes=(notes or "").strip()[:2000],
            recorded_by=actor,
        )  # fmt: skip
        v.stoppers.set(sorted(stopped))
        entries = []
        if violator is not None and found.points:
            entries.append((violator, Share.VIOLATOR, -found.points))
        if found.joint_points:
            entries += [
                (pk, Share.JOINT, -found.joint_points)
                for pk in sorted(members)
                if pk != violator and pk not in stopped
            ]
        Deduction.objects.bulk_create(
            Deduction(violation=v, person_id=pk, grid_code=grid_code, day=day, share=share,
                      points=points)
            for pk, share, points in entries
        )  # fmt: skip
        audit.record(
            actor=actor, action="safety.violation", object_type="violation",
            object_key=str(v.public_id),
            after={"grid": grid_code, "rule": found.code, "day": day.isoformat(),
                   "violator": violator, "outsider": bool(outsider),
                   "stoppers": sorted(stopped), "deducted": sum(p for _, _, p in entries)},
        )  # fmt: skip
    return v


def reverse_violation(*, actor: Any, violation: Violation, reason: str) -> Violation:
    """Cancel a mistaken violation: each of its deductions gets a reversing entry; the
    violation stays, marked, with the reason. Heads above its grid only; not in a closed
    month (409); once (409)."""
    if not in_scope(actor, violation.grid_code):
        raise NotFound(_("No such violation."), field="violation")
    if not in_scope(actor, violation.grid_code, Right.ASSESS):
        raise Forbidden(_("You may not reverse violations here."))
    reason = (reason or "").strip()
    if not reason:
        raise _invalid(_("Say why it is reversed."), "reason")
    with transaction.atomic():
        v = Violation.objects.select_for_update().get(pk=violation.pk)
        if v.reversed_at is not None:
            raise ServiceError(
                "reversed", _("This violation is reversed already."), field="violation",
                status=409,
            )  # fmt: skip
        _month_open(v.scheme, v.happened_on, "violation")
        # The entries still standing, summed per person and share (a reversal undoes them).
        standing: dict[tuple[int, str], int] = {}
        for pk, share, points in v.deductions.values_list("person_id", "share", "points"):
            standing[(pk, share)] = standing.get((pk, share), 0) + points
        Deduction.objects.bulk_create(
            Deduction(violation=v, person_id=pk, grid_code=v.grid_code, day=v.happened_on,
                      share=share, points=-points, reversal=True)
            for (pk, share), points in sorted(standing.items())
            if points
        )  # fmt: skip
        v.reversed_at = timezone.now()
        v.reversal_reason = reason[:300]
        v.save(update_fields=["reversed_at", "reversal_reason", "updated_at"])
        audit.record(
            actor=actor, action="safety.reverse", object_type="violation",
            object_key=str(v.public_id), before={"reversed": False},
            after={"reversed": True}, note=reason,
        )  # fmt: skip
    return v


def _choose(candidates: list[Any], chosen: Any, key: str, field: str, message: Any) -> Any:
    """The one candidate, or the one the heads chose among several tied."""
    if not candidates:
        return None
    keys = [getattr(c, key) for c in candidates]
    if chosen in (None, ""):
        if len(candidates) > 1:
            raise _invalid(message, field)
        return candidates[0]
    if chosen not in keys:
        raise _invalid(_("Choose among the tied candidates shown."), field)
    return candidates[keys.index(chosen)]


def close_month(
    *, actor: Any, scheme: Scheme, month: dt.date, model: int | None = None,
    worst: str | None = None, note: str = "",
) -> MonthClose:  # fmt: skip
    """Close a month that has ended: its deductions go into the incentive fund, the safety
    model is rewarded and the worst department penalised from and into it, the model filed
    for the year-end awards. Where several tie, the heads choose (422 until they do).
    Months close in order (409 while the one before is open)."""
    if not in_scope(actor, scheme.grid_code, Right.ASSESS):
        raise Forbidden(_("You may not close months for this enterprise."))
    month = month.replace(day=1)
    if queries.month_end(month) >= timezone.localdate():
        raise _invalid(_("A month can be closed once it is over."), "month")
    if month < scheme.starts_on.replace(day=1):
        raise _invalid(_("The scheme had not started in that month."), "month")
    previous = queries.previous_month(month)
    if (
        previous >= scheme.starts_on.replace(day=1)
        and not MonthClose.objects.filter(scheme=scheme, month=previous).exists()
    ):
        raise ServiceError(
            "previous_open", _("Close %(month)s first.") % {"month": f"{previous:%Y-%m}"},
            field="month", status=409,
        )  # fmt: skip
    figures = queries.month_figures(scheme, month)
    best = _choose(
        figures.model_candidates, model, "person_id", "model",
        _("Several people tie for the best score: choose the safety model."),
    )  # fmt: skip
    low = _choose(
        figures.worst_candidates, worst, "code", "worst",
        _("Several departments tie for the worst score: choose one."),
    )  # fmt: skip
    reward = scheme.model_reward if best else Decimal(0)
    penalty = scheme.worst_penalty if low else Decimal(0)
    try:
        with transaction.atomic():
            closed = MonthClose.objects.create(
                scheme=scheme, month=month, points=figures.points, fund_in=figures.fund_in,
                model_id=best.person_id if best else None,
                model_score=best.score if best else None, reward=reward,
                worst_id=low.grid_id if low else None,
                worst_score=low.score if low else None, penalty=penalty,
                balance=figures.opening + figures.fund_in + penalty - reward,
                closed_by=actor, note=(note or "").strip()[:500],
            )  # fmt: skip
            audit.record(
                actor=actor, action="safety.close", object_type="safety_month",
                object_key=f"{scheme.grid_code}:{month:%Y-%m}",
                after={"points": figures.points, "fund_in": str(figures.fund_in),
                       "model": closed.model_id, "worst": low.code if low else None,
                       "balance": str(closed.balance)},
                note=closed.note,
            )  # fmt: skip
    except IntegrityError:
        raise ServiceError(
            "closed", _("This month is closed already."), field="month", status=409
        ) from None
    return closed
