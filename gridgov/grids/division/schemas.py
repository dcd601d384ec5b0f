from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from gridgov.core.inputs import InputSchema


class DivisionProposeIn(InputSchema):
    network: str = "comprehensive"
    min: int = Field(default=300, ge=1, le=100_000, description="Fewest households a grid may hold")
    max: int = Field(default=500, ge=1, le=100_000, description="Most households a grid may hold")
    target: int = Field(default=400, ge=1, le=100_000, description="Households a grid aims at")


class DivisionMoveIn(InputSchema):
    block: int = Field(ge=0, description="Index of the block to move")
    to: int = Field(ge=1, description="Number of the proposed grid it moves to (from 1)")
    version: int = Field(ge=1, description="The draft's version you saw")


class DivisionAcceptIn(InputSchema):
    version: int = Field(ge=1, description="The draft's version you saw")
    date: dt.date | None = Field(default=None, description="In force from (default today)")


class DivisionVersionIn(InputSchema):
    version: int = Field(ge=1)


class DivisionGridOut(Schema):
    number: int
    keeps_code: str | None = Field(description="The code of today's grid it keeps, if any")
    blocks: int
    households: int
    in_range: bool
    polsby_popper: float
    road_share: float | None = Field(
        description="Share of its boundary with other proposed grids that follows a road"
    )
    contiguous: bool
    boundary: dict[str, Any]


class DivisionBlockOut(Schema):
    block: int
    grid: int = Field(description="Number of the proposed grid it is in (from 1)")
    households: int
    buildings: int
    boundary: dict[str, Any]


class DivisionDraftOut(Schema):
    id: str
    parent: str
    status: str
    version: int
    min: int
    max: int
    target: int
    households: int
    grids_in_range: int
    mean_polsby_popper: float
    road_share: float | None
    households_changing_grid: int
    seconds: float
    created_at: dt.datetime
    grids: list[DivisionGridOut]
    blocks: list[DivisionBlockOut]
