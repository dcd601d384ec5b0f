"""The demo's attention tags and visits: made once, by the grid's worker at the household's
building, on time by their own due dates; every household then has its schedule."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from gridgov.demo.visits import ensure_demo_visits
from gridgov.registry.models import Building, Household, Resident, Tag
from gridgov.visits.models import Schedule, Visit

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2027, 1, 4, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_it_gives_tags_and_visits_once(cast: Any) -> None:
    b = Building.objects.create(
        grid=cast.a1, grid_code=cast.a1.code, code=cast.a1.code + "00001", name="1号楼",
        lon=106.05, lat=36.2,
    )  # fmt: skip
    homes = [
        Household.objects.create(
            grid=cast.a1,
            grid_code=cast.a1.code,
            building=b,
            address=f"1号楼{i}室",
            household_type="unit",
        )
        for i in range(40)
    ]
    for i, h in enumerate(homes):
        Resident.objects.create(
            household=h, grid_code=h.grid_code, name="居民", id_number_enc="x",
            id_number_hash=f"demo-visits-{i}", birth_date=dt.date(1935 + i % 3, 1, 1), sex="f",
            relation="head",
        )  # fmt: skip
    made = ensure_demo_visits(7, now=NOW)
    assert made == Visit.objects.count() > len(homes)
    assert Tag.objects.filter(kind="elderly_alone").count() > 0
    assert set(Visit.objects.values_list("worker__username", "grid_code", "lon")) == {
        ("worker_a1", cast.a1.code, 106.05)
    }
    for v in Visit.objects.all():
        assert v.on_time == (timezone.localtime(v.visited_at).date() <= v.due_on)
        assert v.visited_at < NOW
    assert Schedule.objects.count() == Household.objects.count()
    assert ensure_demo_visits(7, now=NOW) == 0
