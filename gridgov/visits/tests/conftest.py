"""Visits' own cast beside the fixed one: four households registered on 1 June 2026, with
attention tags; the default rules (migration 0002).

- `alone`  (A1): a resident living alone, tagged elderly_alone (weekly, must visit);
- `poor`   (A1): the household tagged hardship (monthly, must visit);
- `plain`  (A1): no tag (yearly);
- `far`    (B1): no tag, the outsider's.
Points: A1 is 106.0–106.1 E; B1 106.2–106.4 E (gridgov/conftest.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

TZ = ZoneInfo("Asia/Shanghai")
REGISTERED = dt.datetime(2026, 6, 1, 9, tzinfo=TZ)
IN_A1 = (106.05, 36.2)
IN_A2 = (106.15, 36.2)
IN_B1 = (106.3, 36.2)


def at(*args: int) -> dt.datetime:
    """A moment in the local time zone: at(2027, 1, 4) is 4 January 2027, 10:00."""
    return dt.datetime(*args, tzinfo=TZ) if len(args) > 3 else dt.datetime(*args, 10, tzinfo=TZ)


def make_homes(cast: Any) -> SimpleNamespace:
    from gridgov.registry.models import Household, Resident, Tag

    def home(grid: Any, address: str) -> Household:
        h = Household.objects.create(
            grid=grid, grid_code=grid.code, address=address, household_type="unit"
        )
        Household.objects.filter(pk=h.pk).update(created_at=REGISTERED)
        h.refresh_from_db()
        return h

    alone = home(cast.a1, "幸福路1号")
    poor = home(cast.a1, "幸福路2号")
    plain = home(cast.a1, "幸福路3号")
    far = home(cast.b1, "古雁路9号")
    granny = Resident.objects.create(
        household=alone, grid_code=alone.grid_code, name="王秀英", id_number_enc="x",
        id_number_hash="visits-granny", birth_date=dt.date(1940, 3, 1), sex="f",
        relation="head",
    )  # fmt: skip
    Tag.objects.create(
        resident=granny, grid_code=alone.grid_code, kind="elderly_alone", start=dt.date(2026, 6, 1)
    )
    Tag.objects.create(
        household=poor, grid_code=poor.grid_code, kind="hardship", start=dt.date(2026, 6, 1)
    )
    return SimpleNamespace(alone=alone, poor=poor, plain=plain, far=far, granny=granny)


@pytest.fixture(scope="module")
def homes(cast: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_homes(cast)
        transaction.set_rollback(True)
