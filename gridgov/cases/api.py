"""/api/v1/cases: report a case, list and read the cases in scope, act on one."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from gridgov.core import stamps
from gridgov.core.errors import NotFound
from gridgov.core.inputs import IsoDate
from gridgov.core.schemas import ERRORS
from gridgov.registry.models import Organisation

from . import catalogue, indicators, services
from .choices import Action, Stage
from .duplicates import likely_duplicates
from .models import Case, Category
from .schemas import ActIn, CaseDetailOut, CaseIn, CaseOut, CategoryOut, IndicatorRowOut

router = Router(tags=["cases"])


def _out(case: Case, user: Any, now: Any, co_units: list[Any] | None = None) -> dict[str, Any]:
    return {
        "number": case.number,
        "public_id": case.public_id,
        "category": case.category.code,
        "category_name": case.category.name,
        "grid": case.grid_code,
        "holder": case.holder_code,
        "stage": case.stage,
        "source": case.source,
        "description": case.description,
        "address": case.address,
        "lon": case.lon,
        "lat": case.lat,
        "unit": case.unit.name if case.unit_id and case.unit else None,
        "co_units": [u.name for u in (case.co_units.all() if co_units is None else co_units)],
        "assignee": case.assignee_code or None,
        "deadline": case.deadline,
        "warn_at": case.warn_at,
        "overdue": case.is_overdue(now),
        "rework_count": case.rework_count,
        "escalations": case.escalations,
        "satisfaction": case.satisfaction,
        "version": case.version,
        "actions": [t.action for t in services.allowed(user, case)],
        "created_at": case.created_at,
        "closed_at": case.closed_at,
    }


def _detail(case: Case, user: Any) -> dict[str, Any]:
    fresh = getattr(case, services.IN_HAND, None)  # a case just reported: nothing to read
    events = case.events.select_related("actor") if fresh is None else fresh
    return {
        **_out(case, user, timezone.now(), co_units=None if fresh is None else []),
        "events": [
            {
                "at": e.at,
                "actor": e.actor.username if e.actor else None,
                "action": e.action,
                "from_stage": e.from_stage,
                "to_stage": e.to_stage,
                "holder": e.holder_code,
                "note": e.note,
            }
            for e in events
        ],
        "likely_duplicates": [d.number for d in likely_duplicates(case, user)],
    }


def _case(request: HttpRequest, number: str) -> Case:
    case = (
        Case.objects.visible_to(request.user)
        .select_related("category", "unit")
        .prefetch_related("co_units")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound(_("Not found."), field="number")
    return case


@router.get("/categories", response={200: list[CategoryOut], **ERRORS}, summary="Categories")
def categories(request: HttpRequest):
    return [
        {
            "code": c.code,
            "name": c.name,
            "parent": c.parent.code if c.parent else None,
            "filing_condition": c.filing_condition,
            "closing_condition": c.closing_condition,
            "must_attend": c.must_attend,
            "must_report": c.must_report,
            "must_visit": c.must_visit,
        }
        for c in Category.objects.filter(active=True).select_related("parent")
    ]


@router.get("", response={200: list[CaseOut], **ERRORS}, summary="Cases in your scope")
def list_cases(
    request: HttpRequest,
    stage: Stage | None = None,
    grid: str | None = Query(None, max_length=32),  # type: ignore[type-arg]
    overdue: bool = False,
    limit: int = Query(50, ge=1, le=200),  # type: ignore[type-arg]
    offset: int = Query(0, ge=0, le=1_000_000),  # type: ignore[type-arg]
):
    """Newest first; `grid` keeps those that happened under a grid code."""
    now = timezone.now()
    qs = (
        Case.objects.visible_to(request.user)
        .select_related("category", "unit")
        .prefetch_related("co_units")
    )
    if stage:
        qs = qs.filter(stage=stage)
    if grid:
        qs = qs.filter(grid_code__startswith=grid)
    if overdue:
        qs = qs.open().filter(deadline__lt=now)
    return [_out(c, request.user, now) for c in qs[offset : offset + limit]]


@router.post("", response={201: CaseDetailOut, **ERRORS}, summary="Report a case")
def report(request: HttpRequest, payload: CaseIn):
    """The grid is found from the location."""
    with stamps.held():  # the category, grid, scope and calendar caches: one read (ADR 0031)
        category = catalogue.by_code(payload.category)
        if category is None:
            raise NotFound(_("No such category."), field="category")
        case = services.report(
            actor=request.user,
            category=category,
            grid=services.locate(payload.lon, payload.lat),
            description=payload.description,
            source=payload.source,
            lon=payload.lon,
            lat=payload.lat,
            address=payload.address,
        )
    return Status(201, _detail(case, request.user))  # the case in hand: no second read


@router.get("/indicators", response={200: list[IndicatorRowOut], **ERRORS}, summary="Indicators")
def indicator_rows(
    request: HttpRequest,
    start: IsoDate,
    end: IsoDate,
    node: str = Query(..., max_length=32),  # type: ignore[type-arg]
    by: Literal["grid", "unit", "worker", "month"] = "grid",
):
    """R-REPORT-1 for the cases reported under `node` from `start` to `end` (both days
    included), per group, with the total last (ADR 0019)."""
    grid = indicators.node_for(request.user, node)
    since, until = indicators.period(start, end)
    rows = indicators.for_node(grid.code, since, until, by=by)
    return [_indicator(r) for r in [*rows, indicators.total(rows)]]


def _indicator(r: Any) -> dict[str, Any]:
    return {
        **{name: getattr(r, name) for name in IndicatorRowOut.model_fields if name != "hours"},
        "label": str(r.label),
        "hours": r.hours,
    }


@router.get("/{number}", response={200: CaseDetailOut, **ERRORS}, summary="One case")
def read(request: HttpRequest, number: str):
    return _detail(_case(request, number), request.user)


@router.post("/{number}/{action}", response={200: CaseDetailOut, **ERRORS}, summary="Act")
def act(request: HttpRequest, number: str, action: Action, payload: ActIn):
    """Take an action of the transition table; 409 when the case changed meanwhile."""
    case = _case(request, number)
    unit = None
    if payload.unit is not None:
        unit = Organisation.objects.filter(pk=payload.unit).first()
        if unit is None:
            raise NotFound(_("No such unit."), field="unit")
    co_units = list(Organisation.objects.filter(pk__in=payload.co_units))
    if len(co_units) != len(set(payload.co_units)):
        raise NotFound(_("No such unit."), field="co_units")
    duplicate = None
    if payload.duplicate_of:
        duplicate = (
            Case.objects.visible_to(request.user).filter(number=payload.duplicate_of).first()
        )
        if duplicate is None:
            raise NotFound(_("No such case."), field="duplicate_of")
    services.act(
        case=case,
        actor=request.user,
        action=action,
        note=payload.note,
        version=payload.version,
        unit=unit,
        level=payload.level,
        co_units=co_units,
        duplicate_of=duplicate,
        satisfaction=payload.satisfaction,
    )
    return _detail(_case(request, number), request.user)
