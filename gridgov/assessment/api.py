"""/api/v1/assessment: the indicator sets, a ranking, a score card, a head's score."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from gridgov.core.errors import NotFound
from gridgov.core.inputs import IsoDate
from gridgov.core.schemas import ERRORS

from . import queries, rewards, services
from .models import Indicator, IndicatorSet
from .schemas import (
    CardDetailOut,
    KindIn,
    RankingOut,
    RewardIn,
    RewardOut,
    ScoreIn,
    ScoreOut,
    SetOut,
    SortIn,
    SubjectIn,
)

router = Router(tags=["assessment"])


def _card(c: queries.Card) -> dict[str, Any]:
    return {
        "subject": c.subject, "key": c.key, "label": str(c.label), "rank": c.rank,
        "total": c.total, "grade": c.grade,
        "figures": [
            {"metric": f.indicator.metric, "weight": f.indicator.weight,
             "numerator": f.numerator, "denominator": f.denominator, "raw": f.raw,
             "score": f.score, "link": f.link, "note": f.note}
            for f in c.figures
        ],
    }  # fmt: skip


@router.get("/sets", response={200: list[SetOut], **ERRORS}, summary="Indicator sets")
def sets(request: HttpRequest):
    """The active indicator sets with their indicators, weights, bands and grades."""
    out = []
    for s in IndicatorSet.objects.filter(active=True).prefetch_related("indicators"):
        out.append({
            "slug": s.slug, "name": s.name, "subject": s.subject,
            "grades": {"A": s.grade_a, "B": s.grade_b, "C": s.grade_c},
            "indicators": [
                {"id": i.pk, "metric": i.metric, "name": str(i.get_metric_display()),
                 "source": i.source, "weight": i.weight, "floor": i.floor, "target": i.target}
                for i in s.indicators.all()
            ],
        })  # fmt: skip
    return out


@router.get("/ranking", response={200: RankingOut, **ERRORS}, summary="Ranking")
def ranking(
    request: HttpRequest,
    node: str = Query(..., max_length=32),  # type: ignore[type-arg]
    subject: SubjectIn = "grid",
    kind: KindIn = "month",
    on: IsoDate | None = None,
    sort: SortIn = "total",
):
    """The cards of every subject under `node` (child grids, grid workers or handling
    units) for the period holding `on` (default today), best first (or by name, or by one
    indicator's score: `sort`); equal totals share a rank. Needs the right "assess" on
    `node` (404 out of scope, 403 without it)."""
    grid = queries.node_for(request.user, node)
    p = queries.period_of(kind, on or timezone.localdate())
    s = queries.active_set(subject)
    rows = queries.rank(queries.cards(grid, subject, p, s), sort)
    return {
        "node": grid.code, "subject": subject, "kind": kind, "start": p.start, "end": p.end,
        "set": s.slug, "rows": [_card(c) for c in rows],
    }  # fmt: skip


@router.get("/card", response={200: CardDetailOut, **ERRORS}, summary="Score card")
def card(
    request: HttpRequest,
    subject: SubjectIn,
    key: str = Query(..., max_length=32),  # type: ignore[type-arg]
    node: str = Query("", max_length=32),  # type: ignore[type-arg]
    kind: KindIn = "month",
    on: IsoDate | None = None,
):
    """One subject's card with its trend over the last six periods. A grid worker may see
    their own (`node` defaults to their grid); heads with "assess" anyone's under `node`
    (a grid's `node` defaults to the grid itself)."""
    p = queries.period_of(kind, on or timezone.localdate())
    node = node or (key if subject in ("grid", "dedicated") else "")
    if not node and subject == "worker" and key == str(request.user.pk):
        node = queries.own_node(request.user)
    grid, c = queries.card_for(request.user, subject, key, node, p)
    s = queries.active_set(subject)
    trend = queries.trend(subject, grid, key, p, s)
    return {
        **_card(c), "node": grid.code, "kind": kind, "start": p.start, "end": p.end,
        "trend": [
            {"period": q.label, "start": q.start, "total": t.total if t else None,
             "grade": t.grade if t else ""}
            for q, t in trend
        ],
    }  # fmt: skip


@router.post("/scores", response={200: ScoreOut, **ERRORS}, summary="Enter a head's score")
def enter_score(request: HttpRequest, payload: ScoreIn):
    """A head's score (0–100) of a subject on a manual indicator for a period, with its
    reason; entering again replaces it. Audited."""
    indicator = (
        Indicator.objects.select_related("set")
        .filter(pk=payload.indicator, set__active=True)
        .first()
    )
    if indicator is None:
        raise NotFound(_("No such indicator."), field="indicator")
    p = queries.period_of(payload.kind, payload.on)
    m = services.enter_score(
        actor=request.user, indicator=indicator, subject_key=payload.subject, period=p,
        score=payload.score, reason=payload.reason,
    )  # fmt: skip
    return {
        "indicator": indicator.pk, "subject": m.subject_key, "kind": m.kind, "start": m.start,
        "score": m.score, "reason": m.reason,
    }  # fmt: skip


def _reward(r: Any) -> dict[str, Any]:
    return {
        "case": r.case.number, "grid": r.grid_code, "person": r.person_id, "amount": r.amount,
        "reason": r.reason, "awarded_on": r.awarded_on,
    }  # fmt: skip


@router.get("/rewards", response={200: list[RewardOut], **ERRORS}, summary="Lead rewards")
def reward_list(
    request: HttpRequest,
    node: str = Query(..., max_length=32),  # type: ignore[type-arg]
    start: IsoDate | None = None,
    end: IsoDate | None = None,
):
    """The rewards for valuable leads (一事一獎) under `node` given between `start` (default
    the first of the year) and `end` (default today). Needs "assess" on `node`."""
    grid = queries.node_for(request.user, node)
    today = timezone.localdate()
    return [
        _reward(r)
        for r in rewards.under(grid, start or today.replace(month=1, day=1), end or today)
    ]


@router.post("/rewards", response={201: RewardOut, **ERRORS}, summary="Reward a lead")
def reward_lead(request: HttpRequest, payload: RewardIn):
    """Reward the person who brought a case's lead, once per case (409 the second time):
    its staff reporter, or `person`. Needs "assess" where the case is. Audited."""
    r = rewards.reward_lead(
        actor=request.user, number=payload.case, amount=payload.amount,
        reason=payload.reason, person=payload.person,
    )  # fmt: skip
    return Status(201, _reward(r))
