"""The partitioner: blocks → grids of `low`–`high` households, contiguous and compact,
their boundaries on roads where it can (docs/adr/0029-grid-division.md).

1. Seeds: as many grids as households / target (within what the bounds allow), placed by a
   household-weighted k-means++ on the block centres.
2. Balanced growth: a capacity-constrained power diagram. Each block goes to the seed that
   minimises squared distance minus the seed's weight; weights rise for seeds short of
   households and fall for seeds over, and seeds move to the centre of what they hold.
   Regions grow round their seeds to equal households: compact by construction.
3. Contiguity: pieces of a region cut off from its main part go to the neighbour they
   share most boundary with.
4. Repair: moves of border blocks (never one that splits its region) until every region is
   within the bounds; a region that cannot shed or gain across one border passes the
   excess along a chain of regions to the nearest one with room; a region over the upper
   bound with nowhere to shed is cut in two, one under the lower bound with nothing to gain
   is dissolved into its neighbours.
5. Refinement: border blocks move when that shortens the boundary drawn between regions
   (a road costs half a street-less line, so boundaries settle on roads), keeping every
   bound and every region in one piece. With `anchor` (re-division), moving a block off the
   grid it is in today also costs its households.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .graph import Graph

Progress = Callable[[str, int, int], None]

ROAD_COST = 0.5  # a boundary along a road costs this much of one across a block


@dataclass(frozen=True)
class Bounds:
    low: int = 300
    high: int = 500
    target: int = 400

    def check(self) -> None:
        if not 0 < self.low <= self.target <= self.high:
            raise ValueError("bounds must satisfy 0 < min <= target <= max")


def region_count(total: int, b: Bounds) -> int:
    """How many grids `total` households make: nearest the target the bounds allow, or, when
    no count meets them (582 households for 300–500), the count that misses them least."""
    if total <= 0:
        return 1
    lo = max(1, math.ceil(total / b.high))
    hi = max(1, total // b.low)
    k = max(1, round(total / b.target))
    if lo <= hi:
        return min(max(k, lo), hi)

    def miss(n: int) -> float:
        size = total / n
        return n * max(0.0, b.low - size, size - b.high)

    return min((hi, lo), key=lambda n: (miss(n), n))


class _State:
    def __init__(self, g: Graph, b: Bounds, labels: list[int], anchor: list[int] | None):
        self.g, self.b, self.lab, self.anchor = g, b, labels, anchor
        self.k = max(labels) + 1 if labels else 0
        self.s = [0] * self.k
        self.members: list[set[int]] = [set() for _ in range(self.k)]
        for i, r in enumerate(labels):
            self.s[r] += g.w[i]
            self.members[r].add(i)
        # Edge cost: a road boundary is cheaper to cut along.
        self.cost = [
            [ln - (1 - ROAD_COST) * rd for ln, rd in zip(g.nlen[i], g.nroad[i], strict=True)]
            for i in range(g.n)
        ]
        lengths = [c for row in self.cost for c in row]
        mean_len = sum(lengths) / len(lengths) if lengths else 1.0
        # Sizes drift towards the target: a grid at a bound costs about six block edges.
        half = max(1.0, (b.high - b.low) / 2)
        self.balance_weight = 6.0 * mean_len / (half * half)
        self.change_weight = 0.0
        if anchor is not None:
            # Re-division: least change comes first. Sizes within the bounds are left where
            # they are, and moving a block off today's grid costs twenty mean edges per mean
            # block's households: the refinement moves blocks back home, or cuts a boundary
            # much shorter, and little else.
            self.balance_weight = 0.0
            mean_w = max(1.0, sum(g.w) / max(1, g.n))
            self.change_weight = 20.0 * mean_len / mean_w

    def new_region(self) -> int:
        self.s.append(0)
        self.members.append(set())
        self.k += 1
        return self.k - 1

    def move(self, i: int, to: int) -> None:
        fr = self.lab[i]
        self.s[fr] -= self.g.w[i]
        self.s[to] += self.g.w[i]
        self.members[fr].discard(i)
        self.members[to].add(i)
        self.lab[i] = to

    def viol(self, s: int) -> int:
        if s < self.b.low:
            return self.b.low - s
        if s > self.b.high:
            return s - self.b.high
        return 0

    def stays_connected(self, i: int) -> bool:
        """Whether i's region is still in one piece without i (and not empty)."""
        r = self.lab[i]
        if len(self.members[r]) <= 1:
            return False
        nb = [j for j in self.g.nbr[i] if self.lab[j] == r]
        if len(nb) <= 1:
            return len(nb) == 1
        want = set(nb)
        want.discard(nb[0])
        seen = {nb[0], i}
        queue = deque([nb[0]])
        while queue and want:
            u = queue.popleft()
            for v in self.g.nbr[u]:
                if v not in seen and self.lab[v] == r:
                    seen.add(v)
                    want.discard(v)
                    queue.append(v)
        return not want

    def cut_delta(self, i: int, to: int) -> float:
        fr, lab, d = self.lab[i], self.lab, 0.0
        for j, c in zip(self.g.nbr[i], self.cost[i], strict=True):
            if lab[j] == fr:
                d += c
            elif lab[j] == to:
                d -= c
        w, t, s = self.g.w[i], self.b.target, self.s
        d += self.balance_weight * (
            (s[fr] - w - t) ** 2 + (s[to] + w - t) ** 2 - (s[fr] - t) ** 2 - (s[to] - t) ** 2
        )
        if self.anchor is not None:
            a = self.anchor[i]
            d += self.change_weight * self.g.w[i] * ((a == fr) - (a == to))
        return d

    def border_regions(self, i: int) -> set[int]:
        r = self.lab[i]
        return {self.lab[j] for j in self.g.nbr[i] if self.lab[j] != r}


# ------------------------------------------------------------------ seeding and growth


def _seeds(pts: np.ndarray, wts: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ on household-weighted points: spread seeds, more where people live."""
    first = rng.choice(len(pts), p=wts / wts.sum())
    centres = [pts[first]]
    d2 = ((pts - pts[first]) ** 2).sum(1)
    for _ in range(1, k):
        p = d2 * wts
        total = p.sum()
        nxt = rng.choice(len(pts), p=p / total) if total > 0 else rng.integers(len(pts))
        centres.append(pts[nxt])
        d2 = np.minimum(d2, ((pts - pts[nxt]) ** 2).sum(1))
    return np.array(centres)


def _power_assign(pts: np.ndarray, wts: np.ndarray, k: int, area: float, seed: int) -> np.ndarray:
    """Balanced assignment of points to k regions (capacity-constrained power diagram)."""
    rng = np.random.default_rng(seed)
    if k == 1:
        return np.zeros(len(pts), dtype=np.int64)
    centres = _seeds(pts, wts, k, rng)
    cap = wts.sum() / k
    offset = np.zeros(k)
    scale = area / k  # a region's area: the unit of the offsets (squared metres)
    lab = np.zeros(len(pts), dtype=np.int64)
    for it in range(60):
        d = ((pts[:, None, :] - centres[None, :, :]) ** 2).sum(2) - offset[None, :]
        lab = d.argmin(1)
        sizes = np.bincount(lab, weights=wts, minlength=k)
        # Larger steps oscillate (regions empty one round, double the next).
        step = 0.2 if it < 30 else 0.1
        offset += step * scale * (cap - sizes) / cap
        offset -= offset.mean()
        if it % 3 == 2 and it < 50:
            mass = np.bincount(lab, weights=wts, minlength=k)
            has = mass > 0
            cx = np.bincount(lab, weights=wts * pts[:, 0], minlength=k)
            cy = np.bincount(lab, weights=wts * pts[:, 1], minlength=k)
            centres[has, 0] = cx[has] / mass[has]
            centres[has, 1] = cy[has] / mass[has]
    return lab


def _grow(g: Graph, comp: list[int], k: int, seed: int) -> list[int]:
    pts = np.column_stack([np.array(g.x)[comp], np.array(g.y)[comp]])
    # A block with no households still weighs a little, so empty ground is shared out too.
    wts = np.array([g.w[i] for i in comp], dtype=float) + 0.05
    area = float(sum(g.area[i] for i in comp))
    return _power_assign(pts, wts, k, area, seed).tolist()


# ------------------------------------------------------------------ contiguity


def _fix_contiguity(st: _State, regions: list[int] | None = None) -> None:
    g, lab = st.g, st.lab
    orphans: list[int] = []
    for r in regions if regions is not None else range(st.k):
        mem = st.members[r]
        if not mem:
            continue
        seen: set[int] = set()
        parts = []
        for s0 in sorted(mem):
            if s0 in seen:
                continue
            seen.add(s0)
            stack, part = [s0], []
            while stack:
                u = stack.pop()
                part.append(u)
                for v in g.nbr[u]:
                    if v not in seen and lab[v] == r:
                        seen.add(v)
                        stack.append(v)
            parts.append(part)
        if len(parts) > 1:
            parts.sort(key=lambda p: (sum(g.w[i] for i in p), len(p)), reverse=True)
            for part in parts[1:]:
                orphans.extend(part)
    # An orphan piece joins the region it shares most boundary with (not its own).
    pending = set(orphans)
    for i in orphans:
        st.members[lab[i]].discard(i)
        st.s[lab[i]] -= g.w[i]
        lab[i] = -1
    while pending:
        progressed = False
        for i in sorted(pending):
            share: dict[int, float] = {}
            for j, ln in zip(g.nbr[i], g.nlen[i], strict=True):
                if lab[j] >= 0:
                    share[lab[j]] = share.get(lab[j], 0.0) + ln
            if share:
                to = max(share, key=lambda r: (share[r], -r))
                lab[i] = to
                st.members[to].add(i)
                st.s[to] += g.w[i]
                pending.discard(i)
                progressed = True
        if not progressed:  # a piece with no labelled neighbour at all: its own region
            i = min(pending)
            r = st.new_region()
            lab[i] = r
            st.members[r].add(i)
            st.s[r] += g.w[i]
            pending.discard(i)


# ------------------------------------------------------------------ repair


def _best_move(st: _State, r: int, over: bool) -> tuple[int, int] | None:
    """The border move that most reduces the bounds violation of r and its neighbour."""
    g, lab, best, best_key = st.g, st.lab, None, None
    for i in st.members[r] if over else _frontier(st, r):
        pairs = [(i, q) for q in st.border_regions(i)] if over else [(i, r)]
        for blk, to in pairs:
            fr = lab[blk]
            if fr == to:
                continue
            w = g.w[blk]
            before = st.viol(st.s[fr]) + st.viol(st.s[to])
            after = st.viol(st.s[fr] - w) + st.viol(st.s[to] + w)
            gain = before - after
            if gain <= 0:
                continue
            if not st.stays_connected(blk):
                continue
            key = (gain, -st.cut_delta(blk, to))
            if best_key is None or key > best_key:
                best, best_key = (blk, to), key
    return best


def _frontier(st: _State, r: int) -> list[int]:
    """Blocks of other regions that touch region r."""
    out = set()
    for i in st.members[r]:
        for j in st.g.nbr[i]:
            if st.lab[j] != r:
                out.add(j)
    return sorted(out)


def _region_neighbours(st: _State, r: int) -> set[int]:
    out = set()
    for i in st.members[r]:
        for j in st.g.nbr[i]:
            if st.lab[j] != r:
                out.add(st.lab[j])
    return out


def _chain(st: _State, r: int, over: bool, tries: int = 8) -> bool:
    """Pass one block's worth of households along a chain of regions from r (over) to a
    region with room, or to r (under) from a region with households to spare. The nearest
    such regions are tried in turn; a chain is kept only if it helps (the regions on it miss
    the bounds by less)."""
    b = st.b
    prev = {r: -1}
    queue = deque([r])
    goals: list[int] = []
    while queue and len(goals) < tries:
        u = queue.popleft()
        # Over: any region with room takes (one short of households best of all);
        # under: any region with households to spare gives.
        if u != r and (st.s[u] < b.high if over else st.s[u] > b.low):
            goals.append(u)
        for v in sorted(_region_neighbours(st, u)):
            if v not in prev:
                prev[v] = u
                queue.append(v)
    for goal in goals:
        path = [goal]
        while prev[path[-1]] != -1:
            path.append(prev[path[-1]])
        path.reverse()  # r ... goal
        steps = list(itertools.pairwise(path))
        if not over:  # households flow from goal towards r
            steps = [(y, x) for x, y in reversed(steps)]
        if _try_chain(st, path, steps):
            return True
    return False


def _try_chain(st: _State, path: list[int], steps: list[tuple[int, int]]) -> bool:
    before = sum(st.viol(st.s[q]) for q in path)
    done: list[tuple[int, int]] = []
    for fr, to in steps:
        cands = [
            i
            for i in st.members[fr]
            if any(st.lab[j] == to for j in st.g.nbr[i]) and st.stays_connected(i)
        ]
        if not cands:
            break
        i = min(cands, key=lambda c: (st.g.w[c] == 0, st.g.w[c], st.cut_delta(c, to), c))
        st.move(i, to)
        done.append((i, fr))
    if done and sum(st.viol(st.s[q]) for q in path) < before:
        return True
    for i, fr in reversed(done):
        st.move(i, fr)
    return False


def _split_region(st: _State, r: int, seed: int) -> None:
    g = st.g
    mem = sorted(st.members[r])
    parts = max(2, round(st.s[r] / st.b.target))
    sub = _grow(g, mem, parts, seed)
    ids = [r] + [st.new_region() for _ in range(parts - 1)]
    for i, p in zip(mem, sub, strict=True):
        if ids[p] != r:
            st.move(i, ids[p])
    _fix_contiguity(st, ids)


def _dissolve(st: _State, r: int) -> None:
    g, lab = st.g, st.lab
    pending = set(st.members[r])
    while pending:
        progressed = False
        for i in sorted(pending):
            share: dict[int, float] = {}
            for j, ln in zip(g.nbr[i], g.nlen[i], strict=True):
                if lab[j] != r:
                    share[lab[j]] = share.get(lab[j], 0.0) + ln
            if share:
                st.move(i, min(share, key=lambda q: (st.s[q], q)))
                pending.discard(i)
                progressed = True
        if not progressed:
            return


def _repair(st: _State, comp_regions: set[int], seed: int, total: int) -> None:
    b = st.b
    for _round in range(200 + 40 * len(comp_regions)):
        bad = [r for r in comp_regions if st.members[r] and st.viol(st.s[r])]
        if not bad:
            return
        r = max(bad, key=lambda q: (st.viol(st.s[q]), -q))
        over = st.s[r] > b.high
        mv = _best_move(st, r, over)
        if mv is not None:
            st.move(*mv)
            continue
        if _chain(st, r, over):
            continue
        live = [q for q in comp_regions if st.members[q]]
        need = region_count(total, b)
        if over and len(live) < need and len(st.members[r]) > 1:
            before = st.k
            _split_region(st, r, seed + _round)
            comp_regions.update(range(before, st.k))
        elif not over and len(live) > need:
            _dissolve(st, r)
        else:
            return


# ------------------------------------------------------------------ refinement


def _refine(st: _State, nodes: list[int], passes: int = 8) -> None:
    b, g, lab = st.b, st.g, st.lab
    for _ in range(passes):
        improved = 0
        for i in nodes:
            fr = lab[i]
            tos = st.border_regions(i)
            if not tos:
                continue
            w = g.w[i]
            if st.s[fr] - w < b.low and w:
                continue
            best, best_d = -1, -1e-9
            for to in tos:
                if st.s[to] + w > b.high and w:
                    continue
                d = st.cut_delta(i, to)
                if d < best_d:
                    best, best_d = to, d
            if best >= 0 and st.stays_connected(i):
                st.move(i, best)
                improved += 1
        if not improved:
            return


# ------------------------------------------------------------------ entry point


def partition(
    g: Graph,
    b: Bounds,
    *,
    initial: list[int] | None = None,
    anchor: list[int] | None = None,
    seed: int = 1,
    progress: Progress | None = None,
) -> list[int]:
    """A region label per block. `initial` starts from a given division (re-division);
    `anchor` is each block's region today, which the refinement is loath to change."""
    b.check()
    tick = progress or (lambda stage, done, total: None)
    comps = g.components()
    if initial is not None:
        labels = list(initial)
    else:
        labels = [0] * g.n
        nxt = 0
        for ci, comp in enumerate(comps):
            total = sum(g.w[i] for i in comp)
            k = region_count(total, b) if len(comp) > 1 else 1
            sub = _grow(g, comp, k, seed + ci) if k > 1 else [0] * len(comp)
            for i, p in zip(comp, sub, strict=True):
                labels[i] = nxt + p
            nxt += k
            tick("grow", ci + 1, len(comps))
        # Compact the ids (a seed may have grown nothing).
        used = sorted(set(labels))
        remap = {r: n for n, r in enumerate(used)}
        labels = [remap[r] for r in labels]
    st = _State(g, b, labels, anchor)
    _fix_contiguity(st)
    for ci, comp in enumerate(comps):
        regions = {st.lab[i] for i in comp}
        total = sum(g.w[i] for i in comp)
        _repair(st, regions, seed, total)
        tick("repair", ci + 1, len(comps))
    order = sorted(range(g.n), key=lambda i: (g.x[i], g.y[i]))
    _refine(st, order)
    # The refinement keeps bounds; a last repair mops up any region a split left short.
    for comp in comps:
        _repair(st, {st.lab[i] for i in comp}, seed, sum(g.w[i] for i in comp))
    tick("refine", 1, 1)
    used = sorted({r for r in st.lab})
    remap = {r: n for n, r in enumerate(used)}
    return [remap[r] for r in st.lab]
