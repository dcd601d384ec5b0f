"""Residents' evaluation (群眾評議, plan 4): the public survey page of each grid and its
figures for the score cards — the share of residents satisfied (4 or 5 of 5) and the share
who know their grid worker (網格員知曉率) — grouped as the cards need them
(docs/adr/0026-assessment.md, "Residents' survey")."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import ServiceError
from gridgov.core.lib.codes import subtree_range

from .choices import Answer, Satisfaction
from .models import SurveyResponse

# Answers one client address may send in an hour (a household's members may each answer).
HOURLY_LIMIT = getattr(settings, "GRIDGOV_SURVEY_HOURLY_LIMIT", 10)


@dataclass
class SurveyRow:
    key: str
    responses: int = 0
    satisfied: int = 0  # answered 4 or 5
    knows: int = 0  # knows their grid worker
    visited: int = 0

    def add(self, other: SurveyRow) -> None:
        self.responses += other.responses
        self.satisfied += other.satisfied
        self.knows += other.knows
        self.visited += other.visited


def answer(
    *, address: str | None, grid: Any, satisfaction: int, knows_worker: str, visited: str,
    comment: str = "", today: dt.date | None = None,
) -> SurveyResponse:  # fmt: skip
    """Keep one resident's answers, counted against the address's hourly limit in the same
    transaction (a refused answer uses none of it)."""
    from gridgov.intake.services import address_key, take
    from gridgov.registry.services import number_in_text

    if satisfaction not in Satisfaction.values:
        raise ServiceError("invalid", _("Choose how satisfied you are."), field="satisfaction",
                           status=422)  # fmt: skip
    for name, value in (("knows_worker", knows_worker), ("visited", visited)):
        if value not in Answer.values:
            raise ServiceError("invalid", _("Choose an answer."), field=name, status=422)
    comment = (comment or "").strip()
    if number_in_text(comment):
        raise ServiceError(
            "number_in_text", _("Please leave out phone and ID numbers."), field="comment",
            status=422,
        )  # fmt: skip
    with transaction.atomic():
        if not take(address_key(f"survey {address or '-'}"), timezone.now(), HOURLY_LIMIT):
            raise ServiceError(
                "rate_limited", _("Too many answers from here in this hour; try again later."),
                status=429,
            )  # fmt: skip
        return SurveyResponse.objects.create(
            grid=grid, grid_code=grid.code, answered_on=today or timezone.localdate(),
            satisfaction=satisfaction, knows_worker=knows_worker, visited=visited,
            comment=comment[:300],
        )  # fmt: skip


def _counts(code: str, length: int, start: dt.date, end: dt.date) -> dict[str, SurveyRow]:
    """Per code prefix of `length` digits under `code`: the period's answers."""
    from django.db.models.functions import Substr

    low, high = subtree_range(code)
    rows = (
        SurveyResponse.objects.filter(
            grid_code__gte=low, grid_code__lt=high, answered_on__gte=start, answered_on__lte=end
        )
        .annotate(key=Substr("grid_code", 1, length))
        .values("key")
        .annotate(
            responses=Count("id"),
            satisfied=Count("id", filter=Q(satisfaction__gte=4)),
            knows=Count("id", filter=Q(knows_worker=Answer.YES)),
            visited=Count("id", filter=Q(visited=Answer.YES)),
        )
    )  # fmt: skip
    return {
        r["key"]: SurveyRow(r["key"], r["responses"], r["satisfied"], r["knows"], r["visited"])
        for r in rows
    }


def rows(grid: Any, start: dt.date, end: dt.date, by: str) -> dict[str, SurveyRow]:
    """The survey figures of each subject under `grid`: per child grid (`by` "grid"), or
    per grid worker holding grids there (their grids' answers), keyed as the cards are."""
    from gridgov.visits.queries import child_length

    if by == "grid":
        return _counts(grid.code, child_length(grid.code, grid.network), start, end)
    if by != "worker":
        return {}
    from .grouping import per_worker

    per_grid = _counts(grid.code, max(grid.network.code_lengths), start, end)
    return per_worker(grid, end, per_grid, SurveyRow)


def node_row(grid: Any, start: dt.date, end: dt.date) -> SurveyRow:
    """All the answers under `grid` in the period (a grid's own card)."""
    total = SurveyRow(grid.code)
    for r in _counts(grid.code, len(grid.code), start, end).values():
        total.add(r)
    return total


@dataclass
class Results:
    """The results page: the answers to each question and the comments."""

    total: SurveyRow
    children: list[tuple[str, str, SurveyRow]] = field(default_factory=list)
    satisfaction: list[tuple[str, int]] = field(default_factory=list)
    knows: list[tuple[str, int]] = field(default_factory=list)
    visited: list[tuple[str, int]] = field(default_factory=list)
    comments: list[SurveyResponse] = field(default_factory=list)


def results(grid: Any, start: dt.date, end: dt.date) -> Results:
    from gridgov.grids.models import Grid

    low, high = subtree_range(grid.code)
    answers = SurveyResponse.objects.filter(
        grid_code__gte=low, grid_code__lt=high, answered_on__gte=start, answered_on__lte=end
    )
    out = Results(total=node_row(grid, start, end))
    names = dict(
        Grid.objects.filter(network_id=grid.network_id, parent=grid).values_list("code", "name")
    )
    for key, r in sorted(rows(grid, start, end, "grid").items()):
        out.children.append((key, names.get(key, key), r))
    sat = Counter(answers.values_list("satisfaction", flat=True))
    out.satisfaction = [(str(c.label), sat.get(c.value, 0)) for c in Satisfaction]
    knows = Counter(answers.values_list("knows_worker", flat=True))
    visited = Counter(answers.values_list("visited", flat=True))
    out.knows = [(str(c.label), knows.get(c.value, 0)) for c in Answer]
    out.visited = [(str(c.label), visited.get(c.value, 0)) for c in Answer]
    out.comments = list(answers.exclude(comment="").order_by("-answered_on", "-id")[:200])
    return out
