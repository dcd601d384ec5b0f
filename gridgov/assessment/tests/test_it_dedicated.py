"""Dedicated grids' cards (plan 7) against hand-computed values: a school's dedicated grid D
under community A with a weekly check (due on Wednesdays) in March 2025 — four due, three
done on time, one a day late; three findings, one not put right by its deadline — and its
instructor's score of 80. The instructor scores and sees it; a worker may not.

inspected on time 3/4 = 75 % → (75 − 50) / 50 = 50; put right 2/3 = 66.67 % → 33.34;
instructor 80 → total (40 × 50 + 30 × 33.34 + 30 × 80) / 100 = 54.0, grade D.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.test import Client

from gridgov.assessment import queries

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
P = queries.period_of("month", dt.date(2025, 3, 15))


@pytest.fixture(scope="module")
def school(cast: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    from gridgov.accounts.models import ApiToken, Assignment, User
    from gridgov.accounts.roles import Role
    from gridgov.cases.models import Case
    from gridgov.conftest import EPOCH
    from gridgov.grids.models import Grid
    from gridgov.inspections import services
    from gridgov.inspections.models import Schedule, Template

    with django_db_blocker.unblock(), transaction.atomic():
        d = Grid.objects.create(
            network=cast.network, parent=cast.community_a, depth=3, code="640402001001700",
            name="第一中学专属网格", kind="dedicated", subtype="school", host=cast.a1,
            valid_from=EPOCH,
        )  # fmt: skip
        teacher = User.objects.create_user("instructor", password="pw")
        Assignment.objects.create(
            user=teacher, grid=cast.community_a, role=Role.GRID_INSTRUCTOR, starts_on=EPOCH
        )
        template = Template.objects.get(code="safety-weekly-spot")
        schedule = Schedule.objects.create(
            template=template, grid=d, grid_code=d.code, cadence="weekly", weekday=2,
            targets="once", role=Role.GRID_HEAD, starts_on=dt.date(2025, 3, 1),
        )  # fmt: skip
        outcomes = {i.pk: "pass" for i in template.items.all()}
        found = []
        for day, n in ((5, 1), (12, 2), (19, 0), (27, 0)):  # the last a day after its Wednesday
            at = dt.datetime(2025, 3, day, 10, tzinfo=TZ)
            with time_machine.travel(at, tick=False):
                i = services.record_inspection(
                    actor=cast.head_a, grid=d, schedule=schedule, outcomes=outcomes,
                    findings=[services.FindingIn(f"消防通道堵塞{k}", at.date()) for k in range(n)],
                )  # fmt: skip
            found += list(i.findings.values_list("case_id", flat=True))
        Case.objects.filter(pk__in=found[:2]).update(stage="closed")  # put right
        yield SimpleNamespace(d=d, teacher=teacher,
                              token=ApiToken.issue(teacher, "test")[1])  # fmt: skip
        transaction.set_rollback(True)


def test_it_scores_a_dedicated_grid_on_its_checks(cast: Any, school: Any) -> None:
    cards = queries.cards(cast.community_a, "dedicated", P)
    assert [c.key for c in cards] == [school.d.code]
    f = {x.indicator.metric: (x.numerator, x.denominator, x.score) for x in cards[0].figures}
    assert f["inspected_on_time_share"] == (3, 4, 50.0)
    assert f["rectified_share"] == (2, 3, 33.34)
    assert f["manual"] == (None, None, None)
    assert cards[0].total == 42.86  # (40 × 50 + 30 × 33.34) / 70, before the instructor's score
    assert cards[0].figures[0].link.startswith("/inspections/?node=640402001001700")


def test_it_lets_the_instructor_score_it(cast: Any, school: Any) -> None:
    from gridgov.assessment.models import Indicator

    manual = Indicator.objects.get(set__subject="dedicated", metric="manual")
    body = {"indicator": manual.pk, "subject": school.d.code, "kind": "month",
            "on": "2025-03-01", "score": "80", "reason": "治安防范措施落实较好"}  # fmt: skip
    for who, status in (("worker_a1", 404), ("admin_a", 403)):  # out of scope; no right
        other = Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}")
        assert (
            other.post("/api/v1/assessment/scores", body, "application/json").status_code == status
        )
    teacher = Client(HTTP_AUTHORIZATION=f"Bearer {school.token}")
    r = teacher.post("/api/v1/assessment/scores", body, "application/json")
    assert r.status_code == 200, r.content
    r = teacher.get(f"/api/v1/assessment/card?subject=dedicated&key={school.d.code}&on=2025-03-01")
    assert r.status_code == 200, r.content
    assert (r.json()["total"], r.json()["grade"]) == (54.0, "D")
    # The instructor sees the dedicated grid's card, not the community's ranking.
    url = f"/api/v1/assessment/ranking?node={cast.community_a.code}&subject=dedicated&on=2025-03-01"
    assert teacher.get(url).status_code == 403
    ranked = Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens['head_a']}").get(url).json()
    assert [(x["key"], x["rank"], x["total"]) for x in ranked["rows"]] == [(school.d.code, 1, 54.0)]


def test_it_shows_dedicated_grids_on_the_pages(cast: Any, school: Any) -> None:
    from gridgov.conftest import log_in

    head = log_in(Client(), cast.head_a)
    r = head.get(f"/assessment/?node={cast.community_a.code}&subject=dedicated&on=2025-03-01")
    assert r.status_code == 200 and "第一中学专属网格" in r.content.decode()
    card = f"/assessment/card/dedicated/{school.d.code}/?on=2025-03-01"
    teacher = log_in(Client(), school.teacher)
    r = teacher.get(card)
    assert r.status_code == 200
    assert 'name="score"' in r.content.decode()  # the instructor may score it here
    assert log_in(Client(), cast.admin_a).get(card).status_code == 403
