"""/api/v1/safety: enterprise safety grids (plan 6): schemes and rules, violations with
their deductions, a month's figures, closing a month (docs/adr/0030)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from gridgov.accounts.roles import Right
from gridgov.core.errors import NotFound
from gridgov.core.schemas import ERRORS

from . import queries, services
from .models import MonthClose, Scheme, Violation
from .schemas import CloseIn, CloseOut, MonthOut, ReverseIn, SchemeOut, ViolationIn, ViolationOut

router = Router(tags=["safety"])


def violation_out(v: Violation) -> dict[str, Any]:
    return {
        "id": str(v.public_id), "grid": v.grid_code, "rule": v.rule.code,
        "happened_on": v.happened_on, "violator": v.violator_id, "outsider": bool(v.outsider),
        "stoppers": sorted(u.pk for u in v.stoppers.all()),
        "reversed": v.reversed_at is not None,
        "deductions": [
            {"person": d.person_id, "share": d.share, "points": d.points,
             "reversal": d.reversal}
            for d in v.deductions.order_by("id")
        ],
    }  # fmt: skip


def close_out(c: MonthClose) -> dict[str, Any]:
    return {
        "month": f"{c.month:%Y-%m}", "points": c.points, "fund_in": c.fund_in,
        "model": c.model_id, "reward": c.reward, "worst": c.worst.code if c.worst else None,
        "penalty": c.penalty, "balance": c.balance,
    }  # fmt: skip


@router.get("/schemes", response={200: list[SchemeOut], **ERRORS}, summary="Schemes")
def schemes(request: HttpRequest):
    """The enterprises in the caller's scope or where they hold a post, with the rules in
    use."""
    out = []
    for s in Scheme.objects.prefetch_related("rules"):
        if not services.sees(request.user, s):
            continue
        out.append({
            "enterprise": s.grid_code, "name": s.name, "yuan_per_point": s.yuan_per_point,
            "model_reward": s.model_reward, "worst_penalty": s.worst_penalty,
            "base_score": s.base_score, "starts_on": s.starts_on,
            "rules": [
                {"code": r.code, "text": r.text, "points": r.points,
                 "joint_points": r.joint_points}
                for r in s.rules.all() if r.active
            ],
        })  # fmt: skip
    return out


@router.post(
    "/{code}/violations", response={201: ViolationOut, **ERRORS}, summary="Record a violation"
)
def record(request: HttpRequest, code: str, payload: ViolationIn):
    """Record a violation where it happened; deducts the rule's points from the violator and
    its joint points from each member of the grid who did not stop it. Heads ("assess")
    there or whoever carries out one of the enterprise's inspection schedules."""
    scheme = services.scheme_for(request.user, code)
    v = services.record_violation(
        actor=request.user, scheme=scheme, grid_code=payload.grid, rule=payload.rule,
        day=payload.happened_on, violator=payload.violator, outsider=payload.outsider,
        stoppers=payload.stoppers, notes=payload.notes,
    )  # fmt: skip
    return Status(201, violation_out(v))


@router.post("/violations/{vid}/reverse", response={200: ViolationOut, **ERRORS}, summary="Reverse")
def reverse(request: HttpRequest, vid: str, payload: ReverseIn):
    """Cancel a mistaken violation with reversing entries (heads above its grid)."""
    try:
        key = uuid.UUID(vid)
    except ValueError:
        raise NotFound(_("No such violation."), field="violation") from None
    v = Violation.objects.select_related("scheme", "rule").filter(public_id=key).first()
    if v is None:
        raise NotFound(_("No such violation."), field="violation")
    return violation_out(services.reverse_violation(actor=request.user, violation=v,
                                                    reason=payload.reason))  # fmt: skip


def _month(f: queries.MonthFigures) -> dict[str, Any]:
    return {
        "enterprise": f.scheme.grid_code, "month": f.label, "points": f.points,
        "fund_in": f.fund_in, "opening": f.opening,
        "persons": [
            {"person": p.person_id, "name": p.name, "grid": p.grid_code,
             "department": p.department, "violator": p.violator, "joint": p.joint,
             "inspection": p.inspection, "deducted": p.deducted, "score": p.score,
             "rank": p.rank}
            for p in f.persons
        ],
        "departments": [
            {"code": d.code, "name": d.name, "members": d.members, "deducted": d.deducted,
             "area_points": d.area_points, "score": d.score, "rank": d.rank}
            for d in f.departments
        ],
        "model_candidates": [p.person_id for p in f.model_candidates],
        "worst_candidates": [d.code for d in f.worst_candidates],
        "closed": close_out(f.closed) if f.closed else None,
    }  # fmt: skip


@router.get("/{code}/months/{month}", response={200: MonthOut, **ERRORS}, summary="A month")
def month(request: HttpRequest, code: str, month: str):
    """A month (YYYY-MM) of the enterprise: each person's deductions and score, the
    departments' mean scores, the fund, the candidates and whether it is closed. Heads
    ("assess") on the enterprise."""
    scheme = services.scheme_for(request.user, code, Right.ASSESS)
    return _month(queries.month_figures(scheme, queries.parse_month(month)))


@router.post(
    "/{code}/months/{month}/close", response={200: CloseOut, **ERRORS}, summary="Close a month"
)
def close(request: HttpRequest, code: str, month: str, payload: CloseIn):
    """Close an ended month: deductions into the fund, the safety model rewarded and the
    worst department penalised (name them when several tie: 422 until then)."""
    scheme = services.scheme_for(request.user, code)
    c = services.close_month(
        actor=request.user, scheme=scheme, month=queries.parse_month(month),
        model=payload.model, worst=payload.worst or None, note=payload.note,
    )  # fmt: skip
    return close_out(c)
