"""Demo roads: the lines between the demo's grids are its roads (道路) and a lane (街巷)
crosses each grid of the county seat's communities, so that automatic division (issue 13)
has roads to cut blocks along. Made once, by `gridgov demo`."""

from __future__ import annotations

import shapely
from shapely.geometry import LineString, mapping
from shapely.geometry.base import BaseGeometry

from gridgov.core.lib import geo
from gridgov.grids.models import Grid, Road


def _lines(geom: BaseGeometry) -> list[BaseGeometry]:
    if geom.is_empty:
        return []
    parts = list(getattr(geom, "geoms", [geom]))
    return [p for p in parts if p.geom_type in ("LineString", "MultiLineString") and p.length]


def _road(name: str, kind: str, line: BaseGeometry) -> Road:
    min_lon, min_lat, max_lon, max_lat = line.bounds
    return Road(
        name=name, kind=kind, geometry=_geojson(line),
        min_lon=min_lon, min_lat=min_lat, max_lon=max_lon, max_lat=max_lat,
    )  # fmt: skip


def _geojson(line: BaseGeometry) -> dict:
    data = mapping(shapely.set_precision(line, 1e-7))
    return {"type": data["type"], "coordinates": _lists(data["coordinates"])}


def _lists(value: object) -> object:
    return [_lists(v) for v in value] if isinstance(value, list | tuple) else value


def ensure_demo_roads() -> int:
    """Roads between the grids of every community, a lane across each urban grid."""
    if Road.objects.exists():
        return 0
    roads: list[Road] = []
    communities = Grid.objects.filter(network__slug="comprehensive", depth=2).current()
    for community in communities.exclude(boundary=None).order_by("code"):
        grids = [
            g for g in community.children.current().filter(kind="comprehensive").order_by("code")
            if g.boundary
        ]  # fmt: skip
        if len(grids) < 2:
            continue
        # Every grid's outline, the community's included: communities are bounded by roads.
        inner = shapely.union_all([g.geometry.boundary for g in grids])
        for n, line in enumerate(_lines(shapely.line_merge(inner)), start=1):
            roads.append(_road(f"{community.name}{n}号路", "road", line))
        if not community.code[6:9].startswith("0"):
            continue  # lanes in the county seat's streets only
        for g in grids:
            shape = g.geometry
            c = shape.centroid
            x0, y0, x1, y1 = shape.bounds
            wide = (x1 - x0) * geo.metres_per_degree_lon(c.y) > (
                y1 - y0
            ) * geo.METRES_PER_DEGREE_LAT
            # Across the short side: the grid is cut into two halves of similar shape.
            lane = (
                LineString([(c.x, y0 - 1e-4), (c.x, y1 + 1e-4)])
                if wide
                else LineString([(x0 - 1e-4, c.y), (x1 + 1e-4, c.y)])
            )
            # A little past the grid's outline, so that the lane meets the road it ends on.
            part = lane.intersection(shape.buffer(1e-5))
            for line in _lines(part):
                roads.append(_road(f"{g.name}巷", "lane", line))
    Road.objects.bulk_create(roads)
    return len(roads)
