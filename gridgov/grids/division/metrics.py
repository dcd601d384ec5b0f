"""Figures of a division: per grid its households, Polsby–Popper compactness and the share
of the boundary drawn between grids that follows a road; for the whole, the share of grids
within the bounds and, on re-division, the households that change grid."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .graph import Graph
from .partition import Bounds


@dataclass(frozen=True)
class RegionFigures:
    region: int
    blocks: int
    households: int
    area_m2: float
    perimeter_m: float
    polsby_popper: float
    road_share: float | None  # None: no boundary with another grid
    contiguous: bool

    def in_range(self, b: Bounds) -> bool:
        return b.low <= self.households <= b.high


@dataclass(frozen=True)
class Summary:
    grids: int
    in_range: int
    mean_polsby_popper: float
    road_share: float | None
    smallest: int
    largest: int

    @property
    def share_in_range(self) -> float:
        return self.in_range / self.grids if self.grids else 0.0


def figures(g: Graph, labels: list[int]) -> list[RegionFigures]:
    k = max(labels) + 1 if labels else 0
    hh = [0] * k
    area = [0.0] * k
    perim = [0.0] * k
    cut = [0.0] * k
    road = [0.0] * k
    count = [0] * k
    for i, r in enumerate(labels):
        hh[r] += g.w[i]
        area[r] += g.area[i]
        perim[r] += g.perim[i]
        count[r] += 1
        for j, ln, rd in zip(g.nbr[i], g.nlen[i], g.nroad[i], strict=True):
            if labels[j] == r:
                perim[r] -= ln  # an inner edge is counted once from each side
            else:
                cut[r] += ln
                road[r] += rd
    connected = _connected(g, labels, k)
    out = []
    for r in range(k):
        p = perim[r]
        out.append(
            RegionFigures(
                region=r,
                blocks=count[r],
                households=hh[r],
                area_m2=area[r],
                perimeter_m=p,
                polsby_popper=4 * math.pi * area[r] / (p * p) if p > 0 else 0.0,
                road_share=road[r] / cut[r] if cut[r] > 0 else None,
                contiguous=connected[r],
            )
        )
    return out


def _connected(g: Graph, labels: list[int], k: int) -> list[bool]:
    first: dict[int, int] = {}
    for i, r in enumerate(labels):
        first.setdefault(r, i)
    size = [0] * k
    for r in labels:
        size[r] += 1
    ok = [False] * k
    for r, s0 in first.items():
        seen = {s0}
        stack = [s0]
        while stack:
            u = stack.pop()
            for v in g.nbr[u]:
                if v not in seen and labels[v] == r:
                    seen.add(v)
                    stack.append(v)
        ok[r] = len(seen) == size[r]
    return ok


def summary(rows: list[RegionFigures], b: Bounds) -> Summary:
    shares = [r.road_share for r in rows if r.road_share is not None]
    return Summary(
        grids=len(rows),
        in_range=sum(1 for r in rows if r.in_range(b)),
        mean_polsby_popper=sum(r.polsby_popper for r in rows) / len(rows) if rows else 0.0,
        road_share=sum(shares) / len(shares) if shares else None,
        smallest=min((r.households for r in rows), default=0),
        largest=max((r.households for r in rows), default=0),
    )
