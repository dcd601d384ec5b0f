"""Input and output of /api/v1/moralbank."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from gridgov.core.inputs import InputSchema

CATEGORIES = Literal[
    "hygiene", "filial", "neighbours", "welfare", "customs", "good_deeds", "models",
    "integrity", "honour", "veto",
]  # fmt: skip
CHANNELS = Literal["oral", "phone", "written"]
Note = Annotated[str, Field(max_length=200)]
Username = Annotated[str, Field(min_length=1, max_length=150)]
CODE = Field(pattern=r"^\d{12}$", description="The village's 12-digit code")


class MoralVillageIn(InputSchema):
    grid: str = CODE
    starts_on: dt.date
    notice_days: int = Field(5, ge=1, le=30)
    top_n: int = Field(10, ge=5, le=10)
    publish_names: bool = False


class MoralVillageOut(Schema):
    public_id: uuid.UUID
    code: str
    name: str
    starts_on: dt.date
    notice_days: int
    top_n: int
    publish_names: bool
    accounts: int


class MoralMeetingIn(InputSchema):
    multiline_fields = frozenset({"resolution"})

    held_on: dt.date
    present: int = Field(ge=0, le=10000)
    total: int = Field(ge=1, le=10000)
    resolution: str = Field(min_length=1, max_length=4000)


class MoralMeetingOut(Schema):
    public_id: uuid.UUID
    held_on: dt.date
    present: int
    total: int
    resolution: str


class MoralItemIn(InputSchema):
    code: str = Field(min_length=1, max_length=10)
    category: CATEGORIES
    title: str = Field(min_length=1, max_length=200)
    points: int = Field(ge=-1000, le=1000, description="0 for a veto item only")
    evidence_required: bool = False
    cap: int | None = Field(None, ge=1, le=10000)
    cap_period: Literal["", "quarter", "year"] = ""


class MoralItemOut(Schema):
    code: str
    category: str
    title: str
    points: int
    evidence_required: bool
    cap: int | None
    cap_period: str


class MoralRulesIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    items: list[MoralItemIn] = Field(min_length=1, max_length=200)


class MoralRulesOut(Schema):
    public_id: uuid.UUID
    version: int
    title: str
    adopted: bool
    published_on: dt.date | None
    applies_from: dt.date | None
    items: list[MoralItemOut]


class MoralAdoptIn(InputSchema):
    meeting: uuid.UUID
    published_on: dt.date
    applies_from: dt.date


class MoralGroupIn(InputSchema):
    meeting: uuid.UUID
    starts_on: dt.date
    members: list[Username] = Field(min_length=1, max_length=20)


class MoralGroupOut(Schema):
    starts_on: dt.date
    members: list[str]


class MoralDeclarationIn(InputSchema):
    multiline_fields = frozenset({"what"})

    household: uuid.UUID
    item: str = Field(min_length=1, max_length=10, description="Code of an item in force")
    points: int | None = Field(None, ge=-1000, le=1000, description="Default the item's")
    source: Literal["self", "hamlet_head", "report"]
    channel: CHANNELS
    reporter: str = Field("", max_length=50, description="Hamlet head's or reporter's name")
    happened_on: dt.date
    place: str = Field(min_length=1, max_length=200)
    what: str = Field(min_length=1, max_length=2000)
    evidence: list[Note] = Field(default_factory=list, max_length=10)


class MoralVoteOut(Schema):
    member: str
    approve: bool
    comment: str


class MoralObjectionOut(Schema):
    public_id: uuid.UUID
    text: str
    upheld: bool | None
    ruling: str


class MoralDeclarationOut(Schema):
    public_id: uuid.UUID
    village: str
    card: str
    item: str
    item_title: str
    points: int
    source: str
    channel: str
    reporter: str | None = Field(description="Shown to the village committee only")
    happened_on: dt.date
    place: str
    what: str
    status: str
    notice_until: dt.datetime | None
    votes: list[MoralVoteOut]
    objections: list[MoralObjectionOut]


class MoralVoteIn(InputSchema):
    approve: bool
    comment: str = Field("", max_length=300)


class MoralCheckIn(InputSchema):
    approve: bool
    points: int | None = Field(None, ge=-1000, le=1000)
    note: str = Field("", max_length=500)


class MoralObjectionIn(InputSchema):
    multiline_fields = frozenset({"text"})

    text: str = Field(min_length=1, max_length=2000)
    channel: CHANNELS
    raised_by: str = Field("", max_length=50)


class MoralRulingIn(InputSchema):
    upheld: bool
    ruling: str = Field(min_length=1, max_length=500)


class MoralEntryOut(Schema):
    public_id: uuid.UUID
    kind: str
    year: int
    savings_delta: int
    redeemable_delta: int
    booked_at: dt.datetime
    note: str


class MoralAccountOut(Schema):
    card: str
    village: str
    year: int
    savings: int
    earned: int
    available: int
    vetoed: bool
    entries: list[MoralEntryOut]


class MoralVetoIn(InputSchema):
    item: str = Field(min_length=1, max_length=10)
    year: int = Field(ge=2000, le=2100)
    reason: str = Field(min_length=1, max_length=500)
    board: Literal["negative", "black"] = "negative"


class MoralVetoOut(Schema):
    card: str
    year: int
    item: str
    reason: str
    board: str
    decided_on: dt.date
    decided_by: str


class MoralReverseIn(InputSchema):
    reason: str = Field(min_length=1, max_length=200)


class MoralGoodsIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    kind: Literal["production", "daily", "study"]
    price: int = Field(ge=1, le=100000)
    unit: str = Field("件", min_length=1, max_length=10)


class MoralGoodsOut(Schema):
    id: int
    name: str
    kind: str
    price: int
    unit: str
    active: bool


class MoralStockIn(InputSchema):
    goods: int = Field(ge=1)
    kind: Literal["in", "out"]
    quantity: int = Field(ge=1, le=100000)
    note: str = Field("", max_length=200)


class MoralStockOut(Schema):
    goods: int
    name: str
    quantity: int


class MoralLineIn(InputSchema):
    goods: int = Field(ge=1)
    quantity: int = Field(ge=1, le=99)


class MoralRedeemIn(InputSchema):
    card: str = Field(min_length=1, max_length=8, pattern=r"^\d+$")
    lines: list[MoralLineIn] = Field(min_length=1, max_length=20)
    key: str = Field(min_length=1, max_length=60, description="The same key twice redeems once")


class MoralLineOut(Schema):
    name: str
    unit: str
    quantity: int
    price: int


class MoralReceiptOut(Schema):
    public_id: uuid.UUID
    number: str
    card: str
    point: str
    at: dt.datetime
    total: int
    available_after: int
    lines: list[MoralLineOut]


class MoralRankedOut(Schema):
    rank: int
    name: str
    points: int
    members: int
    average: float
    proposed: bool


class MoralNoticeItemOut(Schema):
    name: str
    item: str
    category: str
    points: int
    happened_on: dt.date
    place: str
    notice_until: dt.datetime | None
    objected: bool


class MoralHonourOut(Schema):
    name: str
    item: str
    category: str
    points: int
    on: dt.date


class MoralFundIn(InputSchema):
    on: dt.date
    amount: int = Field(ge=-10_000_000_000, le=10_000_000_000, description="Fen: + in, − out")
    source: Literal["", "fiscal", "industry", "collective", "aid", "donation"] = ""
    note: str = Field(min_length=1, max_length=200)


class MoralFundOut(Schema):
    on: dt.date
    source: str
    amount: int
    note: str


class MoralMoneyOut(Schema):
    year: int
    by_source: dict[str, int]
    income: int
    spent: int
    balance: int
    lines: list[MoralFundOut]


class MoralFiguresOut(Schema):
    village: str
    name: str
    accounts: int
    active: int
    awarded: int
    deducted: int
    redeemed: int
    stock: int
    income: int
    balance: int
    listed: int


class MoralGoodsLineOut(Schema):
    name: str
    price: int
    unit: str
    in_: int = Field(alias="in")
    out: int
    redeemed: int
    stock: int


class MoralPublicOut(Schema):
    name: str
    notices: list[MoralNoticeItemOut]
    honour_roll: list[MoralHonourOut]
    rules: MoralRulesOut | None
    goods: list[MoralGoodsLineOut]
    money: MoralMoneyOut
