"""Residents' survey: the public page (no login, one answer a month per device, the hourly
limit, numbers refused in the comment), its figures on the cards against hand-computed
values, and the heads' results page (anonymous / no right / out of scope / in scope)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from gridgov.assessment import queries, survey
from gridgov.assessment.models import SurveyResponse
from gridgov.assessment.tests.conftest import MARCH
from gridgov.conftest import log_in

pytestmark = pytest.mark.django_db
P = queries.period_of("month", MARCH)


@pytest.fixture(scope="module")
def answers(cast: Any, month: Any, django_db_blocker: Any) -> Iterator[None]:
    """Four answers in A1 in March: satisfied 5, 4, 3, 2 (two satisfied); three know their
    grid worker; one in April that March does not count."""
    with django_db_blocker.unblock(), transaction.atomic():
        for sat, knows in ((5, "yes"), (4, "yes"), (3, "no"), (2, "yes")):
            SurveyResponse.objects.create(
                grid=cast.a1, grid_code=cast.a1.code, answered_on=dt.date(2025, 3, 20),
                satisfaction=sat, knows_worker=knows, visited="unsure", comment="路灯修好了",
            )  # fmt: skip
        SurveyResponse.objects.create(
            grid=cast.a1, grid_code=cast.a1.code, answered_on=dt.date(2025, 4, 2),
            satisfaction=1, knows_worker="no", visited="no",
        )  # fmt: skip
        yield
        transaction.set_rollback(True)


def test_it_scores_the_survey_on_the_cards(cast: Any, answers: None) -> None:
    grid = queries.grid_card(cast.a1, P)
    f = {x.indicator.metric: (x.numerator, x.denominator, x.raw, x.score) for x in grid.figures}
    assert f["survey_satisfied_share"] == (2, 4, 50.0, 0.0)  # band 60 → 100
    # (16 × 100 + 8 × 16.68 + 12 × 50 + 20 × 0) / 100
    assert grid.total == 23.33
    worker = queries.cards(cast.community_a, "worker", P)[0]
    w = {x.indicator.metric: (x.numerator, x.denominator, x.score) for x in worker.figures}
    assert w["survey_satisfied_share"] == (2, 4, 0.0)
    assert w["knows_worker_share"] == (3, 4, 50.0)  # 75 % on the band 50 → 100
    # (12 × 100 + 16 × 50 + 15 × 0 + 5 × 50) / 92 (no head's score)
    assert worker.total == 24.46
    link = next(x.link for x in worker.figures if x.indicator.metric == "knows_worker_share")
    assert link.startswith("/assessment/surveys/?") and "start=2025-03-01" in link


def test_it_takes_an_anonymous_answer_once_a_month_per_device(cast: Any) -> None:
    client = Client()
    url = f"/survey/{cast.a2.code}/"
    assert client.get(url).status_code == 200
    assert Client().get("/survey/999999/").status_code == 404
    before = SurveyResponse.objects.count()
    data = {"satisfaction": "4", "knows_worker": "yes", "visited": "no",
            "comment": "电话13912345678"}  # fmt: skip
    r = client.post(url, data)
    assert r.status_code == 422 and SurveyResponse.objects.count() == before
    data["comment"] = "网格员很负责"
    r = client.post(url, {**data, "satisfaction": "9"})
    assert r.status_code == 400 and SurveyResponse.objects.count() == before
    r = client.post(url, data)
    assert r.status_code == 302 and r["Location"] == f"/survey/{cast.a2.code}/thanks/"
    assert SurveyResponse.objects.count() == before + 1
    saved = SurveyResponse.objects.latest("id")
    assert (saved.grid_code, saved.satisfaction, saved.knows_worker) == (cast.a2.code, 4, "yes")
    r = client.post(url, data)  # the same device again this month
    assert r.status_code == 409 and SurveyResponse.objects.count() == before + 1


def test_it_limits_answers_from_one_address(cast: Any, settings: Any) -> None:
    data = {"satisfaction": "5", "knows_worker": "yes", "visited": "yes"}
    before = SurveyResponse.objects.count()
    codes = []
    for _ in range(survey.HOURLY_LIMIT + 1):
        codes.append(Client(REMOTE_ADDR="203.0.113.9").post(f"/survey/{cast.b1.code}/", data))
    assert [r.status_code for r in codes].count(302) == survey.HOURLY_LIMIT
    assert codes[-1].status_code == 429
    assert SurveyResponse.objects.count() == before + survey.HOURLY_LIMIT


@pytest.mark.parametrize(
    ("who", "node", "status"),
    [(None, "a1", 302), ("worker_a1", "a1", 403), ("worker_b1", "a1", 404),
     ("head_a", "b1", 404), ("head_a", "community_a", 200)],
)  # fmt: skip
def test_it_shows_the_results_to_the_heads(
    cast: Any, answers: None, who: str | None, node: str, status: int
) -> None:
    client = Client()
    if who:
        log_in(client, getattr(cast, who))
    code = getattr(cast, node).code
    r = client.get(f"/assessment/surveys/?node={code}&start=2025-03-01&end=2025-03-31")
    assert r.status_code == status
    if status == 200:
        html = r.content.decode()
        assert "路灯修好了" in html and f"/survey/{cast.community_a.code}/" in html
