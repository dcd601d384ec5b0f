from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from gridgov.core.inputs import InputSchema

from .choices import DedicatedType, GridKind


class GridOut(Schema):
    code: str
    name: str
    network: str
    depth: int
    level: str
    kind: GridKind
    subtype: DedicatedType | Literal[""]
    parent: str | None
    host: str | None
    statistical_code: str | None
    valid_from: dt.date
    valid_to: dt.date | None
    households: int
    standard: Literal["low", "ok", "high"] | None = Field(
        description="Against the households-per-grid standard; only for grid-level nodes."
    )


class GridDetailOut(GridOut):
    boundary: dict[str, Any] | None
    predecessors: list[str]
    successors: list[str]


class GridCreateIn(InputSchema):
    network: str = "comprehensive"
    parent: str = Field(min_length=6, max_length=32, pattern=r"^\d+$")
    code: str | None = Field(
        default=None, description="Leave out to take the next free code.", max_length=32
    )
    name: str = Field(min_length=1, max_length=100)
    kind: GridKind = GridKind.COMPREHENSIVE
    subtype: DedicatedType | Literal[""] = ""
    host: str | None = Field(default=None, max_length=32)
    boundary: dict[str, Any] | None = Field(default=None, description="GeoJSON geometry")
    valid_from: dt.date | None = None


class GridUpdateIn(InputSchema):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    subtype: DedicatedType | None = None
    boundary: dict[str, Any] | None = None
    clear_boundary: bool = False


class RetireIn(InputSchema):
    date: dt.date
    successors: list[str] = []
    reason: str = Field(default="", max_length=200)


class LookupLevel(Schema):
    depth: int
    level: str
    code: str
    name: str
    kind: GridKind


class LookupOut(Schema):
    lon: float
    lat: float
    at: dt.date | None
    levels: list[LookupLevel]
    dedicated: list[LookupLevel]


class SizeRowOut(Schema):
    code: str
    name: str
    households: int
    standard: Literal["low", "ok", "high"]


class SizeReportOut(Schema):
    code: str
    minimum: int
    maximum: int
    grids: int
    out_of_standard: list[SizeRowOut]


class PatchOut(Schema):
    kind: Literal["gap", "overlap"]
    area_m2: float
    lon: float
    lat: float
    between: list[str]
    geometry: dict[str, Any]


class CoverageOut(Schema):
    code: str
    children_checked: int
    children_without_boundary: list[str]
    gaps: list[PatchOut]
    overlaps: list[PatchOut]


class NewGridIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    code: str | None = Field(default=None, max_length=32)
    boundary: dict[str, Any] | None = Field(default=None, description="GeoJSON geometry")


class RedivideIn(InputSchema):
    network: str = "comprehensive"
    grids: list[str] = Field(min_length=1, description="Codes of sibling grids to retire")
    new: list[NewGridIn] = Field(min_length=1, description="The grids that replace them")
    date: dt.date
    reason: str = Field(default="", max_length=200)
