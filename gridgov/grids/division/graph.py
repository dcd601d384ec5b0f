"""The block graph the partitioner works on: blocks with households, areas and perimeters
in metres, and the boundary each pair of neighbouring blocks shares (with how much of it is
a road)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely


@dataclass
class Graph:
    """Blocks 0..n-1. Lengths and areas in metres on a local plane."""

    w: list[int]  # households per block
    area: list[float]
    perim: list[float]
    x: list[float]  # centroid
    y: list[float]
    nbr: list[list[int]]  # neighbours of each block
    nlen: list[list[float]]  # shared boundary length with each neighbour
    nroad: list[list[float]]  # of which along a road
    _comps: list[list[int]] | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        return len(self.w)

    def components(self) -> list[list[int]]:
        """Connected parts of the ground (an island, a detached piece of the parent)."""
        if self._comps is None:
            seen = [False] * self.n
            comps = []
            for s in range(self.n):
                if seen[s]:
                    continue
                seen[s] = True
                stack, comp = [s], []
                while stack:
                    i = stack.pop()
                    comp.append(i)
                    for j in self.nbr[i]:
                        if not seen[j]:
                            seen[j] = True
                            stack.append(j)
                comps.append(sorted(comp))
            self._comps = comps
        return self._comps


def from_polygons(
    polys: list[Any], households: list[int], origin: list[int] | None = None
) -> Graph:
    """The graph of a planar set of polygons (metres). Two blocks cut from different road
    blocks (`origin`) meet along a road; two cut from the same one (between its buildings)
    do not. Without `origin` every block is a road block."""
    n = len(polys)
    arr = np.array(polys, dtype=object)
    origin = origin if origin is not None else list(range(n))
    nbr: list[list[int]] = [[] for _ in range(n)]
    nlen: list[list[float]] = [[] for _ in range(n)]
    nroad: list[list[float]] = [[] for _ in range(n)]
    if n > 1:
        tree = shapely.STRtree(arr)
        left, right = tree.query(arr, predicate="intersects")
        keep = left < right
        left, right = left[keep], right[keep]
        bounds = shapely.boundary(arr)
        shared = shapely.length(shapely.intersection(bounds[left], bounds[right]))
        for i, j, length in zip(left.tolist(), right.tolist(), shared.tolist(), strict=True):
            if length <= 0.01:  # corners and slivers of rounding
                continue
            road = length if origin[i] != origin[j] else 0.0
            nbr[i].append(j)
            nlen[i].append(length)
            nroad[i].append(road)
            nbr[j].append(i)
            nlen[j].append(length)
            nroad[j].append(road)
    cent = shapely.centroid(arr)
    return Graph(
        w=[int(h) for h in households],
        area=shapely.area(arr).tolist(),
        perim=shapely.length(arr).tolist(),
        x=shapely.get_x(cent).tolist(),
        y=shapely.get_y(cent).tolist(),
        nbr=nbr,
        nlen=nlen,
        nroad=nroad,
    )
