"""gridgov bench divide: the grid partitioner on synthetic Voronoi blocks (issue 13's
targets: 100% of grids within 300–500 households, mean Polsby–Popper ≥ 0.5, a county of
130,000 households in under a minute, a community well under a second).

Grounds, each with a fixed seed: a community (100 blocks, ~4,000 households), a street
(1,000 blocks, ~41,000 households) and a county (3,200 blocks, ~130,000 households). For
each: the time to build the block graph from the polygons and to partition it, the grids'
share within the bounds, their smallest and largest, mean Polsby–Popper, the share of the
boundary drawn between grids that follows a road (beside the share of all block edges that
are roads), and whether every grid is in one piece. Then a re-division: a tenth of the
street's blocks gain or lose households and the street is divided again from its division,
printing the households that change grid and the grids that keep their code.

METIS (pymetis, contiguous k-way) runs on the same graphs as a comparison when it is
installed (`pip install 'gridgov[bench]'`); without it that part is skipped and says so.
No database is used.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from gridgov.grids.division import metrics, plan, synthetic
from gridgov.grids.division.graph import Graph, from_polygons
from gridgov.grids.division.partition import Bounds, partition, region_count

Write = Callable[[str], None]

GROUNDS = [("community", 100, 11), ("street", 1_000, 1), ("county", 3_200, 4)]


def _line(write: Write, name: str, value: Any, unit: str = "") -> None:
    write(f"{name}: {value} {unit}".rstrip())


def _report(write: Write, prefix: str, g: Graph, labels: list[int], b: Bounds) -> None:
    rows = metrics.figures(g, labels)
    s = metrics.summary(rows, b)
    _line(write, f"{prefix}.grids", s.grids)
    _line(write, f"{prefix}.in_range", f"{s.in_range}/{s.grids} ({s.share_in_range:.1%})")
    _line(write, f"{prefix}.households_min_max", f"{s.smallest}–{s.largest}")
    _line(write, f"{prefix}.mean_polsby_popper", f"{s.mean_polsby_popper:.3f}")
    share = "—" if s.road_share is None else f"{s.road_share:.1%}"
    _line(write, f"{prefix}.boundary_on_roads", share)
    _line(write, f"{prefix}.contiguous", f"{sum(r.contiguous for r in rows)}/{s.grids}")


def _metis(g: Graph, k: int) -> list[int] | None:
    try:
        import pymetis  # type: ignore[import-not-found]
    except ImportError:
        return None
    options = pymetis.Options(contig=True, seed=1)
    _cuts, parts = pymetis.part_graph(
        k, adjacency=g.nbr, vweights=[max(1, w) for w in g.w], options=options
    )
    return list(parts)


def run(write: Write, bounds: Bounds | None = None) -> None:
    b = bounds or Bounds()
    _line(write, "cores", os.cpu_count())
    _line(write, "load_average", f"{os.getloadavg()[0]:.2f}")
    _line(write, "bounds", f"{b.low}–{b.high} households, target {b.target}")
    street: tuple[Graph, list[int]] | None = None
    for name, n, seed in GROUNDS:
        started = time.perf_counter()
        polys, households, origin = synthetic.voronoi_blocks(n, seed)
        g = from_polygons(polys, households, origin)
        built = time.perf_counter() - started
        started = time.perf_counter()
        labels = partition(g, b, seed=1)
        took = time.perf_counter() - started
        edges = sum(sum(x) for x in g.nlen)
        roads = sum(sum(x) for x in g.nroad)
        write(f"--- {name} (Voronoi seed {seed})")
        _line(write, f"{name}.blocks", g.n)
        _line(write, f"{name}.households", sum(g.w))
        _line(write, f"{name}.block_edges_on_roads", f"{roads / edges:.1%}")
        _line(write, f"{name}.graph_seconds", f"{built:.3f}")
        _line(write, f"{name}.partition_seconds", f"{took:.3f}")
        _report(write, name, g, labels, b)
        k = region_count(sum(g.w), b)
        started = time.perf_counter()
        parts = _metis(g, k)
        if parts is None:
            _line(write, f"{name}.metis", "skipped (pymetis not installed)")
        else:
            _line(write, f"{name}.metis_seconds", f"{time.perf_counter() - started:.3f}")
            _report(write, f"{name}.metis", g, parts, b)
        if name == "street":
            street = (g, labels)
    if street is not None:
        _redivide(write, *street, b)


def _redivide(write: Write, g: Graph, labels: list[int], b: Bounds) -> None:
    """A tenth of the blocks lose up to 60 or gain up to 120 households; divide again from
    today's division."""
    rng = np.random.default_rng(5)
    changed = rng.choice(g.n, size=g.n // 10, replace=False)
    w = list(g.w)
    for i in changed.tolist():
        w[i] = max(0, w[i] + int(rng.integers(-60, 121)))
    g2 = Graph(w, g.area, g.perim, g.x, g.y, g.nbr, g.nlen, g.nroad)
    codes = [f"G{r:03d}" for r in labels]
    members = [[(i, codes[i], w[i])] for i in range(g.n)]
    anchor_ids = sorted(set(codes))
    index = {c: n for n, c in enumerate(anchor_ids)}
    start = [index[c] for c in codes]
    started = time.perf_counter()
    new = partition(g2, b, initial=start, anchor=start, seed=1)
    took = time.perf_counter() - started
    kept, moved = plan.identity(members, new)
    before = metrics.summary(metrics.figures(g2, start), b)
    write("--- street re-divided after a tenth of its blocks changed")
    _line(write, "redivide.out_of_range_before", before.grids - before.in_range)
    _line(write, "redivide.partition_seconds", f"{took:.3f}")
    _report(write, "redivide", g2, new, b)
    _line(write, "redivide.grids_keeping_code", f"{sum(1 for c in kept if c)}/{len(kept)}")
    _line(write, "redivide.households_changing_grid", f"{moved}/{sum(w)}")
    shifted = sum(w[i] for i in range(g.n) if new[i] != start[i])
    blocks = sum(1 for i in range(g.n) if new[i] != start[i])
    _line(write, "redivide.blocks_moved", f"{blocks} ({shifted} households)")
