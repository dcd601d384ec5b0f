"""Division drafts: propose (and save), read with figures, move a block, accept, discard.

The only code that changes drafts; accepting changes grids through grids.services, so
codes, boundaries, history and audit follow the same rules as any other grid change.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import shapely
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import shape

from gridgov.accounts.roles import Right
from gridgov.core import models as audit
from gridgov.core.errors import ServiceError
from gridgov.core.lib import geo

from .. import services
from ..choices import DraftStatus
from ..models import DivisionDraft, Grid
from . import blocks as blocklib
from . import metrics, plan, source
from .graph import Graph
from .partition import Bounds, Progress


def check_bounds(minimum: int, target: int, maximum: int) -> Bounds:
    for field, value in (("min", minimum), ("target", target), ("max", maximum)):
        if not 1 <= value <= 100_000:
            raise ServiceError(
                "invalid_bounds",
                _("%(field)s must be a whole number from 1 to 100000.") % {"field": field},
                field=field,
                status=422,
            )
    if not minimum <= target <= maximum:
        raise ServiceError(
            "invalid_bounds",
            _("The target must lie between the minimum and the maximum."),
            field="target",
            status=422,
        )
    return Bounds(minimum, maximum, target)


# ------------------------------------------------------------------ storing and reading


def _graph_json(g: Graph) -> dict[str, Any]:
    edges = [
        [i, j, round(ln, 3), round(rd, 3)]
        for i in range(g.n)
        for j, ln, rd in zip(g.nbr[i], g.nlen[i], g.nroad[i], strict=True)
        if i < j
    ]
    return {
        "area": [round(a, 2) for a in g.area],
        "perim": [round(p, 3) for p in g.perim],
        "x": [round(v, 2) for v in g.x],
        "y": [round(v, 2) for v in g.y],
        "edges": edges,
    }


def graph_of(draft: DivisionDraft) -> Graph:
    data = draft.graph
    n = len(draft.blocks)
    nbr: list[list[int]] = [[] for _ in range(n)]
    nlen: list[list[float]] = [[] for _ in range(n)]
    nroad: list[list[float]] = [[] for _ in range(n)]
    for i, j, ln, rd in data["edges"]:
        nbr[i].append(j)
        nlen[i].append(ln)
        nroad[i].append(rd)
        nbr[j].append(i)
        nlen[j].append(ln)
        nroad[j].append(rd)
    return Graph(
        w=[b["households"] for b in draft.blocks],
        area=data["area"],
        perim=data["perim"],
        x=data["x"],
        y=data["y"],
        nbr=nbr,
        nlen=nlen,
        nroad=nroad,
    )


def members_of(draft: DivisionDraft) -> list[plan.Members]:
    return [[(m[0], m[1], m[2]) for m in b["members"]] for b in draft.blocks]


@dataclass(frozen=True)
class View:
    """A draft with its figures, as pages and the API show it."""

    draft: DivisionDraft
    bounds: Bounds
    rows: list[metrics.RegionFigures]
    kept: list[str]
    summary: metrics.Summary
    moved_households: int
    households: int

    def region_geometry(self, r: int) -> dict[str, Any]:
        parts = [
            shape(b["geometry"])
            for b, lab in zip(self.draft.blocks, self.draft.labels, strict=True)
            if lab == r
        ]
        merged = shapely.union_all(parts)
        if merged.geom_type == "MultiPolygon":  # rounding whiskers between blocks
            closed = merged.buffer(1e-8).buffer(-1e-8)
            if closed.geom_type == "Polygon":
                merged = closed
        return geo.to_geojson(merged)


def view(draft: DivisionDraft) -> View:
    g = graph_of(draft)
    bounds = Bounds(draft.minimum, draft.maximum, draft.target)
    rows = metrics.figures(g, draft.labels)
    kept, moved = plan.identity(members_of(draft), draft.labels)
    return View(draft, bounds, rows, kept, metrics.summary(rows, bounds), moved, sum(g.w))


def get_draft_for(user: Any, public_id: Any, right: str = Right.VIEW) -> DivisionDraft:
    """A draft whose parent `user` may see (else 404) and, for `right`, act on (else 403)."""
    draft = (
        DivisionDraft.objects.select_related("parent__network", "created_by")
        .filter(public_id=public_id)
        .first()
    )
    if draft is None or not Grid.objects.visible_to(user).filter(pk=draft.parent_id).exists():
        raise ServiceError("not_found", _("No such division draft."), field="draft", status=404)
    services.get_grid_for(user, draft.parent.network, draft.parent.code, right)
    return draft


# ------------------------------------------------------------------ proposing


def propose(
    *, actor: Any, parent: Grid, bounds: Bounds, progress: Progress | None = None
) -> DivisionDraft:
    """Divide `parent`'s ground into grids and save the proposal as a draft."""
    parent = services.get_grid_for(actor, parent.network, parent.code, Right.CHANGE_GRIDS)
    started = time.perf_counter()
    src = source.load(parent)
    ground = blocklib.build(src.boundary, src.roads, src.buildings, split_above=bounds.high)
    members = plan.members_of(ground, [[(b.id, b.grid_code, b.households) for b in src.buildings]])
    finer_at = max(1, (bounds.high - bounds.low) // 2)
    ground, members, proposal = plan.propose(
        ground,
        members,
        bounds,
        progress=progress,
        refine=lambda: blocklib.refine_ground(ground, src.buildings, finer_at),
    )
    blocks = [
        {
            "geometry": geo.to_geojson(ground.frame.to_deg(poly)),
            "households": hh,
            "members": [list(m) for m in mem],
        }
        for poly, hh, mem in zip(ground.polys, ground.households, members, strict=True)
    ]
    with transaction.atomic():
        draft = DivisionDraft.objects.create(
            parent=parent,
            created_by=actor if getattr(actor, "pk", None) else None,
            minimum=bounds.low,
            target=bounds.target,
            maximum=bounds.high,
            blocks=blocks,
            graph=_graph_json(ground.graph),
            labels=proposal.labels,
            seconds=round(time.perf_counter() - started, 3),
        )
        audit.record(
            actor=actor,
            action="grid.division.propose",
            object_type="grid",
            object_key=parent.code,
            after={"draft": str(draft.public_id), "grids": max(proposal.labels, default=-1) + 1},
        )
    return draft


# ------------------------------------------------------------------ editing


def _locked(actor: Any, draft: DivisionDraft, version: int) -> DivisionDraft:
    draft = get_draft_for(actor, draft.public_id, Right.CHANGE_GRIDS)
    draft = (
        DivisionDraft.objects.select_for_update().select_related("parent__network").get(pk=draft.pk)
    )
    if draft.status != DraftStatus.DRAFT:
        raise ServiceError(
            "not_draft", _("This proposal was already accepted or discarded."), status=409
        )
    if draft.version != version:
        raise ServiceError(
            "stale_version",
            _("The proposal was changed meanwhile; reload it and try again."),
            field="version",
            status=409,
        )
    return draft


def _bump(draft: DivisionDraft, **fields: Any) -> None:
    # The version check again, in the update itself: on SQLite select_for_update locks
    # nothing, and a concurrent edit must not be overwritten blindly.
    done = DivisionDraft.objects.filter(pk=draft.pk, version=draft.version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if done != 1:
        raise ServiceError(
            "stale_version",
            _("The proposal was changed meanwhile; reload it and try again."),
            field="version",
            status=409,
        )
    draft.version += 1
    for name, value in fields.items():
        setattr(draft, name, value)


@transaction.atomic
def move_block(*, actor: Any, draft: DivisionDraft, block: int, to: int, version: int) -> View:
    """Move one block to a neighbouring grid of the draft, keeping both in one piece and
    within the bounds (a grid already outside them may not get worse)."""
    draft = _locked(actor, draft, version)
    labels = list(draft.labels)
    k = max(labels) + 1
    if not 0 <= block < len(labels):
        raise ServiceError("invalid_block", _("No such block."), field="block", status=422)
    if not 0 <= to < k:
        raise ServiceError(
            "invalid_grid", _("No such grid in the proposal."), field="to", status=422
        )
    fr = labels[block]
    if fr == to:
        raise ServiceError(
            "same_grid", _("The block is already in this grid."), field="to", status=422
        )
    g = graph_of(draft)
    if not any(labels[j] == to for j in g.nbr[block]):
        raise ServiceError(
            "not_neighbour",
            _("A block can only move to a grid it touches."),
            field="to",
            status=422,
        )
    rest = [i for i, r in enumerate(labels) if r == fr and i != block]
    if not rest or not _connected(g, set(rest)):
        raise ServiceError(
            "would_split",
            _("Moving this block would leave grid %(n)d empty or in pieces.") % {"n": fr + 1},
            field="block",
            status=422,
        )
    hh = [0] * k
    for i, r in enumerate(labels):
        hh[r] += g.w[i]
    w = g.w[block]
    lo, hi = draft.minimum, draft.maximum
    if hh[fr] - w < lo and w and hh[fr] >= lo:
        raise ServiceError(
            "below_minimum",
            _("Grid %(n)d would have %(h)d households, below the minimum %(min)d.")
            % {"n": fr + 1, "h": hh[fr] - w, "min": lo},
            field="block",
            status=422,
        )
    if hh[to] + w > hi and w and hh[to] <= hi:
        raise ServiceError(
            "above_maximum",
            _("Grid %(n)d would have %(h)d households, above the maximum %(max)d.")
            % {"n": to + 1, "h": hh[to] + w, "max": hi},
            field="to",
            status=422,
        )
    labels[block] = to
    _bump(draft, labels=labels)
    audit.record(
        actor=actor,
        action="grid.division.move",
        object_type="grid",
        object_key=draft.parent.code,
        before={"draft": str(draft.public_id), "block": block, "grid": fr},
        after={"draft": str(draft.public_id), "block": block, "grid": to},
    )
    return view(draft)


def _connected(g: Graph, nodes: set[int]) -> bool:
    start = next(iter(nodes))
    seen, stack = {start}, [start]
    while stack:
        u = stack.pop()
        for v in g.nbr[u]:
            if v in nodes and v not in seen:
                seen.add(v)
                stack.append(v)
    return len(seen) == len(nodes)


@transaction.atomic
def discard(*, actor: Any, draft: DivisionDraft, version: int) -> DivisionDraft:
    draft = _locked(actor, draft, version)
    _bump(draft, status=DraftStatus.DISCARDED)
    audit.record(
        actor=actor,
        action="grid.division.discard",
        object_type="grid",
        object_key=draft.parent.code,
        after={"draft": str(draft.public_id)},
    )
    return draft
