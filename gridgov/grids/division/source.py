"""What a division is made from, read from the database: the parent's boundary, the roads
crossing it, and the buildings under it with their households and today's grid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from gridgov.core.errors import ServiceError
from gridgov.core.lib import geo
from gridgov.registry.models import Building, Household

from ..choices import GridKind
from ..models import Grid, Road
from .blocks import Building as BuildingPoint


@dataclass
class Source:
    parent: Grid
    boundary: Any  # shapely, lon/lat
    roads: list[Any]
    buildings: list[BuildingPoint]
    children: list[Grid]  # today's comprehensive grids under the parent


def roads_in(bounds: tuple[float, float, float, float]) -> list[Any]:
    """The roads whose box meets `bounds` (lon/lat), as shapely lines."""
    from shapely.geometry import shape

    min_lon, min_lat, max_lon, max_lat = bounds
    rows = Road.objects.filter(
        min_lon__lte=max_lon, max_lon__gte=min_lon, min_lat__lte=max_lat, max_lat__gte=min_lat
    ).values_list("geometry", flat=True)
    return [shape(g) for g in rows]


def _footprint(data: Any) -> Any:
    """A building's footprint as shapely, or None (none kept, or not a usable polygon)."""
    if not data:
        return None
    try:
        return geo.parse_boundary(data)
    except (geo.GeometryError, ValueError, TypeError, KeyError):
        return None


def load(parent: Grid) -> Source:
    if parent.valid_to is not None:
        raise ServiceError(
            "retired", _("A retired grid cannot be divided."), field="code", status=409
        )
    if not parent.boundary:
        raise ServiceError(
            "no_boundary",
            _("Grid %(code)s has no boundary to divide.") % {"code": parent.code},
            field="code",
            status=422,
        )
    network = parent.network
    if parent.depth + 1 >= len(network.code_lengths):
        raise ServiceError(
            "too_deep", _("This network has no level below this grid."), field="code", status=422
        )
    children = list(parent.children.current().filter(kind=GridKind.COMPREHENSIVE).order_by("code"))
    # Buildings of dedicated grids stay with them; those filed under the parent itself (no
    # grid yet) or under one of its comprehensive grids are divided.
    codes = [parent.code] + [c.code for c in children]
    counts = dict(
        Household.objects.filter(grid_code__in=codes, building__isnull=False)
        .values_list("building_id")
        .annotate(n=Count("id"))
        .values_list("building_id", "n")
    )
    buildings = [
        BuildingPoint(
            id=bid,
            lon=lon,
            lat=lat,
            households=counts.get(bid, 0),
            grid_code="" if code == parent.code else code,
            footprint=_footprint(footprint),
        )
        for bid, lon, lat, code, footprint in Building.objects.filter(grid_code__in=codes)
        .order_by("id")
        .values_list("id", "lon", "lat", "grid_code", "footprint")
    ]
    boundary = geo.parse_boundary(parent.boundary)
    return Source(parent, boundary, roads_in(boundary.bounds), buildings, children)
