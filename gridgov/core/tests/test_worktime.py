"""gridgov.core.lib.worktime: the four kinds of time limit on the real arrangements.

The calendar is built from the committed data file, not the database: these tests hold
whatever other tests do to the tables. 2026 facts (from the file): 春节 holidays Feb 15–23,
make-up working days Sat Feb 14 and Sat Feb 28; 国庆节 Oct 1–7, make-up Sun Sep 20 and
Sat Oct 10.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from gridgov.core.calendar_files import BUNDLED
from gridgov.core.lib.worktime import (
    EMERGENCY_HOURS,
    NATURAL_DAYS,
    WORKING_DAYS,
    WORKING_HOURS,
    WorkCalendar,
    parse_work_hours,
)

SH = ZoneInfo("Asia/Shanghai")


def bundled_calendar(**kwargs: object) -> WorkCalendar:
    data = json.loads(BUNDLED.read_text(encoding="utf-8"))
    days = [(dt.date.fromisoformat(d["date"]), d["kind"]) for d in data["days"]]
    return WorkCalendar(
        holidays=[d for d, k in days if k == "holiday"],
        workdays=[d for d, k in days if k == "workday"],
        years=data["years"],
        **kwargs,  # type: ignore[arg-type]
    )


CAL = bundled_calendar()


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)  # type: ignore[misc]


def test_it_knows_the_2026_spring_festival_from_the_data() -> None:
    assert not CAL.is_working_day(dt.date(2026, 2, 16))  # Monday, 春节
    assert not CAL.is_working_day(dt.date(2026, 2, 23))  # Monday, last day off
    assert CAL.is_working_day(dt.date(2026, 2, 14))  # Saturday, make-up day
    assert CAL.is_working_day(dt.date(2026, 2, 28))  # Saturday, make-up day
    assert not CAL.is_working_day(dt.date(2026, 2, 21))  # Saturday inside the holiday
    assert CAL.is_working_day(dt.date(2026, 2, 24))  # Tuesday, back to work


def test_it_counts_working_hours_across_the_spring_festival() -> None:
    # Friday Feb 13, 16:00: 2 h that day, then the make-up Saturday Feb 14 from 08:30.
    assert CAL.deadline(at(2026, 2, 13, 16), 4, WORKING_HOURS) == at(2026, 2, 14, 10, 30)
    # Saturday Feb 14 after closing: the next working day is Tuesday Feb 24.
    assert CAL.deadline(at(2026, 2, 14, 18), 1, WORKING_HOURS) == at(2026, 2, 24, 9, 30)


def test_it_counts_working_days_across_the_spring_festival() -> None:
    # From Friday Feb 13: Sat 14 (make-up), Tue 24, Wed 25 → the end of Wed 25.
    assert CAL.deadline(at(2026, 2, 13, 9), 3, WORKING_DAYS) == at(2026, 2, 25, 18)
    # From Wednesday Feb 25: Thu 26, Fri 27, Sat 28 (make-up), Mon Mar 2.
    assert CAL.deadline(at(2026, 2, 25, 9), 4, WORKING_DAYS) == at(2026, 3, 2, 18)


def test_it_counts_across_national_day_2026() -> None:
    assert CAL.is_working_day(dt.date(2026, 9, 20))  # Sunday, make-up
    assert CAL.is_working_day(dt.date(2026, 10, 10))  # Saturday, make-up
    # Wednesday Sep 30, 17:00 + 2 h: 1 h that day, Oct 1–7 off, Thu Oct 8 09:30.
    assert CAL.deadline(at(2026, 9, 30, 17), 2, WORKING_HOURS) == at(2026, 10, 8, 9, 30)
    # 3 working days from Sep 30: Oct 8, 9, 10 (Saturday, make-up).
    assert CAL.deadline(at(2026, 9, 30, 17), 3, WORKING_DAYS) == at(2026, 10, 10, 18)


def test_it_lands_a_friday_afternoon_plus_4_working_hours_on_monday() -> None:
    # Friday Mar 6 2026, 16:00: 2 h on Friday, 2 h from Monday 08:30.
    assert CAL.deadline(at(2026, 3, 6, 16), 4, WORKING_HOURS) == at(2026, 3, 9, 10, 30)


def test_it_starts_a_weekend_report_on_monday_morning() -> None:
    assert CAL.deadline(at(2026, 3, 7, 11), 1, WORKING_HOURS) == at(2026, 3, 9, 9, 30)
    assert CAL.deadline(at(2026, 3, 8, 23), 1, WORKING_DAYS) == at(2026, 3, 9, 18)


def test_it_ends_exactly_at_closing_time_not_the_next_morning() -> None:
    # 16:00 + 2 h is 18:00 the same day (the end of the working hours).
    assert CAL.deadline(at(2026, 3, 4, 16), 2, WORKING_HOURS) == at(2026, 3, 4, 18)
    # 10:00 + 2 h is 12:00, the end of the morning period, not 14:30.
    assert CAL.deadline(at(2026, 3, 4, 10), 2, WORKING_HOURS) == at(2026, 3, 4, 12)
    # Started at 18:00 sharp: nothing left that day.
    assert CAL.deadline(at(2026, 3, 4, 18), 1, WORKING_HOURS) == at(2026, 3, 5, 9, 30)
    # The lunch break does not count.
    assert CAL.deadline(at(2026, 3, 4, 11), 2, WORKING_HOURS) == at(2026, 3, 4, 15, 30)


def test_it_counts_emergency_hours_on_the_wall_clock() -> None:
    # Lunar New Year's Eve 2026 (Feb 16), 22:00 + 4 h, holidays and night included.
    assert CAL.deadline(at(2026, 2, 16, 22), 4, EMERGENCY_HOURS) == at(2026, 2, 17, 2)
    assert CAL.deadline(at(2026, 2, 16, 22), 0.5, EMERGENCY_HOURS) == at(2026, 2, 16, 22, 30)


def test_it_ends_natural_days_at_midnight_of_the_nth_day() -> None:
    assert CAL.deadline(at(2026, 2, 13, 10), 3, NATURAL_DAYS) == at(2026, 2, 17)
    assert CAL.deadline(at(2026, 12, 30, 23, 59), 2, NATURAL_DAYS) == at(2027, 1, 2)


def test_it_answers_in_the_calendar_time_zone() -> None:
    start = dt.datetime(2026, 3, 6, 8, tzinfo=dt.UTC)  # 16:00 in Shanghai
    due = CAL.deadline(start, 4, WORKING_HOURS)
    assert due == at(2026, 3, 9, 10, 30)
    assert due.utcoffset() == dt.timedelta(hours=8)


def test_it_refuses_naive_datetimes_negative_amounts_and_fractional_days() -> None:
    with pytest.raises(ValueError, match="aware"):
        CAL.deadline(dt.datetime(2026, 3, 6, 16), 4, WORKING_HOURS)
    with pytest.raises(ValueError, match="negative"):
        CAL.deadline(at(2026, 3, 6, 16), -1, WORKING_HOURS)
    with pytest.raises(ValueError, match="whole"):
        CAL.deadline(at(2026, 3, 6, 16), 1.5, WORKING_DAYS)
    with pytest.raises(ValueError, match="unknown"):
        CAL.deadline(at(2026, 3, 6, 16), 1, "fortnights")


def test_it_takes_amount_zero_as_the_start() -> None:
    for kind in (EMERGENCY_HOURS, WORKING_HOURS, WORKING_DAYS, NATURAL_DAYS):
        assert CAL.deadline(at(2026, 3, 7, 3), 0, kind) == at(2026, 3, 7, 3)


def test_it_skips_only_weekends_in_a_year_without_arrangement() -> None:
    assert CAL.uncovered_years(at(2026, 12, 30), at(2027, 1, 4)) == [2027]
    assert CAL.uncovered_years(dt.date(2025, 1, 1), dt.date(2026, 12, 31)) == []
    # Friday Jan 1 2027 will surely be 元旦, but nobody has entered it: it counts.
    assert CAL.is_working_day(dt.date(2027, 1, 1))
    assert CAL.deadline(at(2026, 12, 31, 17), 2, WORKING_HOURS) == at(2027, 1, 1, 9, 30)
    # Before the data starts, too (2003).
    assert CAL.deadline(at(2003, 3, 7, 16), 4, WORKING_HOURS) == at(2003, 3, 10, 10, 30)


def test_it_measures_working_seconds_between_two_moments() -> None:
    # Friday 16:00 → Monday 10:30: 2 h + 2 h.
    assert CAL.work_seconds_between(at(2026, 3, 6, 16), at(2026, 3, 9, 10, 30)) == 4 * 3600
    # Across the whole Spring Festival break: Sat 14 (7 h) and nothing else until Tue 24.
    assert CAL.work_seconds_between(at(2026, 2, 14, 0), at(2026, 2, 24, 0)) == 7 * 3600
    # Backwards or empty spans are 0.
    assert CAL.work_seconds_between(at(2026, 3, 9), at(2026, 3, 6)) == 0
    # A whole covered year: 2026 has 248 working days (261 weekdays − 19 weekday holidays
    # + 6 make-up days), at 7 hours each.
    assert CAL.work_seconds_between(at(2026, 1, 1), at(2027, 1, 1)) == 248 * 7 * 3600


def test_it_uses_the_configured_working_hours() -> None:
    cal = bundled_calendar(work_hours="09:00-17:00")
    assert cal.deadline(at(2026, 3, 6, 16), 4, WORKING_HOURS) == at(2026, 3, 9, 12)
    assert cal.deadline(at(2026, 3, 6, 16), 1, WORKING_DAYS) == at(2026, 3, 9, 17)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("8:30-12:00", None),
        ("08:30-12:00,14:30-18:00", None),
        ("00:00-24:00", None),
        ("08:30-12:00;14:30-18:00", "HH:MM"),
        ("12:00-08:30", "ends before"),
        ("08:30-12:00,11:00-18:00", "overlaps"),
        ("08:60-12:00", "time of day"),
        ("", "HH:MM"),
    ],
)
def test_it_validates_working_hours(text: str, error: str | None) -> None:
    if error is None:
        assert parse_work_hours(text)
    else:
        with pytest.raises(ValueError, match=error):
            parse_work_hours(text)
