from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from gridgov.core.inputs import InputSchema, IsoDate

SubjectIn = Literal["worker", "grid", "unit", "dedicated"]
KindIn = Literal["month", "quarter", "year"]
# The ranking's order: by total (the default), by name, or by one indicator's score.
SortIn = Literal[
    "total",
    "name",
    "closure_rate",
    "on_time_rate",
    "rework_rate",
    "timely_filing_rate",
    "timely_dispatch_rate",
    "satisfied_share",
    "visited_share",
    "visit_on_time_share",
    "survey_satisfied_share",
    "knows_worker_share",
    "inspected_on_time_share",
    "rectified_share",
    "registry_complete_share",
    "moral_awarded_share",
    "manual",
]


class IndicatorOut(Schema):
    id: int
    metric: str
    name: str
    source: Literal["cases", "visits", "survey", "inspections", "registry", "moralbank", "manual"]
    weight: int
    floor: float = Field(description="The raw figure that scores 0")
    target: float = Field(description="The raw figure that scores 100 (linear between)")


class SetOut(Schema):
    slug: str
    name: str
    subject: SubjectIn
    grades: dict[str, int] = Field(description="Lower bound of the total for A, B and C")
    indicators: list[IndicatorOut]


class FigureOut(Schema):
    metric: str
    weight: int
    numerator: int | None
    denominator: int | None
    raw: float | None = Field(description="Percentage (or the head's score); null: no figure")
    score: float | None = Field(description="0–100 on the indicator's band")
    link: str = Field(description="The page with the cases or households behind the figure")
    note: str = Field(description="The reason given with a head's score")


class CardOut(Schema):
    subject: SubjectIn
    key: str = Field(description="Grid code, user id or unit id")
    label: str
    rank: int | None
    total: float | None = Field(description="Weighted over the indicators with a figure")
    grade: Literal["A", "B", "C", "D", ""]
    figures: list[FigureOut]


class TrendOut(Schema):
    period: str
    start: dt.date
    total: float | None
    grade: Literal["A", "B", "C", "D", ""]


class CardDetailOut(CardOut):
    node: str
    kind: KindIn
    start: dt.date
    end: dt.date
    trend: list[TrendOut]


class RankingOut(Schema):
    node: str
    subject: SubjectIn
    kind: KindIn
    start: dt.date
    end: dt.date
    set: str
    rows: list[CardOut]


class ScoreIn(InputSchema):
    indicator: int = Field(ge=1, le=2_147_483_647, description="A manual indicator's id")
    subject: str = Field(min_length=1, max_length=32, description="The subject's key")
    kind: KindIn = "month"
    on: IsoDate = Field(description="Any day of the period")
    score: Decimal = Field(ge=0, le=100, max_digits=5, decimal_places=2)
    reason: str = Field(min_length=1, max_length=500)


class ScoreOut(Schema):
    indicator: int
    subject: str
    kind: KindIn
    start: dt.date
    score: Decimal
    reason: str


class RewardIn(InputSchema):
    case: str = Field(max_length=20, description="The case number")
    amount: Decimal = Field(gt=0, le=100000, decimal_places=2)
    reason: str = Field(max_length=500)
    person: int | None = Field(None, description="Rewarded, when not the case's reporter")


class RewardOut(Schema):
    case: str
    grid: str
    person: int
    amount: Decimal
    reason: str
    awarded_on: dt.date
