from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from gridgov.core.inputs import InputSchema

KINDS = Literal["workers", "party_building", "work", "consultation"]
USERNAME = Field(min_length=1, max_length=150, description="A username")
Item = Annotated[str, Field(max_length=200)]
DecisionText = Annotated[str, Field(max_length=1000)]
CaseNumber = Annotated[str, Field(min_length=1, max_length=20)]


class MeetingIn(InputSchema):
    grid: str = Field(pattern=r"^\d{1,32}$", description="Code of the level holding it")
    kind: KINDS
    title: str = Field(min_length=1, max_length=200, description="No phone or ID numbers")
    starts_at: dt.datetime = Field(description="Within a year of today; past: a meeting held")
    place: str = Field(min_length=1, max_length=200)
    chair: str = Field("", max_length=150, description="Username; default you")
    agenda: list[Item] = Field(default_factory=list, max_length=30)
    cases: list[CaseNumber] = Field(
        default_factory=list, max_length=20,
        description="Case numbers, for a joint consultation only, of cases you can see",
    )  # fmt: skip


class AttendanceIn(InputSchema):
    user: str = USERNAME
    presence: Literal["present", "absent", "excused"]
    reason: str = Field("", max_length=200, description="Required when excused")


class MinutesIn(InputSchema):
    multiline_fields = frozenset({"minutes"})

    minutes: str = Field(min_length=1, max_length=10000)
    decisions: list[DecisionText] = Field(
        default_factory=list, max_length=30, description="Added after those recorded"
    )


class TaskIn(InputSchema):
    decision: int = Field(ge=1, le=999, description="Number of the decision in the meeting")
    owner: str = USERNAME
    deadline: dt.date
    text: str = Field(min_length=1, max_length=500)


class DoneIn(InputSchema):
    multiline_fields = frozenset({"note"})

    note: str = Field(min_length=1, max_length=2000, description="What was done")


class AttendanceOut(Schema):
    user: str
    name: str
    presence: str
    reason: str


class TaskOut(Schema):
    public_id: uuid.UUID
    meeting: uuid.UUID
    decision: int
    grid: str
    owner: str
    text: str
    deadline: dt.date
    status: Literal["open", "done"]
    overdue: bool = Field(description="Open past its deadline")
    done_note: str
    done_at: dt.datetime | None
    done_by: str | None


class DecisionOut(Schema):
    number: int
    text: str


class MeetingOut(Schema):
    public_id: uuid.UUID
    kind: str
    grid: str
    title: str
    starts_at: dt.datetime
    place: str
    chair: str
    agenda: list[str]
    held: bool = Field(description="Its minutes are recorded")


class MeetingDetailOut(MeetingOut):
    minutes: str
    cases: list[str] = Field(description="Numbers of the linked cases you can see")
    attendance: list[AttendanceOut]
    decisions: list[DecisionOut]
    tasks: list[TaskOut]
