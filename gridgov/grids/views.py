"""Grid pages: the tree with drill-down and a map, and the coverage/size report."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from gridgov.accounts.roles import Right
from gridgov.core.errors import ServiceError
from gridgov.core.models import AuditEntry
from gridgov.core.scope import in_scope

from . import queries, reports, services
from .models import Grid, Network


def _network(slug: str) -> Network:
    try:
        return queries.network_by_slug(slug)
    except ServiceError:
        raise Http404 from None


def _grid(request: HttpRequest, slug: str, code: str) -> Grid:
    try:
        return services.get_grid_for(request.user, _network(slug), code)
    except ServiceError as e:
        if e.status == 404:
            raise Http404 from None
        raise


def _ancestors(grid: Grid, user: Any) -> list[tuple[Grid, bool]]:
    """The path from the root to `grid`'s parent, each with whether the user may open it.

    A code starts with its parent's (docs/adr/0002-grid-codes.md), so the path is one query
    on the code's prefixes rather than one per level, and whether the user may open a node
    is a prefix test on the assignments already read for this request (no query).
    """
    if grid.parent_id is None:
        return []
    prefixes = [grid.code[:n] for n in range(1, len(grid.code))]
    chain = Grid.objects.filter(network_id=grid.network_id, code__in=prefixes).order_by("depth")
    return [(g, in_scope(user, g.code)) for g in chain]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    network = Network.objects.order_by("id").first()
    tops = queries.top_grids(request.user, network) if network else []
    if len(tops) == 1:
        return redirect("grids:detail", network=network.slug, code=tops[0].code)  # type: ignore[union-attr]
    return render(request, "grids/home.html", {"network": network, "tops": tops})


@login_required
def detail(request: HttpRequest, network: str, code: str) -> HttpResponse:
    grid = _grid(request, network, code)
    rows = queries.children(grid)
    before, after = queries.successions(grid, request.user)
    buildings = []
    if grid.is_grid_level:
        buildings = list(grid.buildings.order_by("code")[:200])
    households = reports.household_count(grid.code)
    history = list(
        AuditEntry.objects.filter(object_type="grid", object_key=grid.code).select_related("actor")[
            :20
        ]
    )
    return render(
        request,
        "grids/detail.html",
        {
            "grid": grid,
            "network": grid.network,
            "ancestors": _ancestors(grid, request.user),
            "rows": rows,
            "households": households,
            "standard": queries.Row(grid, households).standard,
            "predecessors": before,
            "successors": after,
            "buildings": buildings,
            "history": history,
            "tile_url": settings.GRIDGOV_TILE_URL,
            "tile_attribution": settings.GRIDGOV_TILE_ATTRIBUTION,
            "minimum": settings.GRID_HOUSEHOLDS_MIN,
            "maximum": settings.GRID_HOUSEHOLDS_MAX,
            # Automatic division (grids.division) for those who may change grids here.
            "may_divide": bool(grid.boundary)
            and grid.valid_to is None
            and grid.depth < grid.network.grid_depth
            and in_scope(request.user, grid.code, Right.CHANGE_GRIDS),
        },
    )


@login_required
def geojson(request: HttpRequest, network: str, code: str) -> JsonResponse:
    """The node and its current children as a FeatureCollection, for the map."""
    grid = _grid(request, network, code)
    # Not queries.children: the map needs no household counts, and counting them means a
    # GROUP BY over every household under the node (all of a county's) on each map load.
    kids = grid.children.current().order_by("code")
    features = []
    for g, role in [(grid, "node")] + [(k, "child") for k in kids]:
        if g.boundary:
            features.append(
                {
                    "type": "Feature",
                    "geometry": g.boundary,
                    "properties": {
                        "code": g.code,
                        "name": g.name,
                        "role": role,
                        "kind": g.kind,
                        "url": reverse("grids:detail", args=[grid.network.slug, g.code]),
                    },
                }
            )
    buildings = []
    if grid.is_grid_level:
        buildings = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [b.lon, b.lat]},
                "properties": {
                    "code": b.code,
                    "name": b.name,
                    "role": "building",
                    "url": reverse("registry:building_detail", args=[b.code]),
                },
            }
            for b in grid.buildings.order_by("code")[:500]
        ]
    return JsonResponse({"type": "FeatureCollection", "features": features + buildings})


@login_required
def report(request: HttpRequest, network: str, code: str) -> HttpResponse:
    grid = _grid(request, network, code)
    coverage = reports.coverage_report(grid)
    sizes = reports.size_report(grid)
    out = [r for r in sizes if r.flag != "ok"]
    return render(
        request,
        "grids/report.html",
        {
            "grid": grid,
            "network": grid.network,
            "ancestors": _ancestors(grid, request.user),
            "coverage": coverage,
            "sizes": sizes,
            "out_of_standard": out,
            "minimum": settings.GRID_HOUSEHOLDS_MIN,
            "maximum": settings.GRID_HOUSEHOLDS_MAX,
        },
    )
