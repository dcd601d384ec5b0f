"""The village moral bank (plan 8: "道德銀行 … 納入村級考核") as an assessment figure: of
the households holding a savings account under a subject, the share whose good deeds were
awarded points in the period (households taking part, 參與率). Awards reversed later still
count as taking part: the deed was declared, reviewed and posted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.urls import reverse

from gridgov.core.lib.codes import subtree_range

from .choices import Metric

PARTS = {Metric.MORAL_AWARDED_SHARE: ("awarded", "accounts")}


@dataclass
class MoralRow:
    awarded: int = 0
    accounts: int = 0

    def add(self, other: MoralRow) -> None:
        self.awarded += other.awarded
        self.accounts += other.accounts


def _counts(code: str, length: int, start: dt.datetime, end: dt.datetime) -> dict[str, MoralRow]:
    from gridgov.moralbank.choices import EntryKind
    from gridgov.moralbank.models import Account

    low, high = subtree_range(code)
    rows = (
        Account.objects.filter(grid_code__gte=low, grid_code__lt=high)
        .annotate(key=Substr("grid_code", 1, length))
        .values("key")
        .annotate(
            accounts=Count("id", distinct=True),
            awarded=Count("id", distinct=True, filter=Q(
                entries__kind=EntryKind.AWARD, entries__booked_at__gte=start,
                entries__booked_at__lt=end,
            )),
        )
        .order_by()
    )  # fmt: skip
    return {r["key"]: MoralRow(r["awarded"], r["accounts"]) for r in rows}


def rows(grid: Any, by: str, start: dt.datetime, end: dt.datetime) -> dict[str, MoralRow]:
    """Per child grid (`by` "grid") or per grid worker (their grids' households)."""
    from gridgov.visits.queries import child_length

    from .grouping import per_worker

    if by == "grid":
        return _counts(grid.code, child_length(grid.code, grid.network), start, end)
    if by != "worker":
        return {}
    per_grid = _counts(grid.code, max(grid.network.code_lengths), start, end)
    last_day = (end - dt.timedelta(seconds=1)).date()
    return per_worker(grid, last_day, per_grid, lambda _key: MoralRow())


def node_row(grid: Any, start: dt.datetime, end: dt.datetime) -> MoralRow:
    total = MoralRow()
    for r in _counts(grid.code, len(grid.code), start, end).values():
        total.add(r)
    return total


def link(code: str) -> str:
    return f"{reverse('moralbank:overview')}?grid={code}"
