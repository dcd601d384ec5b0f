"""When a schedule falls due (ADR 0025): its occurrences in a span of days, worked out from
the cadence and the work calendar, never stored. An occurrence is a period (a day, a week
from Monday, a calendar month), the day it is due in that period, and its target: a grid
under the schedule's node, or the node itself for a spot check. Any day of the period up
to the due day is on time; after it, the occurrence is overdue until done."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .choices import Cadence

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Occurrence:
    period_start: dt.date
    due_on: dt.date
    target_code: str

    def status(self, today: dt.date, done: bool) -> str:
        if done:
            return "done"
        if self.due_on < today:
            return "overdue"
        return "due" if self.period_start <= today else "upcoming"


def _back_to_working(
    day: dt.date, floor: dt.date, working: Callable[[dt.date], bool]
) -> dt.date | None:
    """The last working day from `day` back to `floor`, or None."""
    while day >= floor:
        if working(day):
            return day
        day -= ONE_DAY
    return None


def periods(
    *, cadence: str, weekday: int | None, month_day: int | None, working_days_only: bool,
    start: dt.date, end: dt.date, working: Callable[[dt.date], bool],
) -> Iterator[tuple[dt.date, dt.date]]:  # fmt: skip
    """(period start, due day) of every period whose due day lies in [start, end]."""
    if cadence == Cadence.DAILY:
        day = start
        while day <= end:
            if not working_days_only or working(day):
                yield day, day
            day += ONE_DAY
        return
    if cadence == Cadence.WEEKLY:
        monday = start - dt.timedelta(days=start.weekday())
        while monday <= end:
            due: dt.date | None = monday + dt.timedelta(days=weekday or 0)
            if working_days_only and due is not None:
                due = _back_to_working(due, monday, working)
            if due is not None and start <= due <= end:
                yield monday, due
            monday += dt.timedelta(days=7)
        return
    first = start.replace(day=1)
    while first <= end:
        last = calendar.monthrange(first.year, first.month)[1]
        due = first.replace(day=last if not month_day else min(month_day, last))
        if working_days_only:
            due = _back_to_working(due, first, working)
        if due is not None and start <= due <= end:
            yield first, due
        first = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def for_schedule(
    schedule: Any, targets: list[str], start: dt.date, end: dt.date,
    working: Callable[[dt.date], bool],
) -> list[Occurrence]:  # fmt: skip
    """The occurrences of `schedule` due in [start, end] (clipped to when it runs), one per
    target code per period."""
    s = schedule
    lo = max(start, s.starts_on)
    hi = min(end, s.ends_on) if s.ends_on else end
    if lo > hi:
        return []
    out = []
    for period_start, due_on in periods(
        cadence=s.cadence, weekday=s.weekday, month_day=s.month_day,
        working_days_only=s.working_days_only, start=lo, end=hi,
        working=working,
    ):  # fmt: skip
        out += [Occurrence(period_start, due_on, code) for code in targets]
    return out


def period_of(
    schedule: Any, day: dt.date, working: Callable[[dt.date], bool]
) -> tuple[dt.date, dt.date] | None:
    """The (period start, due day) of the schedule's period holding `day`, if it has one
    (a daily schedule on an off day has none)."""
    s = schedule
    cadence = s.cadence
    if cadence == Cadence.DAILY:
        lo, hi = day, day
    elif cadence == Cadence.WEEKLY:
        lo = day - dt.timedelta(days=day.weekday())
        hi = lo + dt.timedelta(days=6)
    else:
        lo = day.replace(day=1)
        hi = lo.replace(day=calendar.monthrange(lo.year, lo.month)[1])
    found = list(
        periods(
            cadence=cadence,
            weekday=s.weekday,
            month_day=s.month_day,
            working_days_only=s.working_days_only,
            start=lo,
            end=hi,
            working=working,
        )
    )
    return found[0] if found else None
