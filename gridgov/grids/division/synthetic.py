"""Synthetic Voronoi blocks (the benchmark's and the tests' ground): seeded random points in
a square, their Voronoi cells as blocks of 1–80 households each (mean ~41). About every
third cell boundary is a lane inside a street block rather than a road: cells are grouped
round a third as many points, and two cells of one group meet along a lane."""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import MultiPoint, box

from .graph import Graph, from_polygons


def voronoi_blocks(n: int, seed: int, block_m: float = 120.0) -> tuple[list, list[int], list[int]]:
    """n blocks of about `block_m` metres across: polygons in metres, households, and the
    street block (group) of each."""
    rng = np.random.default_rng(seed)
    side = block_m * math.sqrt(n)
    pts = rng.uniform(0, side, size=(n, 2))
    frame = box(0, 0, side, side)
    cells = shapely.voronoi_polygons(MultiPoint(pts), extend_to=frame)
    polys = [c.intersection(frame) for c in cells.geoms]
    polys = [p for p in polys if not p.is_empty and p.area > 0]
    households = rng.integers(1, 81, size=len(polys)).tolist()
    groups = rng.uniform(0, side, size=(max(1, n // 3), 2))
    cent = np.column_stack(
        [shapely.get_x(shapely.centroid(polys)), shapely.get_y(shapely.centroid(polys))]
    )
    origin = ((cent[:, None, :] - groups[None, :, :]) ** 2).sum(2).argmin(1).tolist()
    return polys, households, origin


def voronoi_graph(n: int, seed: int) -> Graph:
    polys, households, origin = voronoi_blocks(n, seed)
    return from_polygons(polys, households, origin)
