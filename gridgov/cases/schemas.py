from __future__ import annotations

import datetime as dt
import uuid

from ninja import Schema
from pydantic import Field

from gridgov.core.inputs import InputSchema

from .choices import Action, Source, Stage


class CategoryOut(Schema):
    code: str
    name: str
    parent: str | None
    filing_condition: str
    closing_condition: str
    must_attend: bool
    must_report: bool
    must_visit: bool


class CaseIn(InputSchema):
    multiline_fields = frozenset({"description"})

    category: str = Field(description="Code of a category of the lowest level", max_length=12)
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    description: str = Field(min_length=1, max_length=4000)
    address: str = Field("", max_length=200)
    source: Source = Source.PATROL


class EventOut(Schema):
    at: dt.datetime
    actor: str | None
    action: str
    from_stage: str
    to_stage: Stage
    holder: str
    note: str


class CaseOut(Schema):
    number: str
    public_id: uuid.UUID
    category: str
    category_name: str
    grid: str
    holder: str = Field(description="The level holding the case now")
    stage: Stage
    source: Source
    description: str
    address: str
    lon: float | None
    lat: float | None
    unit: str | None = Field(description="The handling unit, if dispatched to one")
    co_units: list[str] = Field(description="Co-handling units, beside the lead unit")
    assignee: str | None = Field(description="The grid level it was dispatched to, if any")
    deadline: dt.datetime | None
    warn_at: dt.datetime | None
    overdue: bool
    rework_count: int
    escalations: int
    satisfaction: int | None
    version: int = Field(description="Send it back with an action: 409 if it changed")
    actions: list[Action] = Field(description="What you may do on it now")
    created_at: dt.datetime
    closed_at: dt.datetime | None


class CaseDetailOut(CaseOut):
    events: list[EventOut]
    likely_duplicates: list[str] = Field(
        default_factory=list,
        description="Numbers of open cases it probably repeats (only if you may merge it)",
    )


class ActIn(InputSchema):
    multiline_fields = frozenset({"note"})

    note: str = Field("", max_length=2000)
    version: int | None = Field(None, ge=1)
    unit: int | None = Field(None, description="A handling unit (organisation id), to dispatch")
    co_units: list[int] = Field(
        default_factory=list, max_length=20, description="Co-handling units, with a lead unit"
    )
    level: str = Field("", max_length=32, description="A grid code, to dispatch to grid staff")
    duplicate_of: str = Field("", max_length=20, description="Number of the case to merge into")
    satisfaction: int | None = Field(None, ge=1, le=5)


class IndicatorRowOut(Schema):
    key: str = Field(description="Grid code, unit id, username or month of the group")
    label: str
    reported: int
    filed: int
    suspended: int
    due: int = Field(description="Due to close (應結案)")
    closed: int
    closure_rate: float | None = Field(description="結案率, per cent")
    on_time_rate: float | None = Field(description="按期結案率, per cent")
    rework_rate: float | None = Field(description="返工率, per cent")
    timely_filing_rate: float | None = Field(description="及時立案率, per cent")
    timely_dispatch_rate: float | None = Field(description="及時派遣率, per cent")
    satisfaction: float | None = Field(description="Mean rating, 1–5")
    satisfied_share: float | None = Field(description="Rated 4 or 5, per cent")
    hours: dict[str, float | None] = Field(description="Mean wall-clock hours per stage")
