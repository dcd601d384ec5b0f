"""Deadlines in the four kinds of time of GB/T 30428 (DESIGN idea 5, ADR 0016).

- emergency hours (緊急工時): wall-clock hours, holidays and nights included;
- working hours (工作時): only inside the working periods of working days;
- working days (工作日): the end of the working hours of the Nth working day after the
  start day (the start day itself never counts);
- natural days (自然日): the end (24:00) of the Nth day after the start day.

A working day is Monday–Friday unless the arrangement makes it a holiday, or a Saturday or
Sunday the arrangement makes a make-up working day (調休上班). `WorkCalendar` is immutable
and pure: the Django side (gridgov.core.workcalendar) builds one from the calendar table
and hands it to the module-level functions through `use_calendar`.

Performance: every call is O(log n) on sorted arrays (bisect), never a walk over days. The
working days of the covered range are one sorted list of ordinals, so "the k-th working day"
is an index and "working days before d" a bisect; outside it only weekends apply and both
are closed formulas.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

EMERGENCY_HOURS = "emergency_hours"
WORKING_HOURS = "working_hours"
WORKING_DAYS = "working_days"
NATURAL_DAYS = "natural_days"
KINDS = (EMERGENCY_HOURS, WORKING_HOURS, WORKING_DAYS, NATURAL_DAYS)
# The kinds whose deadlines depend on the holiday arrangement.
CALENDAR_KINDS = (WORKING_HOURS, WORKING_DAYS)

DEFAULT_WORK_HOURS = "08:30-12:00,14:30-18:00"
US = 1_000_000  # microseconds in a second: all arithmetic is in integers, no float drift
DAY_US = 86_400 * US
_PERIOD = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


def parse_work_hours(text: str) -> tuple[tuple[int, int], ...]:
    """ "08:30-12:00,14:30-18:00" → ((30600, 43200), (52200, 64800)) in seconds of the day.

    Periods must be in order, not overlap, and lie within one day (24:00 allowed as an end).
    Raises ValueError with a message naming the bad part.
    """
    periods: list[tuple[int, int]] = []
    for part in (p.strip() for p in text.split(",")):
        m = _PERIOD.match(part)
        if not m:
            raise ValueError(f"{part!r} is not HH:MM-HH:MM")
        h1, m1, h2, m2 = map(int, m.groups())
        if m1 > 59 or m2 > 59 or h1 > 23 or h2 > 24 or (h2 == 24 and m2):
            raise ValueError(f"{part!r} is not a time of day")
        start, end = h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60
        if start >= end:
            raise ValueError(f"{part!r} ends before it starts")
        if periods and start < periods[-1][1]:
            raise ValueError(f"{part!r} overlaps or precedes the period before it")
        periods.append((start, end))
    return tuple(periods)


def _weekdays_before(o: int) -> int:
    """Mondays–Fridays with ordinal in [1, o); ordinal 1 (0001-01-01) is a Monday."""
    weeks, rest = divmod(o - 1, 7)
    return 5 * weeks + min(rest, 5)


def _nth_weekday(m: int) -> int:
    """The ordinal of the weekday with m weekdays before it (m >= 0)."""
    weeks, rest = divmod(m, 5)
    return 1 + 7 * weeks + rest


class WorkCalendar:
    """Working days and hours, from an arrangement of holidays and make-up working days.

    `holidays`: days off of a holiday period (those on a weekend change nothing);
    `workdays`: Saturdays and Sundays worked instead (a weekday there changes nothing);
    `years`: the years whose arrangement is known (an empty year is still "covered").
    """

    def __init__(
        self,
        *,
        holidays: Iterable[dt.date] = (),
        workdays: Iterable[dt.date] = (),
        years: Iterable[int] = (),
        work_hours: str | tuple[tuple[int, int], ...] = DEFAULT_WORK_HOURS,
        tz: str | dt.tzinfo = "Asia/Shanghai",
    ) -> None:
        periods = parse_work_hours(work_hours) if isinstance(work_hours, str) else work_hours
        self.periods_us = tuple((a * US, b * US) for a, b in periods)
        self.day_us = sum(b - a for a, b in self.periods_us)
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        self.years = frozenset(years)
        off = {d.toordinal() for d in holidays if d.weekday() < 5}
        on = {d.toordinal() for d in workdays if d.weekday() >= 5}
        special = off | on
        # The covered range: from the first to the last special day's year (whole years).
        if special:
            self.base = dt.date(dt.date.fromordinal(min(special)).year, 1, 1).toordinal()
            self.end = dt.date(dt.date.fromordinal(max(special)).year + 1, 1, 1).toordinal()
        else:
            self.base = self.end = dt.date(2000, 1, 1).toordinal()
        # Built once per calendar (~8,400 days for 23 years, a few ms).
        self.working = [
            o
            for o in range(self.base, self.end)
            if ((o in on) if (o - 1) % 7 >= 5 else (o not in off))
        ]
        self.working_set = frozenset(self.working)
        self._wd_base = _weekdays_before(self.base)
        self._wd_end = _weekdays_before(self.end)

    # -- days ---------------------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        o = day.toordinal()
        if self.base <= o < self.end:
            return o in self.working_set
        return (o - 1) % 7 < 5

    def _working_before(self, o: int) -> int:
        """Working days in [base, o); negative for o before the covered range."""
        if o < self.base:
            return _weekdays_before(o) - self._wd_base
        if o >= self.end:
            return len(self.working) + _weekdays_before(o) - self._wd_end
        return bisect_left(self.working, o)

    def _kth_working(self, k: int) -> int:
        """The ordinal of the working day with k working days (counted from base) before it."""
        n = len(self.working)
        if 0 <= k < n:
            return self.working[k]
        if k >= n:
            return _nth_weekday(self._wd_end + k - n)
        return _nth_weekday(self._wd_base + k)

    def uncovered_years(
        self, start: dt.date | dt.datetime, end: dt.date | dt.datetime
    ) -> list[int]:
        """Years from start's to end's (inclusive) without a known arrangement."""
        first, last = sorted((start.year, end.year))
        return [y for y in range(first, last + 1) if y not in self.years]

    # -- working time -------------------------------------------------------------------

    def _local(self, at: dt.datetime) -> dt.datetime:
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("work time needs an aware datetime")
        return at.astimezone(self.tz)

    def _us_in_day(self, t: int) -> int:
        """Working microseconds of a working day before time-of-day t (microseconds)."""
        done = 0
        for a, b in self.periods_us:
            if t <= a:
                break
            done += min(t, b) - a
        return done

    def _cum(self, local: dt.datetime) -> int:
        """Working microseconds from the start of the covered range to `local`."""
        o = local.toordinal()
        t = (local.hour * 3600 + local.minute * 60 + local.second) * US + local.microsecond
        done = self._working_before(o) * self.day_us
        if self.is_working_day(local):
            done += self._us_in_day(t)
        return done

    def _at_cum(self, target: int) -> dt.datetime:
        """The earliest moment whose _cum is `target`: within a working period, or exactly
        at the end of one (a limit that uses up a day ends at closing time, not the next
        morning)."""
        k, offset = divmod(target, self.day_us)
        if offset == 0:  # the end of the working hours of the (k-1)-th working day
            k, offset = k - 1, self.day_us
        o = self._kth_working(k)
        t = 0
        for a, b in self.periods_us:
            if offset <= b - a:
                t = a + offset
                break
            offset -= b - a
        day = dt.date.fromordinal(o)
        naive = dt.datetime(day.year, day.month, day.day) + dt.timedelta(microseconds=t)
        return naive.replace(tzinfo=self.tz)

    def work_seconds_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Whole working seconds in [start, end); 0 when end is not after start."""
        if end <= start:
            return 0
        return (self._cum(self._local(end)) - self._cum(self._local(start))) // US

    def deadline(self, start: dt.datetime, amount: float, kind: str) -> dt.datetime:
        """The moment a limit of `amount` units of `kind` started at `start` runs out.

        Hours may be fractional; days must be whole. Amount 0 is `start` itself. The result
        is in the calendar's time zone.
        """
        if kind not in KINDS:
            raise ValueError(f"unknown kind of time limit {kind!r}")
        if amount < 0:
            raise ValueError("a time limit cannot be negative")
        local = self._local(start)
        if kind == EMERGENCY_HOURS:
            return local + dt.timedelta(hours=amount)
        if kind == WORKING_HOURS:
            if not amount:
                return local
            if not self.day_us:
                raise ValueError("no working hours configured")
            return self._at_cum(self._cum(local) + round(amount * 3600 * US))
        days = int(amount)
        if days != amount:
            raise ValueError(f"{kind} must be a whole number, not {amount!r}")
        if not days:
            return local
        if kind == WORKING_DAYS:
            # Working days up to the end of the start day, plus N: the end of that day's
            # working hours (_at_cum of a whole number of days lands on closing time).
            before = self._working_before(local.toordinal() + 1)
            return self._at_cum((before + days) * self.day_us)
        day = local.date() + dt.timedelta(days=days + 1)  # natural days: 24:00 of day N
        return dt.datetime(day.year, day.month, day.day, tzinfo=self.tz)


# -- the process's calendar --------------------------------------------------------------
# Pure code cannot read the database: the Django side registers a function returning the
# current calendar (gridgov.core.apps). Until then, weekends only, default hours.

_fallback = WorkCalendar()
_provider: Callable[[], WorkCalendar] = lambda: _fallback  # noqa: E731


def use_calendar(provider: Callable[[], WorkCalendar]) -> None:
    global _provider
    _provider = provider


def calendar() -> WorkCalendar:
    return _provider()


def deadline(start: dt.datetime, amount: float, kind: str) -> dt.datetime:
    return _provider().deadline(start, amount, kind)


def work_seconds_between(start: dt.datetime, end: dt.datetime) -> int:
    return _provider().work_seconds_between(start, end)


def is_working_day(day: dt.date) -> bool:
    return _provider().is_working_day(day)


def uncovered_years(start: dt.date | dt.datetime, end: dt.date | dt.datetime) -> list[int]:
    return _provider().uncovered_years(start, end)


def deadline_and_uncovered(
    start: dt.datetime, amount: float, kind: str
) -> tuple[dt.datetime, list[int]]:
    """(deadline, years without an arrangement that the limit runs through); the list is
    empty when the deadline can be trusted. Only working hours and days depend on it."""
    cal = _provider()
    due = cal.deadline(start, amount, kind)
    missing = cal.uncovered_years(cal._local(start), due) if kind in CALENDAR_KINDS else []
    return due, missing
