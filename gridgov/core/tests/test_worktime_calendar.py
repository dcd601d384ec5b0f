"""gridgov.core.workcalendar: the calendar from the tables, shared correctly by processes."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone, translation

from gridgov.core import calendar_files, workcalendar
from gridgov.core.choices import LimitKind
from gridgov.core.lib import worktime
from gridgov.core.models import CalendarDay, CalendarYear

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def calendar(db: None) -> Iterator[None]:
    # A transactional test elsewhere may have flushed the seeded rows: put them back.
    calendar_files.load_bundled()
    workcalendar.drop()
    yield
    workcalendar.drop()


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)  # type: ignore[misc]


def test_it_holds_the_bundled_arrangements_as_the_migration_seeded_them(calendar: None) -> None:
    result = calendar_files.load_bundled()
    assert (result.created, result.updated, result.deleted, result.unchanged) == (0, 0, 0, 771)
    assert CalendarYear.objects.count() == 23
    assert CalendarDay.objects.get(date=dt.date(2026, 2, 14)).kind == "workday"
    assert CalendarDay.objects.get(date=dt.date(2026, 2, 17)).name == "春节"


def test_it_answers_the_module_functions_from_the_database(calendar: None) -> None:
    assert worktime.deadline(at(2026, 2, 13, 16), 4, LimitKind.WORKING_HOURS) == at(
        2026, 2, 14, 10, 30
    )
    assert not worktime.is_working_day(dt.date(2026, 10, 5))
    assert worktime.work_seconds_between(at(2026, 9, 30, 17), at(2026, 10, 8, 9, 30)) == 7200
    assert worktime.uncovered_years(dt.date(2025, 6, 1), dt.date(2028, 1, 1)) == [2027, 2028]


def test_it_keeps_one_calendar_while_nothing_changes(calendar: None) -> None:
    first = workcalendar.current()
    assert workcalendar.current() is first
    assert worktime.calendar() is first


def test_it_rebuilds_after_an_edit_in_this_process(calendar: None) -> None:
    first = workcalendar.current()
    day = CalendarDay.objects.get(date=dt.date(2026, 2, 14))
    day.kind = "holiday"
    day.save()
    assert workcalendar.current() is not first
    assert not worktime.is_working_day(dt.date(2026, 2, 14))


def test_it_uses_GRIDGOV_WORK_HOURS(calendar: None, settings: object) -> None:
    settings.WORK_HOURS = "09:00-17:00"  # type: ignore[attr-defined]
    workcalendar.drop()
    assert worktime.deadline(at(2026, 3, 6, 16), 4, LimitKind.WORKING_HOURS) == at(2026, 3, 9, 12)


def test_it_refuses_bad_GRIDGOV_WORK_HOURS_at_start() -> None:
    env = dict(os.environ, GRIDGOV_WORK_HOURS="8-12", GRIDGOV_TESTING="1")
    run = subprocess.run(
        [sys.executable, "-c", "import gridgov.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "ImproperlyConfigured: GRIDGOV_WORK_HOURS must be periods like" in run.stderr
    assert "'8-12' is not HH:MM-HH:MM" in run.stderr


def test_it_warns_when_a_deadline_runs_into_a_year_without_arrangement(calendar: None) -> None:
    # Wednesday Dec 30 2026, "now": 3 working days run to Monday Jan 4 2027 — and Jan 1 2027
    # counts as a working day only because nobody has entered 2027 yet.
    with time_machine.travel(at(2026, 12, 30, 10), tick=False), translation.override("en"):
        now = timezone.now()
        due, warning = workcalendar.deadline_with_warning(now, 3, LimitKind.WORKING_DAYS)
        assert due == at(2027, 1, 4, 18)
        assert warning == (
            "No holiday arrangement has been entered for 2027 yet: this deadline skips "
            "weekends only."
        )
        # Wall-clock and natural-day limits do not depend on the arrangement.
        assert workcalendar.deadline_with_warning(now, 72, LimitKind.EMERGENCY_HOURS)[1] is None
        assert workcalendar.deadline_with_warning(now, 5, LimitKind.NATURAL_DAYS)[1] is None
    with time_machine.travel(at(2026, 12, 21, 10), tick=False):
        due, warning = workcalendar.deadline_with_warning(timezone.now(), 3, LimitKind.WORKING_DAYS)
        assert (due, warning) == (at(2026, 12, 24, 18), None)


@pytest.mark.django_db(transaction=True)
def test_it_sees_a_day_another_connection_added() -> None:
    # Given a calendar cached in this process (2027 unknown: Jan 1 a Friday, worked)
    calendar_files.load_bundled()
    workcalendar.drop()
    before = workcalendar.current()
    assert before.is_working_day(dt.date(2027, 1, 1))

    # When another connection (another process, as far as the database knows) enters it
    def other_process() -> None:
        try:
            year = CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕1号")
            CalendarDay.objects.create(year=year, date=dt.date(2027, 1, 1), kind="holiday")
        finally:
            connection.close()

    thread = threading.Thread(target=other_process)
    thread.start()
    thread.join()

    # Then the next call here rebuilds and knows it
    after = workcalendar.current()
    assert after is not before
    assert not after.is_working_day(dt.date(2027, 1, 1))
    assert after.uncovered_years(dt.date(2027, 1, 1), dt.date(2027, 12, 31)) == []

    # And a deletion there is seen too
    def delete() -> None:
        try:
            CalendarDay.objects.filter(date=dt.date(2027, 1, 1)).delete()
        finally:
            connection.close()

    thread = threading.Thread(target=delete)
    thread.start()
    thread.join()
    assert workcalendar.current().is_working_day(dt.date(2027, 1, 1))
    workcalendar.drop()
