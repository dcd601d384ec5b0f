"""Seed the work-time calendar from gridgov/core/data/cn_calendar.json (ADR 0016).

Reads the committed file with the historical models, so that later changes to the loader
never change what this migration did. Reversing removes the seeded years and their days.
"""

import datetime as dt
import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "cn_calendar.json"


def seed(apps, schema_editor):
    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    source = data["source"][:300]
    for year in data["years"]:
        CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(
                year_id=int(row["date"][:4]),
                date=dt.date.fromisoformat(row["date"]),
                kind=row["kind"],
                name=row["name"],
            )
            for row in data["days"]
        ],
        ignore_conflicts=True,
    )


def unseed(apps, schema_editor):
    data = json.loads(DATA.read_text(encoding="utf-8"))
    apps.get_model("core", "CalendarYear").objects.filter(year__in=data["years"]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_calendar")]

    operations = [migrations.RunPython(seed, unseed)]
