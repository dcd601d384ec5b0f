"""Entering a year's arrangement: `gridgov calendar load|show` and the admin pages."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from gridgov.accounts.models import User
from gridgov.conftest import log_in
from gridgov.core import calendar_files, stamps, workcalendar
from gridgov.core.models import AuditEntry, CalendarDay, CalendarYear

# The 2027 arrangement as a notice would give it (dates illustrative: Jan 1 is a Friday).
Y2027 = {
    "source": "国办发明电〔2026〕X号",
    "years": [2027],
    "days": [
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
        {"date": "2027-02-06", "kind": "workday", "name": "春节"},
        {"date": "2027-02-08", "kind": "holiday", "name": "春节"},
    ],
}


@pytest.fixture
def calendar(db: None) -> Iterator[None]:
    calendar_files.load_bundled()
    workcalendar.drop()
    yield
    workcalendar.drop()


def write(tmp_path: Path, name: str, content: Any) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return path


def run(*args: Any) -> str:
    out = StringIO()
    call_command("calendar", "--language", "en", *map(str, args), stdout=out)
    return out.getvalue()


def test_it_loads_a_new_year_from_json(calendar: None, tmp_path: Path) -> None:
    assert workcalendar.current().is_working_day(dt.date(2027, 1, 1))
    out = run("load", write(tmp_path, "2027.json", Y2027))
    assert out == "Years 2027: 3 days added, 0 changed, 0 removed, 0 unchanged.\n"
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕X号"
    assert list(CalendarDay.objects.filter(year=2027).values_list("date", "kind")) == [
        (dt.date(2027, 1, 1), "holiday"),
        (dt.date(2027, 2, 6), "workday"),
        (dt.date(2027, 2, 8), "holiday"),
    ]
    entry = AuditEntry.objects.get(action="calendar.load")
    assert (entry.object_key, entry.after) == ("2027", {"created": 3, "updated": 0, "deleted": 0})
    # Deadlines see it at their next call.
    cal = workcalendar.current()
    assert not cal.is_working_day(dt.date(2027, 1, 1))
    assert cal.is_working_day(dt.date(2027, 2, 6))
    assert cal.uncovered_years(dt.date(2027, 1, 1), dt.date(2027, 12, 31)) == []


def test_it_loads_the_same_file_twice_without_changing_anything(
    calendar: None, tmp_path: Path
) -> None:
    path = write(tmp_path, "2027.json", Y2027)
    run("load", path)
    stamp = stamps.version(stamps.CALENDAR)
    out = run("load", path)
    assert out == "Years 2027: 0 days added, 0 changed, 0 removed, 3 unchanged.\n"
    assert stamps.version(stamps.CALENDAR) == stamp
    assert AuditEntry.objects.filter(action="calendar.load").count() == 1


def test_it_replaces_the_year_with_a_corrected_csv(calendar: None, tmp_path: Path) -> None:
    run("load", write(tmp_path, "2027.json", Y2027))
    csv = "date,kind,name\n2027-01-01,休,元旦\n2027-02-06,班,春节调休\n"
    out = run("load", write(tmp_path, "2027.csv", csv))
    assert out == "Years 2027: 0 days added, 1 changed, 1 removed, 1 unchanged.\n"
    assert list(CalendarDay.objects.filter(year=2027).values_list("date", "name")) == [
        (dt.date(2027, 1, 1), "元旦"),
        (dt.date(2027, 2, 6), "春节调休"),
    ]


def test_it_loads_nothing_when_one_row_is_bad(calendar: None, tmp_path: Path) -> None:
    bad = dict(Y2027)
    bad["days"] = [
        *Y2027["days"],
        {"date": "2027-02-09", "kind": "workday", "name": "春节"},  # a Tuesday
        {"date": "2027-02-30", "kind": "holiday", "name": "春节"},
        {"date": "2027-01-01", "kind": "vacation", "name": ""},
        {"date": "2028-01-01", "kind": "holiday", "name": "元旦"},
    ]
    days, years = CalendarDay.objects.count(), CalendarYear.objects.count()
    with pytest.raises(CommandError) as e:
        run("load", write(tmp_path, "2027.json", bad))
    assert str(e.value) == (
        "Nothing was loaded:\n"
        "Row 4, kind: A make-up working day is a Saturday or a Sunday.\n"
        "Row 5, date: not a date (YYYY-MM-DD)\n"
        "Row 6, kind: must be holiday or workday\n"
        "Row 7, date: 2028 is not among the file's years"
    )
    assert (CalendarDay.objects.count(), CalendarYear.objects.count()) == (days, years)
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_it_names_the_csv_line_of_a_bad_row(calendar: None, tmp_path: Path) -> None:
    csv = "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-01,holiday,元旦\n"
    with pytest.raises(CommandError, match=r"Row 3, date: 2027-01-01 is also on row 2"):
        run("load", write(tmp_path, "2027.csv", csv))
    with pytest.raises(CommandError, match=r"missing: kind"):
        run("load", write(tmp_path, "x.csv", "date,name\n2027-01-01,元旦\n"))
    with pytest.raises(CommandError, match="no such file"):
        run("load", tmp_path / "missing.json")
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_it_answers_errors_in_the_language_asked_for(calendar: None, tmp_path: Path) -> None:
    # The messages go through gettext: the command's --language decides (the default is the
    # site's, Simplified Chinese, once the catalogue has them).
    path = write(tmp_path, "2027.csv", "date,kind,name\n2027-02-09,workday,\n")
    with pytest.raises(CommandError) as e:
        call_command("calendar", "--language", "zh-hans", "load", str(path))
    assert "Row 2, kind" in str(e.value) or "第 2 行" in str(e.value)


def test_it_shows_a_year(calendar: None) -> None:
    out = run("show", 2026).splitlines()
    assert out[0].startswith("2026: chinesecalendar 1.11.0")
    assert "2026-02-14  make-up working day  春节" in out
    assert "2026-10-01  holiday  国庆节" in out
    assert len(out) == 1 + CalendarDay.objects.filter(year=2026).count()
    assert run("show", 2030) == (
        "2030: no holiday arrangement entered; only weekends are days off.\n"
    )


@pytest.fixture
def admin_client(calendar: None, client: Any) -> Any:
    admin = User.objects.create_superuser("root", password="x-Long-enough-1")
    return log_in(client, admin)


def test_it_lists_days_and_years_in_the_admin(admin_client: Any) -> None:
    assert admin_client.get("/admin/core/calendarday/?year=2026").status_code == 200
    page = admin_client.get("/admin/core/calendaryear/2026/change/")
    assert page.status_code == 200
    assert "2026-02-14" in page.content.decode()


def test_it_refuses_a_weekday_make_up_day_in_the_admin(admin_client: Any) -> None:
    form = {"year": 2026, "date": "2026-03-04", "kind": "workday", "name": "x"}
    with_lang = {"HTTP_ACCEPT_LANGUAGE": "en"}
    page = admin_client.post("/admin/core/calendarday/add/", form, **with_lang)
    assert page.status_code == 200
    text = page.content.decode()
    assert "A make-up working day is a Saturday or a Sunday." in text or "调休上班" in text
    assert not CalendarDay.objects.filter(date=dt.date(2026, 3, 4)).exists()
    form = {"year": 2026, "date": "2027-03-06", "kind": "workday", "name": "x"}
    page = admin_client.post("/admin/core/calendarday/add/", form)
    assert page.status_code == 200
    assert not CalendarDay.objects.filter(date=dt.date(2027, 3, 6)).exists()
    form = {"year": 2026, "date": "2026-03-07", "kind": "workday", "name": "补班"}
    page = admin_client.post("/admin/core/calendarday/add/", form)
    assert page.status_code == 302
    assert CalendarDay.objects.get(date=dt.date(2026, 3, 7)).name == "补班"
    assert workcalendar.current().is_working_day(dt.date(2026, 3, 7))
