"""The clock: yellow before the limit, red after it; urged or escalated per category; the
people holding the case told once; a minute swept once however many run it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from gridgov.cases import services, sweep
from gridgov.cases.choices import Action, Stage
from gridgov.cases.models import Case, CaseEvent
from gridgov.core.lib import worktime
from gridgov.notices.models import Notice

pytestmark = pytest.mark.django_db
# A Wednesday morning in working hours, away from holidays.
START = dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def notices(kind: str) -> list[str]:
    return sorted(
        Notice.objects.filter(kind=kind, channel="inapp").values_list(
            "recipient__username", flat=True
        )
    )


def test_it_warns_then_urges_a_late_case_and_tells_the_people_holding_it(
    cast: Any, dept: Any
) -> None:
    with time_machine.travel(START, tick=False):
        c = services.report(
            actor=cast.worker_a1, category=dept.litter, grid=cast.a1, description="垃圾"
        )
    # Litter: to be filed within 1 working hour.
    assert c.deadline == worktime.deadline(START, 1, "working_hours")
    with time_machine.travel(c.warn_at + dt.timedelta(seconds=1), tick=False):
        run = sweep.sweep()
        assert (run.warned, run.overdue) == (1, 0)
        assert sweep.sweep() is None  # the same minute again: nothing
    assert notices("case.due_soon") == ["head_a"]  # community A's head holds the filing
    with time_machine.travel(c.deadline + dt.timedelta(minutes=1), tick=False):
        run = sweep.sweep()
    assert (run.warned, run.overdue, run.escalated) == (0, 1, 0)
    c.refresh_from_db()
    assert (c.stage, c.holder_code, c.clock_state) == (Stage.REPORTED, cast.a1.code, 2)
    assert CaseEvent.objects.filter(case=c, action="urge").count() == 1
    assert notices("case.overdue") == ["head_a"]
    with time_machine.travel(c.deadline + dt.timedelta(minutes=5), tick=False):
        assert sweep.sweep().overdue == 0  # dealt with once


def test_it_escalates_an_overdue_emergency_and_restarts_its_clock(cast: Any, dept: Any) -> None:
    with time_machine.travel(START, tick=False):
        c = services.report(
            actor=cast.worker_a1, category=dept.fire, grid=cast.a1, description="起火"
        )
        c = services.act(case=c, actor=cast.head_a, action=Action.FILE)
        c = services.act(case=c, actor=cast.head_a, action=Action.DISPATCH, unit=dept.unit)
    assert c.deadline == START + dt.timedelta(hours=4)  # emergency hours: the wall clock
    late = c.deadline + dt.timedelta(minutes=1)
    with time_machine.travel(late, tick=False):
        run = sweep.sweep()
    assert (run.overdue, run.escalated) == (1, 1)
    c.refresh_from_db()
    assert (c.stage, c.holder_code, c.unit, c.clock_state) == (
        Stage.FILED,
        cast.community_a.code,
        None,
        0,
    )
    assert c.deadline == late.replace(second=0) + dt.timedelta(hours=1) or c.deadline > late
    assert notices("case.overdue") == ["handler", "head_a"]


def test_it_leaves_suspended_and_closed_cases_alone(cast: Any, dept: Any) -> None:
    with time_machine.travel(START, tick=False):
        a = services.report(
            actor=cast.worker_a1, category=dept.litter, grid=cast.a1, description="a"
        )
        a = services.act(case=a, actor=cast.head_a, action=Action.FILE)
        services.act(case=a, actor=cast.head_a, action=Action.SUSPEND, note="待定")
        b = services.report(
            actor=cast.worker_a1, category=dept.litter, grid=cast.a1, description="b"
        )
        services.act(case=b, actor=cast.head_a, action=Action.REJECT, note="不予立案")
    with time_machine.travel(START + dt.timedelta(days=30), tick=False):
        run = sweep.sweep()
    assert (run.warned, run.overdue) == (0, 0)
    assert Case.objects.filter(clock_state=0).count() == 2
