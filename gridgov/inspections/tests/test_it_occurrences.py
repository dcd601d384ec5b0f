"""When schedules fall due, across months and China's holidays (the work calendar's 2026):
daily on working days, weekly on Friday (plan 5's hygiene day), month-end, a monthly
inspection of every grid, a weekly spot check; due, overdue and done as time passes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import transaction

from gridgov.core.lib import worktime
from gridgov.inspections import occurrences, queries, services

from .conftest import at, outcomes

pytestmark = pytest.mark.django_db
D = dt.date


def due_days(schedule: Any, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    return [
        (o.period_start, o.due_on)
        for o in occurrences.for_schedule(schedule, ["x"], start, end, worktime.is_working_day)
    ]


def test_it_skips_holidays_and_keeps_make_up_days_daily(plans: Any) -> None:
    # Spring festival 2026: 15–23 February off; Saturday 14 and Saturday 28 are worked.
    days = [d for _p, d in due_days(plans.daily, D(2026, 2, 12), D(2026, 3, 1))]
    assert days == [D(2026, 2, 12), D(2026, 2, 13), D(2026, 2, 14), D(2026, 2, 24),
                    D(2026, 2, 25), D(2026, 2, 26), D(2026, 2, 27), D(2026, 2, 28)]  # fmt: skip


def test_it_moves_a_friday_hygiene_day_on_a_holiday_back_to_the_working_day_before(
    plans: Any,
) -> None:
    # 2 October 2026 (National Day) is a Friday: that week's hygiene day is Wednesday 30
    # September; the other weeks keep their Friday.
    assert due_days(plans.friday, D(2026, 9, 21), D(2026, 10, 18)) == [
        (D(2026, 9, 21), D(2026, 9, 24)),  # Friday 25 is the Mid-Autumn holiday
        (D(2026, 9, 28), D(2026, 9, 30)),
        (D(2026, 10, 5), D(2026, 10, 9)),
        (D(2026, 10, 12), D(2026, 10, 16)),
    ]


def test_it_falls_due_at_each_months_end(plans: Any) -> None:
    # Calendar month-end, then back to a working day: Saturday 31 October 2026 → Friday 30;
    # Saturday 28 February 2026 is a make-up working day and stays.
    assert due_days(plans.monthly, D(2026, 1, 1), D(2026, 4, 30)) == [
        (D(2026, 1, 1), D(2026, 1, 31)), (D(2026, 2, 1), D(2026, 2, 28)),
        (D(2026, 3, 1), D(2026, 3, 31)), (D(2026, 4, 1), D(2026, 4, 30)),
    ]  # fmt: skip
    assert due_days(plans.month_end, D(2026, 10, 1), D(2026, 11, 30)) == [
        (D(2026, 10, 1), D(2026, 10, 30)), (D(2026, 11, 1), D(2026, 11, 30)),
    ]  # fmt: skip
    assert due_days(plans.month_end, D(2026, 1, 1), D(2026, 1, 31)) == [
        (D(2026, 1, 1), D(2026, 1, 30))  # Saturday 31 January is off
    ]


def test_it_asks_every_grid_monthly_and_one_spot_check_weekly(cast: Any, plans: Any) -> None:
    assert services.targets(plans.monthly) == [cast.a1.code, cast.a2.code]
    assert services.targets(plans.monthly, cast.a2.code) == [cast.a2.code]
    assert services.targets(plans.spot) == [cast.community_a.code]
    assert services.targets(plans.monthly, cast.b1.code) == []


def test_it_is_due_then_overdue_then_done(cast: Any, plans: Any) -> None:
    def state(day: dt.date) -> list[tuple[str, str]]:
        rows = queries.occurrences_under(cast.a1.code, D(2026, 11, 1), D(2026, 11, 30), day)
        return [(d.schedule.template.code, d.status) for d in rows
                if d.schedule == plans.monthly]  # fmt: skip

    assert state(D(2026, 10, 20)) == [("safety-monthly-grid", "upcoming")]
    assert state(D(2026, 11, 20)) == [("safety-monthly-grid", "due")]
    assert state(D(2026, 12, 1)) == [("safety-monthly-grid", "overdue")]
    with time_machine.travel(at(2026, 12, 2), tick=False), transaction.atomic():
        inspection = services.record_inspection(
            actor=cast.head_a, grid=cast.a1, schedule=plans.monthly,
            outcomes=outcomes(plans.monthly.template), inspected_at=at(2026, 11, 28),
        )  # fmt: skip
        assert (inspection.period_start, inspection.due_on, inspection.on_time) == (
            D(2026, 11, 1), D(2026, 11, 30), True,
        )  # fmt: skip
        assert state(D(2026, 12, 2)) == [("safety-monthly-grid", "done")]
        transaction.set_rollback(True)
