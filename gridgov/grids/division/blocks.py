"""Blocks from roads: the parent's ground cut by its roads and lanes (polygonised), each
block holding the buildings that stand in it. A block with more households than a grid may
hold is cut between its buildings (a Voronoi cell round each building point, cells joined
where a footprint crosses between them), never through one: every building lies whole in
one block.

All geometry here is in metres on a local plane centred on the parent (`Frame`); blocks
go back to longitude/latitude only to be stored and drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import shapely
import shapely.ops
from shapely.geometry import MultiPoint, Point
from shapely.geometry.base import BaseGeometry

from gridgov.core.lib import geo

from .graph import Graph, from_polygons


@dataclass(frozen=True)
class Frame:
    """Longitude/latitude ↔ metres on a plane tangent at (lon0, lat0)."""

    lon0: float
    lat0: float

    @property
    def mx(self) -> float:
        return geo.metres_per_degree_lon(self.lat0)

    def to_m(self, g: BaseGeometry) -> BaseGeometry:
        mx, my, lon0, lat0 = self.mx, geo.METRES_PER_DEGREE_LAT, self.lon0, self.lat0
        return shapely.transform(g, lambda c: (c - [lon0, lat0]) * [mx, my])

    def to_deg(self, g: BaseGeometry) -> BaseGeometry:
        mx, my, lon0, lat0 = self.mx, geo.METRES_PER_DEGREE_LAT, self.lon0, self.lat0
        return shapely.transform(g, lambda c: c / [mx, my] + [lon0, lat0])


@dataclass(frozen=True)
class Building:
    id: int
    lon: float
    lat: float
    households: int
    grid_code: str = ""
    footprint: Any = None  # shapely polygon, lon/lat, if the registry has one


@dataclass
class Ground:
    frame: Frame
    polys: list[Any]  # blocks in metres
    buildings: list[list[int]]  # building ids per block
    households: list[int]
    origin: list[int]  # the road block each block was cut from
    graph: Graph = field(init=False)

    def __post_init__(self) -> None:
        self.graph = from_polygons(self.polys, self.households, self.origin)


def road_blocks(parent_m: BaseGeometry, roads_m: list[BaseGeometry]) -> list[Any]:
    """The parent cut by every road crossing it (dead ends cut nothing)."""
    lines = [parent_m.boundary]
    for r in roads_m:
        part = r.intersection(parent_m)
        if not part.is_empty:
            lines.append(part)
    merged = shapely.union_all(lines)
    out = []
    for poly in shapely.ops.polygonize(merged):
        # Polygonising the boundary also yields the parent's holes: keep the ground only.
        if poly.area > 0.5 and parent_m.contains(poly.representative_point()):
            out.append(poly)
    return out


def _split_between_buildings(block: Any, pts: list[tuple[float, float]]) -> list[Any]:
    """Voronoi cells of the distinct building points, clipped to the block (same order)."""
    cells = shapely.voronoi_polygons(MultiPoint(pts), extend_to=block)
    by_point: dict[int, Any] = {}
    tree_pts = [Point(p) for p in pts]
    for cell in cells.geoms:
        clipped = cell.intersection(block)
        for n, p in enumerate(tree_pts):
            if n not in by_point and cell.contains(p):
                by_point[n] = clipped
                break
    return [by_point.get(n, Point(pts[n]).buffer(0.5).intersection(block)) for n in range(len(pts))]


def cut_block(
    block: Any, frame: Frame, buildings: list[Building]
) -> list[tuple[Any, list[Building]]]:
    """A block cut between its buildings: a cell round each building point, and cells a
    building's footprint reaches into joined, so no line passes through a building."""
    groups: dict[tuple[float, float], list[Building]] = {}
    for b in buildings:
        p = frame.to_m(Point(b.lon, b.lat))
        groups.setdefault((round(p.x, 2), round(p.y, 2)), []).append(b)
    keys = list(groups)
    if len(keys) < 2:
        return [(block, buildings)]
    cells = _split_between_buildings(block, keys)
    parent = list(range(len(keys)))

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    tree = shapely.STRtree(cells)
    for n, key in enumerate(keys):
        for b in groups[key]:
            if b.footprint is None:
                continue
            foot = frame.to_m(b.footprint)
            for m in tree.query(foot, predicate="intersects").tolist():
                if m != n and cells[m].intersection(foot).area > 0.01:
                    parent[root(m)] = root(n)
    joined: dict[int, list[int]] = {}
    for n in range(len(keys)):
        joined.setdefault(root(n), []).append(n)
    out = []
    for members in joined.values():
        cell = (
            cells[members[0]]
            if len(members) == 1
            else shapely.union_all([cells[m] for m in members])
        )
        out.append((cell, [b for m in members for b in groups[keys[m]]]))
    return out


def build(
    parent: BaseGeometry,
    roads: list[BaseGeometry],
    buildings: list[Building],
    *,
    split_above: int,
) -> Ground:
    """Blocks of `parent` (lon/lat) cut by `roads` (lon/lat lines), with `buildings`; any
    block of more than `split_above` households is cut between its buildings."""
    c = parent.centroid
    frame = Frame(c.x, c.y)
    parent_m = frame.to_m(parent)
    blocks = road_blocks(parent_m, [frame.to_m(r) for r in roads])
    if not blocks:
        blocks = list(getattr(parent_m, "geoms", [parent_m]))
    tree = shapely.STRtree(blocks)
    pts = [frame.to_m(Point(b.lon, b.lat)) for b in buildings]
    where = [-1] * len(buildings)
    if pts:
        pi, bi = tree.query(pts, predicate="intersects")
        for p, q in zip(pi.tolist(), bi.tolist(), strict=True):
            if where[p] < 0:
                where[p] = q
        lost = [n for n, q in enumerate(where) if q < 0]
        if lost:  # a building point a little outside the parent: the nearest block
            near = tree.query_nearest([pts[n] for n in lost], all_matches=False)
            for n, q in zip(lost, near[1].tolist(), strict=True):
                where[n] = q
    members: list[list[int]] = [[] for _ in blocks]
    for n, q in enumerate(where):
        members[q].append(n)
    polys, ids, hh, origin = [], [], [], []
    for q, block in enumerate(blocks):
        mem = members[q]
        total = sum(buildings[n].households for n in mem)
        if total > split_above and len(mem) > 1:
            pieces = cut_block(block, frame, [buildings[n] for n in mem])
            if len(pieces) > 1:
                for cell, inside in pieces:
                    polys.append(cell)
                    ids.append([b.id for b in inside])
                    hh.append(sum(b.households for b in inside))
                    origin.append(q)
                continue
        polys.append(block)
        ids.append([buildings[n].id for n in mem])
        hh.append(total)
        origin.append(q)
    return Ground(frame, polys, ids, hh, origin)


def refine_ground(ground: Ground, buildings: list[Building], split_above: int) -> Ground:
    """The same ground with every block over `split_above` households cut between its
    buildings: finer pieces for when the bounds cannot be met with whole blocks."""
    by_id = {b.id: b for b in buildings}
    polys: list[Any] = []
    ids: list[list[int]] = []
    hh: list[int] = []
    origin: list[int] = []
    for poly, mem, total, org in zip(
        ground.polys, ground.buildings, ground.households, ground.origin, strict=True
    ):
        pieces = [(poly, [by_id[i] for i in mem])]
        if total > split_above and len(mem) > 1:
            pieces = cut_block(poly, ground.frame, [by_id[i] for i in mem])
        for cell, inside in pieces:
            polys.append(cell)
            ids.append([b.id for b in inside])
            hh.append(sum(b.households for b in inside))
            origin.append(org)
    return Ground(ground.frame, polys, ids, hh, origin)


def union_deg(ground: Ground, blocks: list[int]) -> BaseGeometry:
    """The union of some blocks, back in longitude/latitude."""
    merged = shapely.union_all([ground.polys[i] for i in blocks])
    # Cells of one block meet exactly; a whisker of rounding between road blocks closes.
    if merged.geom_type == "MultiPolygon":
        closed = merged.buffer(0.01).buffer(-0.01)
        if closed.geom_type == "Polygon":
            merged = closed
    return ground.frame.to_deg(merged)


def polsby_popper(geom_m: BaseGeometry) -> float:
    p = geom_m.length
    return 4 * math.pi * geom_m.area / (p * p) if p else 0.0
