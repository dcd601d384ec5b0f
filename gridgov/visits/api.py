"""/api/v1/visits: the households due, record a visit, the visits in scope, coverage."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from gridgov.core.errors import Forbidden, NotFound
from gridgov.core.inputs import IsoDate
from gridgov.core.schemas import ERRORS
from gridgov.registry.models import Household, Resident

from . import queries, services
from .models import DiaryEntry, Visit
from .schemas import CoverageRowOut, DiaryIn, DiaryOut, DueOut, VisitIn, VisitOut

router = Router(tags=["visits"])


def _visit(v: Visit) -> dict[str, Any]:
    return {
        "public_id": v.public_id,
        "household": v.household.public_id,
        "grid": v.grid_code,
        "worker": v.worker.username,
        "visited_at": v.visited_at,
        "lon": v.lon,
        "lat": v.lat,
        "findings": v.findings,
        "kind": v.kind,
        "residents": [r.public_id for r in v.residents.all()],
        "case": v.case.number if v.case else None,
        "follow_up_of": v.follow_up_of.number if v.follow_up_of else None,
        "due_on": v.due_on,
        "on_time": v.on_time,
        "next_due": v.next_due,
    }


@router.get("/due", response={200: list[DueOut], **ERRORS}, summary="Households due")
def due(
    request: HttpRequest,
    within: int = Query(7, ge=0, le=366),  # type: ignore[type-arg]
    grid: str = Query("", max_length=32),  # type: ignore[type-arg]
    limit: int = Query(100, ge=1, le=500),  # type: ignore[type-arg]
    offset: int = Query(0, ge=0, le=1_000_000),  # type: ignore[type-arg]
):
    """Households in your scope due for a visit by today + `within` days, overdue first."""
    today = timezone.localdate()
    rows = queries.due(request.user, today=today, within=within, grid=grid)
    return [
        {
            "household": s.household.public_id,
            "grid": s.grid_code,
            "address": s.household.address,
            "next_due": s.next_due,
            "overdue": s.next_due < today,
            "last_visit_on": s.last_visit_on,
            "must_visit": s.must_visit,
            "tags": s.tag_list(),
        }
        for s in rows[offset : offset + limit]
    ]


@router.post("", response={201: VisitOut, **ERRORS}, summary="Record a visit")
def record(request: HttpRequest, payload: VisitIn):
    """The point must lie in the household's grid; with `open_case` the findings are
    reported as a case of `category`, linked from the visit. Photos: on the phone page."""
    from gridgov.cases.models import Category

    household = (
        Household.objects.visible_to(request.user)
        .select_related("grid")
        .filter(public_id=payload.household)
        .first()
    )
    if household is None:
        raise NotFound(_("Not found."), field="household")
    residents = list(Resident.objects.filter(public_id__in=payload.residents))
    if len(residents) != len(set(payload.residents)):
        raise NotFound(_("No such resident."), field="residents")
    category = None
    if payload.open_case:
        category = Category.objects.filter(code=payload.category).first()
        if category is None:
            raise NotFound(_("No such category."), field="category")
    visit = services.record_visit(
        actor=request.user, household=household, findings=payload.findings, lon=payload.lon,
        lat=payload.lat, residents=residents, visited_at=payload.visited_at,
        open_case=payload.open_case, category=category,
    )  # fmt: skip
    return Status(201, _visit(visit))


@router.get("", response={200: list[VisitOut], **ERRORS}, summary="Visits in your scope")
def list_visits(
    request: HttpRequest,
    grid: str = Query("", max_length=32),  # type: ignore[type-arg]
    since: IsoDate | None = None,
    until: IsoDate | None = None,
    limit: int = Query(50, ge=1, le=200),  # type: ignore[type-arg]
    offset: int = Query(0, ge=0, le=1_000_000),  # type: ignore[type-arg]
):
    """Newest first; `grid` keeps those under a grid code; `since`/`until` are days, both
    included."""
    qs = Visit.objects.visible_to(request.user, "view").select_related(
        "household", "worker", "case", "follow_up_of"
    )
    if grid:
        qs = qs.filter(grid_code__startswith=grid)
    if since:
        qs = qs.filter(visited_at__gte=queries.period(since, since)[0])
    if until:
        qs = qs.filter(visited_at__lt=queries.period(until, until)[1])
    return [_visit(v) for v in qs.prefetch_related("residents")[offset : offset + limit]]


@router.get("/coverage", response={200: list[CoverageRowOut], **ERRORS}, summary="Coverage")
def coverage(
    request: HttpRequest,
    start: IsoDate,
    end: IsoDate,
    node: str = Query(..., max_length=32),  # type: ignore[type-arg]
    by: Literal["grid", "worker"] = "grid",
):
    """Per child grid of `node` (or per grid worker under it) from `start` to `end`, both
    days included: households, visited, visits, must-visit households visited on time,
    overdue now; the node's total last (per worker the rows overlap where a grid has two
    workers: the total counts each household once; ADR 0023)."""
    grid = queries.node_for(request.user, node)
    rows, total = queries.summary(grid, start, end, by)
    return [_row(r) for r in [*rows, total]]


def _row(r: queries.Row) -> dict[str, Any]:
    return {
        "key": r.key, "label": str(r.label), "households": r.households, "visited": r.visited,
        "visits": r.visits, "visited_share": r.visited_share, "must_visit": r.must_visit,
        "must_on_time": r.must_on_time, "on_time_share": r.on_time_share, "overdue": r.overdue,
    }  # fmt: skip


# ---------------------------------------------------------------- people's sentiment diary


def _entry(e: DiaryEntry, user: Any) -> dict[str, Any]:
    return {
        "public_id": e.public_id, "worker": e.worker.username, "grid": e.grid_code,
        "day": e.day, "heard": e.heard, "mood": e.mood, "follow_up": e.follow_up,
        "households": [h.public_id for h in e.households.all()],
        "cases": [c.number for c in e.cases.all()], "edits": e.edits,
        "editable": e.worker_id == user.pk and e.editable_on(timezone.localdate()),
    }  # fmt: skip


def _diary_input(request: HttpRequest, payload: DiaryIn) -> dict[str, Any]:
    from gridgov.cases.models import Case

    homes = list(Household.objects.filter(public_id__in=payload.households))
    if len(homes) != len(set(payload.households)):
        raise NotFound(_("No such household."), field="households")
    numbers = set(payload.cases)
    cases = list(Case.objects.filter(number__in=numbers))
    if len({c.number for c in cases}) != len(numbers):
        raise NotFound(_("No such case."), field="cases")
    return {
        "actor": request.user, "day": payload.day, "heard": payload.heard,
        "mood": payload.mood, "follow_up": payload.follow_up, "households": homes,
        "cases": cases,
    }  # fmt: skip


@router.get("/diary", response={200: list[DiaryOut], **ERRORS}, summary="Diary entries")
def list_diary(
    request: HttpRequest,
    q: str = Query("", max_length=100),  # type: ignore[type-arg]
    since: IsoDate | None = None,
    until: IsoDate | None = None,
    grid: str = Query("", max_length=32, pattern=r"^\d*$"),  # type: ignore[type-arg]
    worker: str = Query("", max_length=150),  # type: ignore[type-arg]
    mood: Literal["", "calm", "concerned", "discontent", "tense"] = "",
    limit: int = Query(50, ge=1, le=200),  # type: ignore[type-arg]
    offset: int = Query(0, ge=0, le=1_000_000),  # type: ignore[type-arg]
):
    """Your own entries and, where you hold the heads' right (assess), your workers': `q` in
    what was heard or the follow-up, days `since`–`until` (both included), under `grid`, by
    the `worker` (username); newest first."""
    qs = queries.search_diary(
        request.user, text=q, start=since, end=until, grid=grid, worker=worker, mood=mood
    ).prefetch_related("households", "cases")
    return [_entry(e, request.user) for e in qs[offset : offset + limit]]


@router.post("/diary", response={201: DiaryOut, **ERRORS}, summary="Write a diary entry")
def write_diary(request: HttpRequest, payload: DiaryIn):
    """On `grid` (one of your grids; default the first you hold); households and cases
    linked must be in your scope; no phone or ID numbers in the text (422)."""
    grids = queries.writer_grids(request.user)
    grid = grids.filter(code=payload.grid).first() if payload.grid else grids.first()
    if grid is None:
        if payload.grid or not request.user.is_authenticated:
            raise NotFound(_("Not found."), field="grid")
        raise Forbidden(_("You may not keep a diary here."))
    entry = services.write_diary(grid=grid, **_diary_input(request, payload))
    return Status(201, _entry(entry, request.user))


def _diary_entry(request: HttpRequest, public_id: uuid.UUID) -> DiaryEntry:
    entry = queries.diary(request.user).select_related("worker").filter(public_id=public_id).first()
    if entry is None:
        raise NotFound(_("Not found."))
    return entry


@router.get("/diary/{public_id}", response={200: DiaryOut, **ERRORS}, summary="A diary entry")
def get_diary(request: HttpRequest, public_id: uuid.UUID):
    return _entry(_diary_entry(request, public_id), request.user)


@router.put("/diary/{public_id}", response={200: DiaryOut, **ERRORS}, summary="Change an entry")
def edit_diary(request: HttpRequest, public_id: uuid.UUID, payload: DiaryIn):
    """Its author only (403 for a head who reads it), on the day it was written (409 after:
    write a new entry). `grid` is not changed."""
    entry = _diary_entry(request, public_id)
    entry = services.edit_diary(entry=entry, **_diary_input(request, payload))
    return _entry(entry, request.user)
