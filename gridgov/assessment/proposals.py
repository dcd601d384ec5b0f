"""What a year's results propose for each grid worker (plan 4: "考核結果作為評優獎懲、續聘
解聘的重要依據,并根據考核結果兌現工作報酬"): the grade their pay is settled at, whether they
are proposed for commendation, and what their renewal calls for. Proposals only — the
decision stays with people, who open the evidence behind each (the year's card and its
quarters); docs/adr/0026-assessment.md, "Proposals".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .choices import PeriodKind, Subject
from .queries import Card, Period, active_set, cards, period_of, rank

# Quarters graded D in a year that call a renewal into question although the year passed.
D_QUARTERS_FOR_REVIEW = 2


@dataclass
class Proposal:
    card: Card
    quarters: list[str] = field(default_factory=list)  # each quarter's grade ("" without)
    pay: str = ""
    commendation: bool = False
    renewal: str = "renew"  # renew / review / not_renew / none

    @property
    def renewal_label(self) -> str:
        return {
            "renew": _("Renew"),
            "review": _("Review before renewing"),
            "not_renew": _("Propose not to renew"),
            "none": _("No grade: no proposal"),
        }[self.renewal]


def propose(card: Card, quarters: list[str]) -> Proposal:
    """The rules: pay at the year's grade; grade A proposes a commendation; grade D proposes
    not renewing; a year that passed with two or more quarters graded D calls for a review."""
    p = Proposal(card=card, quarters=quarters, pay=card.grade)
    if not card.grade:
        p.renewal = "none"
        return p
    p.commendation = card.grade == "A"
    if card.grade == "D":
        p.renewal = "not_renew"
    elif quarters.count("D") >= D_QUARTERS_FOR_REVIEW:
        p.renewal = "review"
    return p


def for_year(grid: Any, year: int) -> tuple[Period, list[Proposal]]:
    """Every grid worker under `grid`: the year's card (ranked) and its quarters' grades.
    Five rankings' worth of queries (the year and four quarters), whatever the count."""
    s = active_set(Subject.WORKER)
    p = period_of(PeriodKind.YEAR, dt.date(year, 1, 1))
    year_cards = rank(cards(grid, Subject.WORKER, p, s))
    by_quarter = [
        {c.key: c.grade for c in cards(grid, Subject.WORKER, period_of(PeriodKind.QUARTER,
                                                                         dt.date(year, m, 1)), s)}
        for m in (1, 4, 7, 10)
    ]  # fmt: skip
    return p, [propose(c, [q.get(c.key, "") for q in by_quarter]) for c in year_cards]


def export(*, actor: Any, grid: Any, year: int) -> tuple[bytes, str]:
    """The proposals as xlsx (the personnel office's table), one audit entry."""
    from django.db import transaction

    from gridgov.core import models as audit
    from gridgov.registry import xlsx

    _p, rows = for_year(grid, year)
    headers = ["名次", "网格员", "年度得分", "年度等次", "一季度", "二季度", "三季度", "四季度",
               "报酬兑现等次", "评优建议", "续聘建议"]  # fmt: skip
    widths = [6, 14, 10, 8, 8, 8, 8, 8, 12, 10, 16]
    values = (
        [r.card.rank, r.card.label, r.card.total, r.card.grade, *r.quarters, r.pay,
         "建议评优" if r.commendation else "", str(r.renewal_label)]
        for r in rows
    )  # fmt: skip
    title = f"网格员年度考核结果运用{year}"
    with transaction.atomic():
        data = xlsx.write_rows(headers, values, title, widths)
        audit.record(
            actor=actor, action="assessment.proposals", object_type="export",
            object_key=grid.code, after={"node": grid.code, "year": year, "rows": len(rows)},
        )  # fmt: skip
    return data, f"{title}-{grid.code}.xlsx"
