"""Rounds of visits: days and weeks, calendar months clamped to the month's last day."""

from __future__ import annotations

import datetime as dt

import pytest

from gridgov.core.lib.frequency import add, approx_days

D = dt.date


def test_it_adds_days_and_weeks() -> None:
    assert add(D(2026, 12, 28), 5, "day") == D(2027, 1, 2)
    assert add(D(2026, 12, 28), 2, "week") == D(2027, 1, 11)


def test_it_adds_calendar_months_clamping_the_day() -> None:
    assert add(D(2026, 1, 31), 1, "month") == D(2026, 2, 28)
    assert add(D(2028, 1, 31), 1, "month") == D(2028, 2, 29)
    assert add(D(2026, 11, 30), 3, "month") == D(2027, 2, 28)
    assert add(D(2026, 12, 15), 1, "month") == D(2027, 1, 15)
    assert add(D(2028, 2, 29), 1, "year") == D(2029, 2, 28)


def test_it_refuses_bad_intervals() -> None:
    with pytest.raises(ValueError):
        add(D(2026, 1, 1), 0, "day")
    with pytest.raises(ValueError):
        add(D(2026, 1, 1), 1, "fortnight")


def test_it_compares_intervals_roughly() -> None:
    assert approx_days(1, "week") < approx_days(1, "month") < approx_days(1, "year")
