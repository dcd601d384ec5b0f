"""Properties of gridgov.core.lib.worktime over 2003–2028 (before, inside and after the
data), checked against a slow day-by-day reference where one is easy to write."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.core.lib.worktime import (
    KINDS,
    NATURAL_DAYS,
    WORKING_DAYS,
    WORKING_HOURS,
)

from .test_worktime import CAL

SH = ZoneInfo("Asia/Shanghai")
starts = st.datetimes(
    min_value=dt.datetime(2003, 6, 1), max_value=dt.datetime(2028, 6, 1), timezones=st.just(SH)
)
kinds = st.sampled_from(KINDS)
minutes = st.integers(min_value=0, max_value=60 * 24 * 40)  # up to 40 days of hours
days = st.integers(min_value=0, max_value=400)


def amount_for(kind: str, n: int) -> float:
    """n minutes for the hour kinds, n // 60 whole days for the day kinds."""
    return n / 60 if kind not in (WORKING_DAYS, NATURAL_DAYS) else n // 60


@given(starts, kinds, minutes, minutes)
def test_it_is_monotone_in_the_amount(start: dt.datetime, kind: str, a: int, b: int) -> None:
    a, b = sorted((a, b))
    assert CAL.deadline(start, amount_for(kind, a), kind) <= CAL.deadline(
        start, amount_for(kind, b), kind
    )


@given(starts, starts, kinds, minutes)
def test_it_is_monotone_in_the_start(s1: dt.datetime, s2: dt.datetime, kind: str, n: int) -> None:
    s1, s2 = sorted((s1, s2))
    amount = amount_for(kind, n)
    assert CAL.deadline(s1, amount, kind) <= CAL.deadline(s2, amount, kind)


@given(starts, kinds, minutes)
def test_it_never_ends_before_it_starts(start: dt.datetime, kind: str, n: int) -> None:
    due = CAL.deadline(start, amount_for(kind, n), kind)
    assert due >= start
    if n >= 60:
        assert due > start


@given(starts, minutes)
def test_it_spends_exactly_the_working_hours_it_was_given(start: dt.datetime, n: int) -> None:
    due = CAL.deadline(start, n / 60, WORKING_HOURS)
    assert CAL.work_seconds_between(start, due) == n * 60


@given(st.dates(dt.date(2003, 6, 1), dt.date(2028, 6, 1)), st.integers(0, 7 * 3600 - 1))
def test_it_spends_exactly_the_hours_from_inside_working_time(day: dt.date, into: int) -> None:
    # A start inside the working periods (08:30–12:00, 14:30–18:00) of a working day.
    while not CAL.is_working_day(day):
        day += dt.timedelta(days=1)
    second = 8 * 3600 + 1800 + into if into < 12600 else 14 * 3600 + 1800 + into - 12600
    start = dt.datetime.combine(day, dt.time(), SH) + dt.timedelta(seconds=second)
    for hours in (1, 4, 7, 8, 35, 100):
        due = CAL.deadline(start, hours, WORKING_HOURS)
        assert CAL.work_seconds_between(start, due) == hours * 3600
        # And nothing earlier would do: one second before, a second is still missing.
        assert CAL.work_seconds_between(start, due - dt.timedelta(seconds=1)) == hours * 3600 - 1


@settings(max_examples=200)
@given(starts, days)
def test_it_agrees_with_counting_working_days_one_by_one(start: dt.datetime, n: int) -> None:
    due = CAL.deadline(start, n, WORKING_DAYS)
    day, left = start.date(), n
    while left:
        day += dt.timedelta(days=1)
        left -= CAL.is_working_day(day)
    if n:
        assert due == dt.datetime.combine(day, dt.time(18), SH)
    else:
        assert due == start


@given(starts, days)
def test_it_counts_natural_days_to_midnight(start: dt.datetime, n: int) -> None:
    due = CAL.deadline(start, n, NATURAL_DAYS)
    if n:
        assert due.time() == dt.time(0)
        assert (due.date() - start.date()).days == n + 1
