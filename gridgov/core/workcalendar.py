"""The process's work-time calendar, built from the calendar tables (ADR 0016).

Each process keeps one immutable `WorkCalendar` tagged with the stamp of the tables it was
built from. `current()` re-reads the stamp (one small aggregate query) and rebuilds when
another process has changed a day or a year, so the cache is never wrong for longer than
one call (DESIGN "Scale path"), like the spatial index of gridgov.grids.index.

Bulk callers (seeding, sweeps) take `cal = current()` once and call `cal.deadline(...)`:
the stamp check is the only database work and need not run per case.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from .choices import CalendarDayKind
from .lib import worktime
from .lib.worktime import WorkCalendar
from .models import CalendarDay, CalendarYear

_lock = threading.Lock()
_cached: tuple[Any, WorkCalendar] | None = None


def stamp() -> tuple[Any, ...]:
    """A value that changes with any insert, edit or delete in the calendar tables.

    Row counts catch deletions, the newest updated_at catches additions and edits. An
    aggregate rather than a stamp row that writers must bump: the admin, the loader and a
    hand-run SQL fix all move it without knowing about it.
    """
    day, year = CalendarDay._meta.db_table, CalendarYear._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {day}), (SELECT MAX(updated_at) FROM {day}),"
            f" (SELECT COUNT(*) FROM {year}), (SELECT MAX(updated_at) FROM {year})"
        )
        row = cursor.fetchone()
    return tuple(row) if row else ()


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
    now = stamp()
    cached = _cached
    if cached is None or cached[0] != now:
        with _lock:
            cached = _cached
            if cached is None or cached[0] != now:
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
