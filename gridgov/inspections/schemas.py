from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Schema
from pydantic import Field

from gridgov.core.inputs import InputSchema, IsoDate


class ItemOut(Schema):
    id: int
    position: int
    text: str
    pass_points: int
    fail_points: int


class TemplateOut(Schema):
    code: str
    name: str
    kind: str
    category: str = Field(description="Category of the cases its findings open")
    items: list[ItemOut]


class ScheduleOut(Schema):
    id: int
    template: str
    grid: str
    cadence: str
    weekday: int | None = Field(description="0 Monday … 6 Sunday (weekly)")
    month_day: int | None = Field(description="1–31, or 0 for the month's last day (monthly)")
    targets: str
    role: str
    working_days_only: bool


class DueOut(Schema):
    schedule: int
    template: str
    target: str = Field(description="Grid code to inspect (a spot check: any grid under it)")
    period_start: dt.date
    due_on: dt.date
    status: Literal["due", "overdue", "upcoming", "done"]


class OutcomeIn(InputSchema):
    item: int = Field(ge=1)
    outcome: Literal["pass", "fail", "na"]


class FindingIn(InputSchema):
    multiline_fields = frozenset({"text"})

    text: str = Field(min_length=1, max_length=2000, description="No phone or ID numbers")
    rectify_by: IsoDate = Field(description="Rectification deadline: today to a year ahead")


class InspectionIn(InputSchema):
    multiline_fields = frozenset({"notes"})

    grid: str = Field(min_length=1, max_length=32, pattern=r"^\d+$")
    schedule: int | None = Field(None, ge=1, description="The schedule carried out")
    template: str = Field("", max_length=40, description="Without a schedule: the template")
    outcomes: list[OutcomeIn] = Field(max_length=100, description="Every check-list item")
    notes: str = Field("", max_length=2000)
    findings: list[FindingIn] = Field(default_factory=list, max_length=10)
    person: str = Field("", max_length=150, description="Username of the person responsible")
    inspected_at: dt.datetime | None = Field(None, description="Default now; a week back at most")


class FindingOut(Schema):
    public_id: uuid.UUID
    text: str
    rectify_by: dt.date
    case: str
    overdue: bool


class InspectionOut(Schema):
    public_id: uuid.UUID
    template: str
    schedule: int | None
    grid: str
    inspector: str
    person: str | None
    inspected_at: dt.datetime
    period_start: dt.date | None
    due_on: dt.date | None
    on_time: bool
    score: int = Field(description="Points awarded (+) and deducted (−)")
    results: dict[str, str] = Field(description="Item id → pass / fail / na")
    findings: list[FindingOut]


class CoverageRowOut(Schema):
    key: str
    label: str
    due: int = Field(description="Occurrences due by the period's end (or today)")
    done: int
    on_time: int
    overdue: int
    upcoming: int
    inspections: int
    findings: int
    late_rectifications: int = Field(description="Findings past their deadline, case open")
    points: int


class PatrolIn(InputSchema):
    grid: str = Field("", max_length=32, pattern=r"^\d*$", description="Default your first")


class PointIn(InputSchema):
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    accuracy: float | None = Field(None, ge=0, le=100000)
    at: dt.datetime | None = None


class PointsIn(InputSchema):
    points: list[PointIn] = Field(min_length=1, max_length=500)


class PointOut(Schema):
    lon: float
    lat: float
    at: dt.datetime
    inside: bool = Field(description="Within the worker's grids (outliers kept, flagged)")


class PatrolOut(Schema):
    public_id: uuid.UUID
    worker: str
    grid: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    length_m: float
    duration_s: int | None
    points: int
    outside: int
    cases: list[str]


class PatrolCaseIn(InputSchema):
    multiline_fields = frozenset({"description"})

    category: str = Field(min_length=1, max_length=12)
    description: str = Field(min_length=1, max_length=4000)
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
