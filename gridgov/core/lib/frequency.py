"""Intervals of a round of visits: "every 2 weeks", "every month" (calendar months).

A month after 31 January is 28 (or 29) February: the day is clamped to the month's last,
so that a monthly round never skips a month (docs/adr/0023-visit-due-dates.md).
"""

from __future__ import annotations

import calendar
import datetime as dt

UNITS = ("day", "week", "month", "year")


def add(day: dt.date, every: int, unit: str) -> dt.date:
    """`day` moved on by `every` `unit`s."""
    if every < 1 or unit not in UNITS:
        raise ValueError(f"bad interval {every} {unit}")
    if unit == "day":
        return day + dt.timedelta(days=every)
    if unit == "week":
        return day + dt.timedelta(weeks=every)
    months = every * (12 if unit == "year" else 1)
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def approx_days(every: int, unit: str) -> int:
    """Length in days, to compare intervals and sort rules (a month counts 30 days)."""
    return every * {"day": 1, "week": 7, "month": 30, "year": 365}[unit]
