"""The regular meetings due or missed (computed from the cadences: the workers' meeting
monthly per community, the party-building meeting every two months per street), and the
overdue tasks' morning digest, once a day however often it runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from gridgov.meetings import queries, services, sweep
from gridgov.meetings.models import Cadence
from gridgov.notices.models import Notice

from .conftest import NOW, at, held, plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize(
    ("day", "every", "period"),
    [
        (dt.date(2027, 3, 10), 1, (dt.date(2027, 3, 1), dt.date(2027, 4, 1))),
        (dt.date(2027, 3, 10), 2, (dt.date(2027, 3, 1), dt.date(2027, 5, 1))),
        (dt.date(2027, 2, 28), 2, (dt.date(2027, 1, 1), dt.date(2027, 3, 1))),
        (dt.date(2027, 12, 31), 3, (dt.date(2027, 10, 1), dt.date(2028, 1, 1))),
        (dt.date(2027, 1, 1), 12, (dt.date(2027, 1, 1), dt.date(2028, 1, 1))),
    ],
)
def test_it_cuts_the_year_into_periods_from_january(
    day: dt.date, every: int, period: tuple[dt.date, dt.date]
) -> None:
    assert queries.period_of(day, every) == period


def test_it_steps_back_over_new_year() -> None:
    assert queries.periods(dt.date(2027, 1, 20), 2) == [
        (dt.date(2026, 9, 1), dt.date(2026, 11, 1)),
        (dt.date(2026, 11, 1), dt.date(2027, 1, 1)),
        (dt.date(2027, 1, 1), dt.date(2027, 3, 1)),
    ]


def test_it_shows_each_level_held_planned_due_or_missed(cast: Any) -> None:
    held(cast, starts_at=at(2027, 2, 20))  # February's, held
    plan(cast, starts_at=at(2027, 3, 25))  # March's, called
    plan(cast, starts_at=at(2027, 1, 25))  # January's: called, never held
    # Every two months per street: street A held one in November–December.
    held(cast, grid=cast.street_a, kind="party_building", starts_at=at(2026, 12, 5),
         title="党建工作推进会", actor=cast.admin)  # fmt: skip
    slots = queries.regular(cast.county, dt.date(2027, 3, 10))
    by_key = {(s.grid_code, s.kind, s.start): s.state for s in slots}
    a, b = cast.community_a.code, cast.community_b.code
    assert [by_key[(a, "workers", dt.date(2027, m, 1))] for m in (1, 2, 3)] == [
        "missed", "held", "planned",
    ]  # fmt: skip
    assert [by_key[(b, "workers", dt.date(2027, m, 1))] for m in (1, 2, 3)] == [
        "missed", "missed", "due",
    ]  # fmt: skip
    sa, sb = cast.street_a.code, cast.street_b.code
    months = (dt.date(2026, 11, 1), dt.date(2027, 1, 1), dt.date(2027, 3, 1))
    assert [by_key[(sa, "party_building", d)] for d in months] == ["held", "missed", "due"]
    assert [by_key[(sb, "party_building", d)] for d in months] == ["missed", "missed", "due"]
    assert len(slots) == 12
    # A community looks at its own workers' meetings only (the streets' lie above it).
    assert {s.grid_code for s in queries.regular(cast.community_a, dt.date(2027, 3, 10))} == {a}


def test_it_follows_the_cadence_table(cast: Any) -> None:
    Cadence.objects.filter(kind="workers").update(every_months=3)
    Cadence.objects.filter(kind="party_building").update(active=False)
    slots = queries.regular(cast.community_a, dt.date(2027, 3, 10))
    assert [(s.start.isoformat(), s.end.isoformat(), s.state) for s in slots] == [
        ("2026-07-01", "2026-09-30", "missed"),
        ("2026-10-01", "2026-12-31", "missed"),
        ("2027-01-01", "2027-03-31", "due"),
    ]


def test_it_tells_each_owner_of_overdue_tasks_once_a_day(cast: Any) -> None:
    meeting = held(cast, starts_at=at(2027, 2, 20))
    decision = meeting.decisions.get()
    for day, owner in ((3, cast.worker_a1), (5, cast.worker_a1), (9, cast.head_a)):
        services.add_task(
            actor=cast.head_a, meeting=meeting, decision=decision, owner=owner,
            deadline=dt.date(2027, 3, day), text="走访",
        )  # fmt: skip
    services.add_task(
        actor=cast.head_a, meeting=meeting, decision=decision, owner=cast.head_a,
        deadline=dt.date(2027, 3, 10), text="今天到期，不算逾期",
    )  # fmt: skip
    assert sweep.sweep() == 2
    notices = Notice.objects.filter(kind="meeting_task.overdue", channel="inapp")
    assert notices.count() == 2
    sweep.sweep()  # the same day again (a second scheduler, a retry): no new notice
    assert notices.count() == 2
    assert sorted((n.recipient.username, n.subject[:1]) for n in notices) == [
        ("head_a", "1"), ("worker_a1", "2"),
    ]  # fmt: skip
    assert {n.link for n in notices} == {"/meetings/tasks/?state=overdue&mine=1"}
