"""/api/v1/inspections: templates, schedules, what is due, record an inspection, the
inspections in scope, coverage, overdue rectifications; patrols (start, points, end, a case
on the way)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from gridgov.core.errors import Forbidden, NotFound
from gridgov.core.inputs import IsoDate
from gridgov.core.schemas import ERRORS
from gridgov.visits.queries import node_for
from gridgov.visits.queries import period as day_range

from . import queries, services
from .models import Inspection, Patrol, Schedule, Template
from .schemas import (
    CoverageRowOut,
    DueOut,
    FindingOut,
    InspectionIn,
    InspectionOut,
    PatrolCaseIn,
    PatrolIn,
    PatrolOut,
    PointOut,
    PointsIn,
    ScheduleOut,
    TemplateOut,
)  # fmt: skip

router = Router(tags=["inspections"])


@router.get("/templates", response={200: list[TemplateOut], **ERRORS}, summary="Templates")
def templates(request: HttpRequest):
    return [
        {"code": t.code, "name": t.name, "kind": t.kind, "category": t.category_code,
         "items": list(t.items.all())}
        for t in Template.objects.filter(active=True).prefetch_related("items")
    ]  # fmt: skip


def _schedule(s: Schedule) -> dict[str, Any]:
    return {
        "id": s.pk, "template": s.template.code, "grid": s.grid_code, "cadence": s.cadence,
        "weekday": s.weekday, "month_day": s.month_day, "targets": s.targets, "role": s.role,
        "working_days_only": s.working_days_only,
    }  # fmt: skip


@router.get("/schedules", response={200: list[ScheduleOut], **ERRORS}, summary="Schedules")
def schedules(request: HttpRequest):
    """The schedules in force on your grids: on a node in your scope or above it."""
    return [_schedule(s) for s in queries.schedules(request.user).select_related("template")]


@router.get("/due", response={200: list[DueOut], **ERRORS}, summary="Inspections due")
def due(request: HttpRequest):
    """Occurrences you may carry out, from a month back to a week ahead, not yet done."""
    rows = queries.due_for(request.user, timezone.localdate())
    return [
        {"schedule": d.schedule.pk, "template": d.schedule.template.code,
         "target": d.occurrence.target_code, "period_start": d.occurrence.period_start,
         "due_on": d.occurrence.due_on, "status": d.status}
        for d in rows
    ]  # fmt: skip


def _inspection(i: Inspection) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "public_id": i.public_id, "template": i.template.code, "schedule": i.schedule_id,
        "grid": i.grid_code, "inspector": i.inspector.username,
        "person": i.person.username if i.person else None, "inspected_at": i.inspected_at,
        "period_start": i.period_start, "due_on": i.due_on, "on_time": i.on_time,
        "score": i.score, "results": {str(r.item_id): r.outcome for r in i.results.all()},
        "findings": [
            FindingOut(public_id=f.public_id, text=f.text, rectify_by=f.rectify_by,
                       case=f.case.number, overdue=f.is_overdue(today, f.case.stage))
            for f in i.findings.all()
        ],
    }  # fmt: skip


def _grid(request: HttpRequest, code: str) -> Any:
    from gridgov.core.scope import in_scope
    from gridgov.grids.models import Grid

    grid = None
    if in_scope(request.user, code):
        grid = Grid.objects.filter(network__slug="comprehensive", code=code).first()
    if grid is None:
        raise NotFound(_("No grid with code %(code)s.") % {"code": code}, field="grid")
    return grid


@router.post("", response={201: InspectionOut, **ERRORS}, summary="Record")
def record(request: HttpRequest, payload: InspectionIn):
    """On `schedule` (the occurrence of the period holding the day; 409 if done already) or
    of `template` alone; every check-list item's outcome; each finding opens a case with its
    rectification deadline. Photos: on the page."""
    from gridgov.accounts.models import User

    grid = _grid(request, payload.grid)
    schedule = template = None
    if payload.schedule is not None:
        # A schedule on a node above the grid (a community's hygiene days) applies to it.
        schedule = (
            Schedule.objects.select_related("template", "grid__network")
            .filter(pk=payload.schedule).first()
        )  # fmt: skip
        if schedule is not None and not grid.code.startswith(schedule.grid_code):
            schedule = None
        if schedule is None:
            raise NotFound(_("No such schedule."), field="schedule")
    else:
        template = Template.objects.filter(code=payload.template, active=True).first()
        if template is None:
            raise NotFound(_("No such template."), field="template")
    person = None
    if payload.person:
        person = User.objects.filter(username=payload.person, is_active=True).first()
        if person is None:
            raise NotFound(_("No such person."), field="person")
    inspection = services.record_inspection(
        actor=request.user, grid=grid, schedule=schedule, template=template,
        outcomes={o.item: o.outcome for o in payload.outcomes}, notes=payload.notes,
        findings=[services.FindingIn(f.text, f.rectify_by) for f in payload.findings],
        person=person, inspected_at=payload.inspected_at,
    )  # fmt: skip
    return Status(201, _inspection(inspection))


@router.get("", response={200: list[InspectionOut], **ERRORS}, summary="Inspections")
def list_inspections(
    request: HttpRequest,
    grid: str = Query("", max_length=32, pattern=r"^\d*$"),  # type: ignore[type-arg]
    since: IsoDate | None = None,
    until: IsoDate | None = None,
    limit: int = Query(50, ge=1, le=200),  # type: ignore[type-arg]
    offset: int = Query(0, ge=0, le=1_000_000),  # type: ignore[type-arg]
):
    """Newest first, in your scope; `since`/`until` are days, both included."""
    qs = Inspection.objects.visible_to(request.user, "view")
    if grid:
        qs = qs.filter(grid_code__startswith=grid)
    if since:
        qs = qs.filter(inspected_at__gte=day_range(since, since)[0])
    if until:
        qs = qs.filter(inspected_at__lt=day_range(until, until)[1])
    qs = qs.select_related("template", "inspector", "person").prefetch_related(
        "results", "findings__case"
    )
    return [_inspection(i) for i in qs[offset : offset + limit]]


@router.get("/coverage", response={200: list[CoverageRowOut], **ERRORS}, summary="Coverage")
def coverage(
    request: HttpRequest,
    start: IsoDate,
    end: IsoDate,
    node: str = Query(..., max_length=32),  # type: ignore[type-arg]
):
    """Per child grid of `node` from `start` to `end` (both included): inspections due and
    done, overdue, findings, rectifications past their deadline, points; the total last."""
    grid = node_for(request.user, node)
    rows, total = queries.summary(grid, start, end)
    return [{**r.__dict__} for r in [*rows, total]]


# ---------------------------------------------------------------- patrols


def _patrol(p: Patrol) -> dict[str, Any]:
    d = p.duration
    return {
        "public_id": p.public_id, "worker": p.worker.username, "grid": p.grid_code,
        "started_at": p.started_at, "ended_at": p.ended_at, "length_m": round(p.length_m, 1),
        "duration_s": int(d.total_seconds()) if d is not None else None,
        "points": p.points_count, "outside": p.outside_count,
        "cases": [c.case.number for c in p.cases.all()],
    }  # fmt: skip


def _visible_patrol(request: HttpRequest, public_id: uuid.UUID) -> Patrol:
    p = queries.patrols(request.user).filter(public_id=public_id).first()
    if p is None:
        raise NotFound(_("Not found."))
    return p


@router.post("/patrols", response={201: PatrolOut, **ERRORS}, summary="Start a patrol")
def start_patrol(request: HttpRequest, payload: PatrolIn):
    """On `grid` (one of yours; default the first); 409 while another of yours runs."""
    codes = services.patrol_grids(request.user)
    code = payload.grid or (codes[0] if codes and codes[0] else "")
    if not code:
        raise Forbidden(_("You may not patrol here."))
    patrol = services.start_patrol(actor=request.user, grid=_grid(request, code))
    return Status(201, _patrol(patrol))


@router.get("/patrols", response={200: list[PatrolOut], **ERRORS}, summary="Patrols")
def list_patrols(
    request: HttpRequest,
    grid: str = Query("", max_length=32, pattern=r"^\d*$"),  # type: ignore[type-arg]
    limit: int = Query(50, ge=1, le=200),  # type: ignore[type-arg]
    offset: int = Query(0, ge=0, le=1_000_000),  # type: ignore[type-arg]
):
    """Your own patrols and, where you hold the heads' right (assess), your workers'."""
    qs = queries.patrols(request.user)
    if grid:
        qs = qs.filter(grid_code__startswith=grid)
    return [_patrol(p) for p in qs.prefetch_related("cases__case")[offset : offset + limit]]


@router.get("/patrols/{public_id}/points", response={200: list[PointOut], **ERRORS},
            summary="A patrol's points")  # fmt: skip
def patrol_points(request: HttpRequest, public_id: uuid.UUID):
    return list(_visible_patrol(request, public_id).points.all())


@router.post("/patrols/{public_id}/points", response={201: PatrolOut, **ERRORS},
             summary="Points passed")  # fmt: skip
def add_points(request: HttpRequest, public_id: uuid.UUID, payload: PointsIn):
    """Points in the order taken; those outside your grids are kept and flagged."""
    p = _visible_patrol(request, public_id)
    services.add_points(
        actor=request.user, patrol=p,
        points=[(x.at, x.lon, x.lat, x.accuracy) for x in payload.points],
    )  # fmt: skip
    p.refresh_from_db()
    return Status(201, _patrol(p))


@router.post("/patrols/{public_id}/end", response={200: PatrolOut, **ERRORS}, summary="End")
def end_patrol(request: HttpRequest, public_id: uuid.UUID):
    p = services.end_patrol(actor=request.user, patrol=_visible_patrol(request, public_id))
    return _patrol(p)


@router.post("/patrols/{public_id}/cases", response={201: PatrolOut, **ERRORS},
             summary="Report a case on the patrol")  # fmt: skip
def patrol_case(request: HttpRequest, public_id: uuid.UUID, payload: PatrolCaseIn):
    from gridgov.cases.models import Category

    p = _visible_patrol(request, public_id)
    category = Category.objects.filter(code=payload.category).first()
    if category is None:
        raise NotFound(_("No such category."), field="category")
    services.report_on_patrol(
        actor=request.user, patrol=p, category=category, description=payload.description,
        lon=payload.lon, lat=payload.lat,
    )  # fmt: skip
    return Status(201, _patrol(p))
