"""/api/v1/grids: list, read, look up, create, edit, retire, and the two reports."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from gridgov.accounts.roles import Right
from gridgov.core.errors import NotFound, ServiceError
from gridgov.core.inputs import IsoDate
from gridgov.core.schemas import ERRORS

from . import queries, reports, services
from .models import Grid
from .schemas import (
    CoverageOut,
    GridCreateIn,
    GridDetailOut,
    GridOut,
    GridUpdateIn,
    LookupLevel,
    LookupOut,
    RedivideIn,
    RetireIn,
    SizeReportOut,
)

router = Router(tags=["grids"])


def _out(grid: Grid, households: int) -> dict[str, Any]:
    row = queries.Row(grid, households)
    return {
        "code": grid.code,
        "name": grid.name,
        "network": grid.network.slug,
        "depth": grid.depth,
        "level": grid.level_name,
        "kind": grid.kind,
        "subtype": grid.subtype,
        "parent": grid.parent.code if grid.parent else None,
        "host": grid.host.code if grid.host else None,
        "statistical_code": grid.statistical_code,
        "valid_from": grid.valid_from,
        "valid_to": grid.valid_to,
        "households": households,
        "standard": row.standard,
    }


def _detail(grid: Grid, user: Any) -> dict[str, Any]:
    before, after = queries.successions(grid, user)
    return {
        **_out(grid, reports.household_count(grid.code)),
        "boundary": grid.boundary,
        "predecessors": before,
        "successors": after,
    }


def _grid(request: HttpRequest, network: str, code: str, right: str = Right.VIEW) -> Grid:
    return services.get_grid_for(request.user, queries.network_by_slug(network), code, right)


@router.get("", response={200: list[GridOut], **ERRORS}, summary="Children of a grid")
def list_grids(
    request: HttpRequest,
    parent: str | None = None,
    network: str = "comprehensive",
    at: IsoDate | None = None,
    retired: bool = False,
):
    """The children of `parent`; without `parent`, the grids your tree starts at."""
    net = queries.network_by_slug(network)
    if parent is None:
        tops = queries.top_grids(request.user, net)
        counts = reports.household_counts_under([g.code for g in tops])
        return [_out(g, counts[g.code]) for g in tops]
    try:
        node = services.get_grid_for(request.user, net, parent)
    except NotFound as e:
        e.field = "parent"
        raise
    return [_out(r.grid, r.households) for r in queries.children(node, at, retired)]


@router.get("/lookup", response={200: LookupOut, **ERRORS}, summary="Grids at a point")
def lookup(
    request: HttpRequest,
    lon: float = Query(..., ge=-180, le=180),  # type: ignore[type-arg]
    lat: float = Query(..., ge=-90, le=90),  # type: ignore[type-arg]
    at: IsoDate | None = None,
    network: str = "comprehensive",
):
    net = queries.network_by_slug(network)
    levels, dedicated = queries.lookup(request.user, net, lon, lat, at)

    def level(h: Any) -> LookupLevel:
        return LookupLevel(
            depth=h.depth, level=net.level_name(h.depth), code=h.code, name=h.name, kind=h.kind
        )

    return {
        "lon": lon,
        "lat": lat,
        "at": at,
        "levels": [level(h) for h in levels],
        "dedicated": [level(h) for h in dedicated],
    }


@router.post("/redivide", response={201: list[GridDetailOut], **ERRORS}, summary="Re-divide grids")
def redivide(request: HttpRequest, payload: RedivideIn):
    """Retire sibling grids and create the grids that replace them, all or nothing; each
    old grid records as successors the new grids its area overlaps."""
    net = queries.network_by_slug(payload.network)
    olds = []
    for i, code in enumerate(payload.grids):
        try:
            olds.append(services.get_grid_for(request.user, net, code, Right.CHANGE_GRIDS))
        except ServiceError as e:
            e.field = f"grids[{i}]"
            raise
    created = services.redivide(
        actor=request.user,
        grids=olds,
        new=[services.NewGrid(name=n.name, boundary=n.boundary, code=n.code) for n in payload.new],
        date=payload.date,
        reason=payload.reason,
    )
    return Status(201, [_detail(g, request.user) for g in created])


@router.get("/{code}", response={200: GridDetailOut, **ERRORS}, summary="One grid")
def get_grid(request: HttpRequest, code: str, network: str = "comprehensive"):
    return _detail(_grid(request, network, code), request.user)


@router.post("", response={201: GridDetailOut, **ERRORS}, summary="Create a grid")
def create_grid(request: HttpRequest, payload: GridCreateIn):
    grid = services.create_grid(
        actor=request.user,
        network=queries.network_by_slug(payload.network),
        parent_code=payload.parent,
        name=payload.name,
        code=payload.code,
        kind=payload.kind,
        subtype=payload.subtype,
        host_code=payload.host,
        boundary=payload.boundary,
        valid_from=payload.valid_from,
    )
    return Status(201, _detail(grid, request.user))


@router.patch("/{code}", response={200: GridDetailOut, **ERRORS}, summary="Edit a grid")
def update_grid(
    request: HttpRequest, code: str, payload: GridUpdateIn, network: str = "comprehensive"
):
    # The right first: a person who may not edit learns that, not what their body lacks.
    grid = _grid(request, network, code, Right.CHANGE_GRIDS)
    if (
        payload.boundary is None
        and not payload.clear_boundary
        and payload.name is None
        and (payload.subtype is None)
    ):
        raise ServiceError(
            "nothing_to_change",
            _("Nothing to change: send a name, subtype or boundary."),
            status=400,
        )
    grid = services.update_grid(
        actor=request.user,
        grid=grid,
        name=payload.name,
        boundary=payload.boundary,
        clear_boundary=payload.clear_boundary,
        subtype=payload.subtype,
    )
    return _detail(grid, request.user)


@router.post("/{code}/retire", response={200: GridDetailOut, **ERRORS}, summary="Retire a grid")
def retire_grid(request: HttpRequest, code: str, payload: RetireIn, network: str = "comprehensive"):
    grid = services.retire_grid(
        actor=request.user,
        grid=_grid(request, network, code),
        date=payload.date,
        successor_codes=payload.successors,
        reason=payload.reason,
    )
    return _detail(grid, request.user)


@router.get("/{code}/coverage", response={200: CoverageOut, **ERRORS}, summary="Gaps and overlaps")
def coverage(request: HttpRequest, code: str, network: str = "comprehensive"):
    return reports.coverage_report(_grid(request, network, code)).as_dict()


@router.get("/{code}/size-report", response={200: SizeReportOut, **ERRORS}, summary="Size standard")
def size_report(request: HttpRequest, code: str, network: str = "comprehensive"):
    node = _grid(request, network, code)
    rows = reports.size_report(node)
    return {
        "code": node.code,
        "minimum": settings.GRID_HOUSEHOLDS_MIN,
        "maximum": settings.GRID_HOUSEHOLDS_MAX,
        "grids": len(rows),
        "out_of_standard": [
            {
                "code": r.grid.code,
                "name": r.grid.name,
                "households": r.households,
                "standard": r.flag,
            }
            for r in rows
            if r.flag != "ok"
        ],
    }


# The division endpoints (grids/division/api.py) register themselves on this router.
from .division import api as _division_api  # noqa: E402, F401
