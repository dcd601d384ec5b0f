"""Synthetic Voronoi blocks (the benchmark's and the tests' ground): seeded random points in
a square, their Voronoi cells as street blocks, 1–80 households each (mean ~41)."""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import MultiPoint, box

from .graph import Graph, from_polygons


def voronoi_blocks(n: int, seed: int, block_m: float = 120.0) -> tuple[list, list[int]]:
    """n blocks of about `block_m` metres across; polygons in metres and households."""
    rng = np.random.default_rng(seed)
    side = block_m * math.sqrt(n)
    pts = rng.uniform(0, side, size=(n, 2))
    frame = box(0, 0, side, side)
    cells = shapely.voronoi_polygons(MultiPoint(pts), extend_to=frame)
    polys = [c.intersection(frame) for c in cells.geoms]
    polys = [p for p in polys if not p.is_empty and p.area > 0]
    households = rng.integers(1, 81, size=len(polys)).tolist()
    return polys, households


def voronoi_graph(n: int, seed: int) -> Graph:
    polys, households = voronoi_blocks(n, seed)
    return from_polygons(polys, households)
