from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from gridgov.accounts.roles import Role
from gridgov.core.inputs import InputSchema


class AssignmentOut(Schema):
    id: int
    username: str
    name: str
    grid: str
    role: Role
    title: str = Field(description="What the role is called on this grid's level")
    starts_on: dt.date
    ends_on: dt.date | None = Field(description="The last day held; null while it runs")
    unit: int | None = Field(description="The organisation (unit) answered for, if any")
    note: str


class AssignIn(InputSchema):
    username: str = Field(min_length=1, max_length=150)
    role: Role
    starts_on: dt.date | None = Field(None, description="Default: today")
    unit: int | None = Field(None, description="An organisation registered on this grid")
    note: str = Field("", max_length=200)


class EndIn(InputSchema):
    ends_on: dt.date | None = Field(None, description="The last day held; default: today")
    reason: str = Field("", max_length=200)


class CoverageOut(Schema):
    code: str = Field(description="The community or street")
    name: str
    grids: int
    covered: int
    uncovered: list[str] = Field(description="Codes of the grids without a grid worker")


class FourPostOut(Schema):
    post: str
    people: list[AssignmentOut]


class UnitOut(Schema):
    id: int
    name: str
    informants: list[AssignmentOut]


class FourInOneOut(Schema):
    posts: list[FourPostOut]
    units: list[UnitOut]
    missing: list[str] = Field(description="Posts no one holds")
