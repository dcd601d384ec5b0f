"""/api/v1/grids/…/division: propose a division of a grid, read, edit and accept the draft.

Registered on the grids router (imported at the end of grids.api). Every call needs the
right to change grids where the draft's parent is: 404 out of scope, 403 without it.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Status

from gridgov.accounts.roles import Right
from gridgov.core.schemas import ERRORS

from .. import queries, services
from ..api import _detail, router
from ..schemas import GridDetailOut
from . import accept as acceptlib
from . import drafts
from .schemas import (
    DivisionAcceptIn,
    DivisionDraftOut,
    DivisionMoveIn,
    DivisionProposeIn,
    DivisionVersionIn,
)


def draft_out(shown: drafts.View) -> dict[str, Any]:
    d, s = shown.draft, shown.summary
    return {
        "id": str(d.public_id),
        "parent": d.parent.code,
        "status": d.status,
        "version": d.version,
        "min": d.minimum,
        "max": d.maximum,
        "target": d.target,
        "households": shown.households,
        "grids_in_range": s.in_range,
        "mean_polsby_popper": round(s.mean_polsby_popper, 4),
        "road_share": None if s.road_share is None else round(s.road_share, 4),
        "households_changing_grid": shown.moved_households,
        "seconds": d.seconds,
        "created_at": d.created_at,
        "grids": [
            {
                "number": r + 1,
                "keeps_code": shown.kept[r] or None,
                "blocks": row.blocks,
                "households": row.households,
                "in_range": row.in_range(shown.bounds),
                "polsby_popper": round(row.polsby_popper, 4),
                "road_share": None if row.road_share is None else round(row.road_share, 4),
                "contiguous": row.contiguous,
                "boundary": shown.region_geometry(r),
            }
            for r, row in enumerate(shown.rows)
        ],
        "blocks": [
            {
                "block": i,
                "grid": lab + 1,
                "households": b["households"],
                "buildings": len(b["members"]),
                "boundary": b["geometry"],
            }
            for i, (b, lab) in enumerate(zip(d.blocks, d.labels, strict=True))
        ],
    }


def _draft(request: HttpRequest, draft_id: uuid.UUID) -> Any:
    return drafts.get_draft_for(request.user, draft_id, Right.CHANGE_GRIDS)


@router.post(
    "/{code}/division",
    response={201: DivisionDraftOut, **ERRORS},
    summary="Propose a division",
)
def propose_division(request: HttpRequest, code: str, payload: DivisionProposeIn):
    """Divide the grid's ground along its roads into grids of `min`–`max` households
    (re-dividing today's grids with the least change) and save it as a draft."""
    parent = services.get_grid_for(
        request.user, queries.network_by_slug(payload.network), code, Right.CHANGE_GRIDS
    )
    bounds = drafts.check_bounds(payload.min, payload.target, payload.max)
    draft = drafts.propose(actor=request.user, parent=parent, bounds=bounds)
    return Status(201, draft_out(drafts.view(draft)))


@router.get(
    "/division/{draft_id}", response={200: DivisionDraftOut, **ERRORS}, summary="A division draft"
)
def get_division(request: HttpRequest, draft_id: uuid.UUID):
    return draft_out(drafts.view(_draft(request, draft_id)))


@router.post(
    "/division/{draft_id}/move",
    response={200: DivisionDraftOut, **ERRORS},
    summary="Move a block to a neighbouring grid",
)
def move_division_block(request: HttpRequest, draft_id: uuid.UUID, payload: DivisionMoveIn):
    shown = drafts.move_block(
        actor=request.user,
        draft=_draft(request, draft_id),
        block=payload.block,
        to=payload.to - 1,
        version=payload.version,
    )
    return draft_out(shown)


@router.post(
    "/division/{draft_id}/accept",
    response={200: list[GridDetailOut], **ERRORS},
    summary="Accept a division draft",
)
def accept_division(request: HttpRequest, draft_id: uuid.UUID, payload: DivisionAcceptIn):
    """Create the new grids, keep the codes of unchanged ones, retire the rest with their
    successors and re-file the registry, all in one transaction."""
    grids = acceptlib.accept(
        actor=request.user,
        draft=_draft(request, draft_id),
        version=payload.version,
        date=payload.date,
    )
    return [_detail(g, request.user) for g in grids]


@router.post(
    "/division/{draft_id}/discard",
    response={200: DivisionDraftOut, **ERRORS},
    summary="Discard a division draft",
)
def discard_division(request: HttpRequest, draft_id: uuid.UUID, payload: DivisionVersionIn):
    draft = drafts.discard(
        actor=request.user, draft=_draft(request, draft_id), version=payload.version
    )
    return draft_out(drafts.view(draft))
