"""The process's work-time calendar, built from the calendar tables (ADR 0016).

Each process keeps one immutable `WorkCalendar` tagged with the stamp of the tables it was
built from (core.stamps: triggers move it on any change of a day or a year). `current()`
re-reads the stamp and rebuilds when another process has changed the calendar, so the
cache is never wrong for longer than one call (DESIGN "Scale path"), like the spatial index
of gridgov.grids.index.

Bulk callers (seeding, sweeps) take `cal = current()` once and call `cal.deadline(...)`:
the stamp check is the only database work and need not run per case.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from . import stamps
from .choices import CalendarDayKind
from .lib import worktime
from .lib.worktime import WorkCalendar
from .models import CalendarDay, CalendarYear

_lock = threading.Lock()
_cached: tuple[Any, WorkCalendar] | None = None


def build() -> WorkCalendar:
    rows = list(CalendarDay.objects.values_list("date", "kind"))
    return WorkCalendar(
        holidays=[d for d, k in rows if k == CalendarDayKind.HOLIDAY],
        workdays=[d for d, k in rows if k == CalendarDayKind.WORKDAY],
        years=CalendarYear.objects.values_list("year", flat=True),
        work_hours=settings.WORK_HOURS,
        tz=settings.TIME_ZONE,
    )


def current() -> WorkCalendar:
    global _cached
    now = stamps.version(stamps.CALENDAR)
    cached = _cached
    if cached is None or cached[0] != now or not stamps.usable(now):
        with _lock:
            cached = _cached
            if cached is None or cached[0] != now or not stamps.usable(now):
                cached = (now, build())
                _cached = cached
    return cached[1]


def drop() -> None:
    """Forget the cached calendar (tests that change settings.WORK_HOURS)."""
    global _cached
    with _lock:
        _cached = None


def uncovered_message(years: list[int]) -> str | None:
    """The warning shown beside a deadline that runs through years with no arrangement."""
    if not years:
        return None
    return _(
        "No holiday arrangement has been entered for %(years)s yet: this deadline skips "
        "weekends only."
    ) % {"years": ", ".join(str(y) for y in years)}


def deadline_with_warning(
    start: dt.datetime, amount: float, kind: str
) -> tuple[dt.datetime, str | None]:
    """(deadline, a warning in the current language or None)."""
    due, years = worktime.deadline_and_uncovered(start, amount, kind)
    return due, uncovered_message(years)
