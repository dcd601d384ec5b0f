from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Schema
from pydantic import Field

from gridgov.core.inputs import InputSchema, IsoDate


class DueOut(Schema):
    household: uuid.UUID
    grid: str
    address: str
    next_due: dt.date
    overdue: bool
    last_visit_on: dt.date | None
    must_visit: bool = Field(description="One of its tags is a must-visit kind (必訪)")
    tags: list[str] = Field(description="Attention tag kinds of the household and residents")


class VisitIn(InputSchema):
    multiline_fields = frozenset({"findings"})

    household: uuid.UUID
    findings: str = Field(min_length=1, max_length=2000, description="No phone or ID numbers")
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    residents: list[uuid.UUID] = Field(default_factory=list, max_length=30)
    visited_at: dt.datetime | None = Field(None, description="Default now; at most a week back")
    open_case: bool = Field(False, description="Report the findings as a case, linked")
    category: str = Field("", max_length=12, description="The case's category (leaf code)")


class VisitOut(Schema):
    public_id: uuid.UUID
    household: uuid.UUID
    grid: str
    worker: str
    visited_at: dt.datetime
    lon: float
    lat: float
    findings: str
    kind: str
    residents: list[uuid.UUID]
    case: str | None = Field(description="Number of the case opened on the visit")
    follow_up_of: str | None = Field(description="Number of the case this visit follows up")
    due_on: dt.date
    on_time: bool
    next_due: dt.date


class CoverageRowOut(Schema):
    key: str = Field(description="Grid code or user id of the group; empty for the total")
    label: str
    households: int
    visited: int
    visits: int
    visited_share: float | None = Field(description="Per cent of households visited")
    must_visit: int
    must_on_time: int
    on_time_share: float | None = Field(description="Per cent of must-visit households on time")
    overdue: int = Field(description="Households overdue today")


class DiaryIn(InputSchema):
    multiline_fields = frozenset({"heard", "follow_up"})

    grid: str = Field("", max_length=32, description="One of your grids; default your first")
    day: IsoDate = Field(description="Today or a day of the last week")
    heard: str = Field(min_length=1, max_length=2000, description="No phone or ID numbers")
    mood: Literal["calm", "concerned", "discontent", "tense"]
    follow_up: str = Field("", max_length=1000, description="No phone or ID numbers")
    households: list[uuid.UUID] = Field(default_factory=list, max_length=30)
    cases: list[str] = Field(default_factory=list, max_length=30, description="Case numbers")


class DiaryOut(Schema):
    public_id: uuid.UUID
    worker: str
    grid: str
    day: dt.date
    heard: str
    mood: str
    follow_up: str
    households: list[uuid.UUID]
    cases: list[str]
    edits: int = Field(description="Times its author changed it (on the day it was written)")
    editable: bool = Field(description="Whether you may still change it")
