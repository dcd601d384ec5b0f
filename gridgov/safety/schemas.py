from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from ninja import Schema
from pydantic import Field

from gridgov.core.inputs import InputSchema, IsoDate


class RuleOut(Schema):
    code: str
    text: str
    points: int = Field(description="Points deducted from the violator")
    joint_points: int = Field(description="Points deducted from each member who did not stop it")


class SchemeOut(Schema):
    enterprise: str = Field(description="The code of the enterprise's root grid")
    name: str
    yuan_per_point: Decimal
    model_reward: Decimal
    worst_penalty: Decimal
    base_score: int
    starts_on: dt.date
    rules: list[RuleOut]


class ViolationIn(InputSchema):
    multiline_fields: ClassVar[frozenset[str]] = frozenset({"notes"})

    grid: str = Field(max_length=32, description="Where it happened: a department, team or post")
    rule: str = Field(max_length=20)
    happened_on: IsoDate
    violator: int | None = Field(None, description="The enterprise's person who committed it")
    outsider: str = Field("", max_length=100, description="Or: who the outsider was")
    stoppers: list[int] = Field(default_factory=list, description="Members who stopped it")
    notes: str = Field("", max_length=2000)


class DeductionOut(Schema):
    person: int
    share: str
    points: int
    reversal: bool


class ViolationOut(Schema):
    id: str
    grid: str
    rule: str
    happened_on: dt.date
    violator: int | None
    outsider: bool = Field(description="Committed by an outsider (described on the page)")
    stoppers: list[int]
    reversed: bool
    deductions: list[DeductionOut]


class ReverseIn(InputSchema):
    reason: str = Field(max_length=300)


class CloseIn(InputSchema):
    model: int | None = Field(None, description="The safety model, when several tie")
    worst: str | None = Field(None, max_length=32, description="The worst department, when tied")
    note: str = Field("", max_length=500)


class PersonOut(Schema):
    person: int
    name: str
    grid: str
    department: str
    violator: int
    joint: int
    inspection: int
    deducted: int
    score: int
    rank: int | None


class DepartmentOut(Schema):
    code: str
    name: str
    members: int
    deducted: int
    area_points: int
    score: float | None
    rank: int | None


class CloseOut(Schema):
    month: str
    points: int
    fund_in: Decimal
    model: int | None
    reward: Decimal
    worst: str | None
    penalty: Decimal
    balance: Decimal


class MonthOut(Schema):
    enterprise: str
    month: str
    points: int
    fund_in: Decimal
    opening: Decimal
    persons: list[PersonOut]
    departments: list[DepartmentOut]
    model_candidates: list[int]
    worst_candidates: list[str]
    closed: CloseOut | None
