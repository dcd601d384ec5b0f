"""A year's holiday arrangement from a file, and loading it into the calendar (ADR 0016).

Files: JSON `{"source": "…", "years": [2027], "days": [{"date": "2027-01-01", "kind":
"holiday", "name": "元旦"}, …]}` ("years" optional: the years of the days), or CSV with
the header `date,kind,name`. Kind is `holiday` (or 休) or `workday` (or 班). Every row is
checked before anything is written; loading replaces the days of the file's years, so
loading the same file twice changes nothing the second time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .choices import CalendarDayKind
from .errors import ServiceError
from .models import CalendarDay, CalendarYear, check_calendar_day, record

BUNDLED = Path(__file__).resolve().parent / "data" / "cn_calendar.json"
KIND_ALIASES = {
    "holiday": CalendarDayKind.HOLIDAY,
    "休": CalendarDayKind.HOLIDAY,
    "workday": CalendarDayKind.WORKDAY,
    "班": CalendarDayKind.WORKDAY,
}
NAME_MAX = 60


@dataclass(frozen=True)
class Day:
    date: dt.date
    kind: str
    name: str


@dataclass
class Arrangement:
    years: list[int]
    days: list[Day]
    source: str = ""


@dataclass
class LoadResult:
    years: list[int]
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


class CalendarFileError(ServiceError):
    """Rows that cannot be loaded; `errors` lists each as "row N, field: message"."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("calendar_invalid", "\n".join(errors))
        self.errors = errors


def _row_error(row: int, name: str, message: Any) -> str:
    return _("Row %(row)d, %(field)s: %(message)s") % {
        "row": row,
        "field": name,
        "message": message,
    }


def _raw_rows(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], Any, str]:
    """(row number, fields) of every day, the declared years (or None), the source."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        missing = {"date", "kind"} - set(reader.fieldnames or [])
        if missing:
            raise CalendarFileError(
                [_("The header must be date,kind,name (missing: %(names)s).")
                 % {"names": ", ".join(sorted(missing))}]
            )  # fmt: skip
        # Row numbers are the file's line numbers (the header is line 1), as a spreadsheet
        # shows them.
        return [(n, r) for n, r in enumerate(reader, start=2)], None, path.name
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise CalendarFileError([_("Not a JSON file: %(error)s") % {"error": e}]) from None
    if not isinstance(data, dict) or not isinstance(data.get("days"), list):
        raise CalendarFileError([_('A JSON calendar is an object with a list "days".')])
    rows = [(n, r if isinstance(r, dict) else {}) for n, r in enumerate(data["days"], 1)]
    return rows, data.get("years"), str(data.get("source") or path.name)


def parse(path: Path) -> Arrangement:
    """Read and check a calendar file; CalendarFileError lists every bad row."""
    rows, declared, source = _raw_rows(path)
    errors: list[str] = []
    years: list[int] | None = None
    if declared is not None:
        if not isinstance(declared, list) or not all(
            isinstance(y, int) and 1900 <= y <= 2100 for y in declared
        ):
            errors.append(_('"years" must be a list of years such as [2027].'))
        else:
            years = sorted(set(declared))
    days: list[Day] = []
    seen: dict[dt.date, int] = {}
    for n, raw in rows:
        try:
            date = dt.date.fromisoformat(str(raw.get("date") or "").strip())
        except ValueError:
            errors.append(_row_error(n, "date", _("not a date (YYYY-MM-DD)")))
            continue
        kind = KIND_ALIASES.get(str(raw.get("kind") or "").strip().lower())
        name = str(raw.get("name") or "").strip()
        if kind is None:
            errors.append(_row_error(n, "kind", _("must be holiday or workday")))
            continue
        if len(name) > NAME_MAX:
            errors.append(
                _row_error(n, "name", _("longer than %(n)d characters") % {"n": NAME_MAX})
            )
            continue
        if date in seen:
            errors.append(
                _row_error(n, "date", _("%(date)s is also on row %(other)d")
                           % {"date": date, "other": seen[date]})
            )  # fmt: skip
            continue
        seen[date] = n
        if years is not None and date.year not in years:
            errors.append(
                _row_error(n, "date", _("%(year)d is not among the file's years")
                           % {"year": date.year})
            )  # fmt: skip
            continue
        try:
            check_calendar_day(date, kind, None)
        except ValidationError as e:
            for name_, messages in e.message_dict.items():
                errors.extend(_row_error(n, name_, m) for m in messages)
            continue
        days.append(Day(date, kind, name))
    if errors:
        raise CalendarFileError(errors)
    if years is None:
        years = sorted({d.date.year for d in days})
    if not years:
        raise CalendarFileError([_("The file holds no days and no years.")])
    return Arrangement(years=years, days=days, source=source[:300])


def load(arrangement: Arrangement, *, actor: Any = None) -> LoadResult:
    """Make the file's years hold exactly its days, all or nothing.

    Unchanged rows are left alone (their updated_at too), so a repeated load moves no
    stamp and no process rebuilds its calendar for nothing.
    """
    result = LoadResult(years=arrangement.years)
    wanted = {d.date: d for d in arrangement.days}
    with transaction.atomic():
        for year in arrangement.years:
            obj, made = CalendarYear.objects.get_or_create(
                year=year, defaults={"source": arrangement.source}
            )
            if not made and arrangement.source and obj.source != arrangement.source:
                obj.source = arrangement.source
                obj.save(update_fields=["source", "updated_at"])
        existing = {
            d.date: d
            for d in CalendarDay.objects.select_for_update().filter(year_id__in=arrangement.years)
        }
        gone = [d.pk for date, d in existing.items() if date not in wanted]
        result.deleted = CalendarDay.objects.filter(pk__in=gone).delete()[0] if gone else 0
        for date, day in sorted(wanted.items()):
            old = existing.get(date)
            if old is None:
                CalendarDay.objects.create(
                    year_id=date.year, date=date, kind=day.kind, name=day.name
                )
                result.created += 1
            elif (old.kind, old.name) != (day.kind, day.name):
                old.kind, old.name = day.kind, day.name
                old.save(update_fields=["kind", "name", "updated_at"])
                result.updated += 1
            else:
                result.unchanged += 1
        if result.created or result.updated or result.deleted:
            record(
                actor=actor,
                action="calendar.load",
                object_type="calendar",
                object_key=",".join(map(str, arrangement.years))[:64],
                after={
                    "created": result.created,
                    "updated": result.updated,
                    "deleted": result.deleted,
                },
                note=arrangement.source,
            )
    return result


def load_bundled() -> LoadResult:
    """The arrangements shipped with gridgov (tests after a table flush; a restored DB)."""
    return load(parse(BUNDLED))
