"""Schemas of /api/v1/party. People go out by name and public id; phones never."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Schema
from pydantic import Field

from gridgov.core.inputs import InputSchema

from .choices import CentralKind, LinkLevel, OrgKind, PostRole


def grid_filter() -> Any:
    return Field(None, max_length=32, pattern=r"^\d+$", description="A grid code: rows under it")


def key() -> Any:
    return Field(ge=1, le=2**62, description="An id from this API")


class GridQuery(InputSchema):
    grid: str | None = grid_filter()


class LinkQuery(GridQuery):
    level: LinkLevel | None = None


class OrgIn(InputSchema):
    kind: OrgKind
    name: str = Field(min_length=1, max_length=100)
    grid: str = Field(min_length=6, max_length=32, pattern=r"^\d+$", description="A grid code")
    parent: int | None = Field(None, ge=1, le=2**62, description="The parent organisation's id")
    founded_on: dt.date | None = None


class EndIn(InputSchema):
    on: dt.date | None = Field(None, description="The day it ends (default today)")


class PostIn(InputSchema):
    role: PostRole
    resident: uuid.UUID | None = Field(None, description="The holder, a party member")
    user: str | None = Field(None, min_length=1, max_length=150, description="A username")
    since: dt.date | None = None


class CentralIn(InputSchema):
    kind: CentralKind = CentralKind.HOUSEHOLD
    keeper: uuid.UUID = Field(description="The party member who keeps it")
    name: str = Field("", max_length=100, description="A model post's name")
    since: dt.date | None = None


class LinkIn(InputSchema):
    level: LinkLevel
    source: str = Field(
        min_length=1, max_length=40,
        description="Post id (branch, group, central), central household id (member), "
        "or a party member's public id (household)",
    )  # fmt: skip
    target: str = Field(
        min_length=1, max_length=40,
        description="Organisation id (branch, group), central household id (central), "
        "a party member's public id (member) or a household's public id (household)",
    )  # fmt: skip
    since: dt.date | None = None


class PostOut(Schema):
    id: int
    org: int
    role: PostRole
    holder: str
    resident: uuid.UUID | None
    user: str | None
    since: dt.date
    until: dt.date | None


class CentralOut(Schema):
    id: int
    kind: CentralKind
    group: int
    label: str
    household: uuid.UUID | None
    keeper: uuid.UUID
    grid_code: str
    since: dt.date
    until: dt.date | None


class OrgOut(Schema):
    id: int
    kind: OrgKind
    name: str
    parent: int | None
    grid_code: str
    founded_on: dt.date
    dissolved_on: dt.date | None


class OrgDetailOut(OrgOut):
    posts: list[PostOut]
    centrals: list[CentralOut]


class OrgList(Schema):
    items: list[OrgOut]


class LinkOut(Schema):
    id: int
    level: LinkLevel
    source: str
    target: str
    grid_code: str
    since: dt.date
    until: dt.date | None


class LinkList(Schema):
    count: int
    items: list[LinkOut]


class ProblemOut(Schema):
    key: int
    label: str
    grid_code: str
    count: int
    verdict: str = Field(description="under, over or unlinked")


class LevelOut(Schema):
    level: LinkLevel
    low: int
    high: int
    tally: dict[str, int] = Field(description="Sources per verdict: ok, under, over, unlinked")
    problems: list[ProblemOut]


class CheckOut(Schema):
    levels: list[LevelOut]
    households: int
    unlinked_households: int = Field(description="Households no party member is linked to")
    unlinked_household_ids: list[uuid.UUID]
    members: int
    members_without_central: int = Field(description="Party members no central household links")
    member_ids: list[uuid.UUID]


class NormOut(Schema):
    grid_code: str
    name: str
    households: int
    centrals: int
    fewest: int
    most: int
    verdict: str


class NormList(Schema):
    low: int
    high: int
    items: list[NormOut]
