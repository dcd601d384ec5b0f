"""The sweep over a batch that mixes its outcomes: overdue emergencies escalated (reported,
or past filing with a lead and a co-handling unit), one at the top urged, a handled one
urged, an ordinary case urged; in batches smaller than the work, with equal deadlines
across their edges. Each case gets one timeline entry, exactly as one by one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.db import transaction

from gridgov.cases import clock, services, sweep
from gridgov.cases.choices import Action, Stage
from gridgov.cases.models import Case, CaseEvent
from gridgov.notices.models import Notice

pytestmark = pytest.mark.django_db
# A Wednesday morning in working hours, away from holidays; swept on the Friday morning,
# when every clock below has run out.
START = dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
LATE = START + dt.timedelta(days=2, seconds=30)
URGED = "已超期：平台督办。"  # Overdue: urged by the platform.
RAISED = "已超期：平台自动上报上一级。"  # …escalated by the platform to the level above.


@pytest.fixture(scope="module")
def batch(cast: Any, dept: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    from gridgov.accounts.models import Assignment, User
    from gridgov.accounts.roles import Role
    from gridgov.conftest import EPOCH
    from gridgov.registry.models import Organisation

    with django_db_blocker.unblock(), transaction.atomic():
        water = Organisation.objects.create(
            grid=cast.county, grid_code=cast.county.code, name="水务局", kind="unit"
        )
        plumber = User.objects.create_user("plumber", password="pw")
        Assignment.objects.create(
            user=plumber, grid=cast.county, role=Role.DEPARTMENT_HANDLER, unit=water,
            starts_on=EPOCH,
        )  # fmt: skip

        def report(category: Any, text: str) -> Case:
            return services.report(
                actor=cast.worker_a1, category=category, grid=cast.a1, description=text
            )

        with time_machine.travel(START, tick=False):
            dispatched = report(dept.fire, "起火")
            services.act(case=dispatched, actor=cast.head_a, action=Action.FILE)
            services.act(
                case=dispatched, actor=cast.head_a, action=Action.DISPATCH, unit=dept.unit,
                co_units=[water],
            )  # fmt: skip
            reported = report(dept.fire, "冒烟")
            handled = report(dept.fire, "火情")
            services.act(case=handled, actor=cast.head_a, action=Action.FILE)
            services.act(case=handled, actor=cast.head_a, action=Action.DISPATCH, unit=dept.unit)
            services.act(case=handled, actor=dept.handler, action=Action.HANDLE, note="已扑灭")
            top = report(dept.fire, "山火")
            litter = report(dept.litter, "垃圾")
        # Held by the county already (escalated by hand before): no level above it.
        Case.objects.filter(pk=top.pk).update(holder_code=cast.county.code)
        cases = {
            name: Case.objects.get(pk=c.pk)
            for name, c in (
                ("dispatched", dispatched), ("reported", reported), ("handled", handled),
                ("top", top), ("litter", litter),
            )
        }  # fmt: skip
        due = {name: c.deadline for name, c in cases.items()}
        saved = sweep.BATCH
        sweep.BATCH = 2  # three batches for five cases; equal deadlines meet at their edges
        try:
            run = sweep.sweep(LATE)
        finally:
            sweep.BATCH = saved
        after = {name: Case.objects.get(pk=c.pk) for name, c in cases.items()}
        yield SimpleNamespace(
            run=run, before=cases, due=due, after=after, water=water, plumber=plumber
        )
        transaction.set_rollback(True)


def last_event(case: Case) -> tuple[Any, ...]:
    e = CaseEvent.objects.filter(case=case).latest("at", "id")
    return (e.action, e.actor_id, e.at, e.from_stage, e.to_stage, e.holder_code, e.note, e.due)


def test_it_counts_each_case_once(batch: Any) -> None:
    assert (batch.run.warned, batch.run.overdue, batch.run.escalated) == (0, 5, 2)
    assert set(Case.objects.values_list("clock_state", flat=True)) == {0, 2}
    for case in batch.before.values():
        assert CaseEvent.objects.filter(case=case, at=LATE).count() == 1


def test_it_escalates_a_case_past_filing_to_filed_at_the_level_above(
    cast: Any, dept: Any, batch: Any
) -> None:
    c = batch.after["dispatched"]
    assert (c.stage, c.holder_code, c.unit_id, c.assignee_code, c.escalations) == (
        Stage.FILED, cast.community_a.code, None, "", 1,
    )  # fmt: skip
    assert list(c.co_units.all()) == []  # the co-handling units go with the lead unit
    assert (c.deadline, c.warn_at) == clock.stage_deadline(dept.fire, "dispatch", LATE)
    assert c.clock_state == 0
    assert last_event(c) == (
        "escalate", None, LATE, Stage.DISPATCHED, Stage.FILED, cast.community_a.code, RAISED,
        batch.due["dispatched"],
    )  # fmt: skip


def test_it_escalates_a_reported_case_with_a_fresh_filing_clock(
    cast: Any, dept: Any, batch: Any
) -> None:
    c = batch.after["reported"]
    assert (c.stage, c.holder_code, c.escalations, c.clock_state) == (
        Stage.REPORTED, cast.community_a.code, 1, 0,
    )  # fmt: skip
    assert (c.deadline, c.warn_at) == clock.stage_deadline(dept.fire, "file", LATE)
    assert last_event(c) == (
        "escalate", None, LATE, Stage.REPORTED, Stage.REPORTED, cast.community_a.code, RAISED,
        batch.due["reported"],
    )  # fmt: skip


def test_it_urges_a_handled_emergency_one_at_the_top_and_an_ordinary_case(
    cast: Any, dept: Any, batch: Any
) -> None:
    for name, stage, holder in (
        ("handled", Stage.HANDLED, cast.a1.code),
        ("top", Stage.REPORTED, cast.county.code),
        ("litter", Stage.REPORTED, cast.a1.code),
    ):
        c = batch.after[name]
        assert (c.stage, c.holder_code, c.escalations, c.clock_state) == (stage, holder, 0, 2)
        assert c.deadline == batch.due[name]  # the clock is not restarted
        assert last_event(c) == (
            "urge", None, LATE, stage, stage, holder, URGED, batch.due[name]
        )  # fmt: skip
    assert list(batch.after["handled"].co_units.all()) == []
    assert batch.after["handled"].unit_id == dept.unit.pk


def test_it_tells_the_new_holders_and_those_it_was_taken_from_once_each(
    cast: Any, batch: Any
) -> None:
    got = {
        n.recipient.username: n.body
        for n in Notice.objects.filter(kind="case.overdue", channel="inapp")
    }
    numbers = {name: c.number for name, c in batch.before.items()}
    # The community head holds all but the county's; the city-management handlers had the
    # dispatched and the handled cases, the water handler the dispatched one as co-handler.
    assert set(got) == {"head_a", "handler", "plumber", "dispatcher"}
    assert set(got["head_a"].split("、")) == {
        numbers[n] for n in ("dispatched", "reported", "handled", "litter")
    }
    assert set(got["handler"].split("、")) == {numbers["dispatched"], numbers["handled"]}
    assert got["plumber"] == numbers["dispatched"]
    assert got["dispatcher"] == numbers["top"]
