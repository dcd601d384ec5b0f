"""A proposal from the ground: partition (fresh, or starting from today's grids with the
least change), then which grids keep their code and how many households change grid.

A grid keeps its code when it keeps exactly the inhabited buildings it has today (its
boundary may still be redrawn along the blocks); any other grid is new, and the grids it
takes buildings from are retired with it as successor. Every household of a new grid
"changes grid": its grid's code is not the one it had.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import blocks as blocklib
from . import metrics
from .graph import Graph
from .partition import Bounds, Progress, partition

# One block's buildings: (building id, today's grid code or "", households).
Members = list[tuple[int, str, int]]


@dataclass
class Proposal:
    labels: list[int]
    kept: list[str]  # per region: the code it keeps, or ""
    moved_households: int


def block_anchor(members: Members) -> str:
    """The grid most of a block's households (or buildings) are in today ("" if none)."""
    votes: dict[str, tuple[int, int]] = {}
    for _bid, code, hh in members:
        if code:
            h, n = votes.get(code, (0, 0))
            votes[code] = (h + hh, n + 1)
    return max(votes, key=lambda c: (votes[c], c)) if votes else ""


def identity(members: list[Members], labels: list[int]) -> tuple[list[str], int]:
    """Per region the code it keeps ("" for a new grid), and the households whose grid's
    code changes."""
    k = max(labels) + 1 if labels else 0
    in_region: list[set[int]] = [set() for _ in range(k)]
    codes_in: list[set[str]] = [set() for _ in range(k)]
    by_code: dict[str, set[int]] = {}
    for mem, r in zip(members, labels, strict=True):
        for bid, code, hh in mem:
            if not hh:
                continue  # a building nobody lives in changes no household's grid
            in_region[r].add(bid)
            codes_in[r].add(code)
            if code:
                by_code.setdefault(code, set()).add(bid)
    kept = []
    for r in range(k):
        code = next(iter(codes_in[r])) if len(codes_in[r]) == 1 else ""
        kept.append(code if code and by_code.get(code) == in_region[r] else "")
    moved = 0
    for mem, r in zip(members, labels, strict=True):
        for _bid, code, hh in mem:
            if code != kept[r]:
                moved += hh
    return kept, moved


def _initial(g: Graph, anchors: list[str]) -> tuple[list[int], list[int]] | None:
    """Today's grids as region labels (blocks with no building take a neighbour's)."""
    codes = sorted({a for a in anchors if a})
    if not codes:
        return None
    index = {c: n for n, c in enumerate(codes)}
    anchor = [index[a] if a else -1 for a in anchors]
    labels = list(anchor)
    pending = [i for i, r in enumerate(labels) if r < 0]
    while pending:
        rest = []
        for i in pending:
            # Ground with no building (a park, a sliver between roads) goes with the grid
            # it shares most boundary with: it never cuts today's grid in two.
            share: dict[int, float] = {}
            for j, ln in zip(g.nbr[i], g.nlen[i], strict=True):
                if labels[j] >= 0:
                    share[labels[j]] = share.get(labels[j], 0.0) + ln
            if share:
                labels[i] = max(share, key=lambda r: (share[r], -r))
            else:
                rest.append(i)
        if len(rest) == len(pending):  # ground with no grid nearby at all
            for i in rest:
                labels[i] = len(codes)
            codes.append("")
            break
        pending = rest
    return labels, anchor


def _miss(g: Graph, labels: list[int], bounds: Bounds) -> int:
    """Households by which the regions miss the bounds, in all."""
    return sum(
        max(0, bounds.low - r.households, r.households - bounds.high)
        for r in metrics.figures(g, labels)
    )


def propose(
    ground: blocklib.Ground,
    members: list[Members],
    bounds: Bounds,
    *,
    progress: Progress | None = None,
    refine: Callable[[], blocklib.Ground] | None = None,
) -> tuple[blocklib.Ground, list[Members], Proposal]:
    """Partition the ground, from today's grids when there are some. Hard bounds come
    before least change: if today's grids cannot be mended into the bounds, a fresh
    division is tried; if whole blocks cannot meet them and `refine` gives a finer ground
    (blocks cut between buildings), both again on that. The first within the bounds wins,
    else the one that misses them least."""
    best: tuple[int, int, blocklib.Ground, list[Members], list[int]] | None = None
    order = 0
    for attempt in range(2):
        g = ground.graph
        start = _initial(g, [block_anchor(m) for m in members])
        tries = [None] if start is None else [start, None]
        for begin in tries:
            if begin is None:
                labels = partition(g, bounds, progress=progress)
            else:
                labels = partition(g, bounds, initial=begin[0], anchor=begin[1], progress=progress)
            miss = _miss(g, labels, bounds)
            if best is None or (miss, order) < best[:2]:
                best = (miss, order, ground, members, labels)
            order += 1
            if miss == 0:
                break
        if best is not None and best[0] == 0:
            break
        if attempt == 0 and refine is not None:
            finer = refine()
            if finer.graph.n <= g.n:
                break
            ground = finer
            members = members_of(finer, members)
    assert best is not None
    ground, members, labels = best[2], best[3], best[4]
    kept, moved = identity(members, labels)
    return ground, members, Proposal(labels, kept, moved)


def members_of(ground: blocklib.Ground, old: list[Members]) -> list[Members]:
    """The (id, code, households) of each block of a re-cut ground, from the old blocks'."""
    info = {bid: (code, hh) for mem in old for bid, code, hh in mem}
    return [[(bid, *info[bid]) for bid in ids] for ids in ground.buildings]
