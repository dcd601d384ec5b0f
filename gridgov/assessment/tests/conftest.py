"""Assessment's month beside the fixed cast: the case indicators' known set (March 2025,
gridgov/cases/tests/indicator_data.py) handled by a department (城管局), and visits in A1:
70 of its 350 households visited by worker_a1, four must-visit households of which three
were visited on time.

Hand-computed figures (docs/adr/0026-assessment.md):
- A1: due 2 (c1, c2 closed), closed on time 1, handled 2, reworked 1, filed 3 of which on
  time 2 (c2 late), rated 2 of which satisfied 1; visited 70 / 350; must 3 / 4.
- A2: due 1 (c3 overdue), closed 0, handled 0, filed 2 on time 2, rated 0; visited 0 / 120.
- worker_a1 under community A: the A1 case figures but c9 (a resident's), A1's households.
- the department: c1 and c2: due 2, closed 2, on time 1, handled 2, reworked 1.
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
MARCH = dt.date(2025, 3, 15)


def build_month(cast: Any) -> SimpleNamespace:
    from gridgov.accounts.models import Assignment, User
    from gridgov.accounts.roles import Role
    from gridgov.cases.models import Category
    from gridgov.cases.tests.indicator_data import build
    from gridgov.conftest import EPOCH
    from gridgov.registry.models import Household, Organisation
    from gridgov.visits.models import Schedule, Visit

    unit = Organisation.objects.create(
        grid=cast.county, grid_code=cast.county.code, name="城管局", kind="unit"
    )
    handler = User.objects.create_user("handler", password="pw")
    Assignment.objects.create(
        user=handler, grid=cast.county, role=Role.DEPARTMENT_HANDLER, unit=unit, starts_on=EPOCH
    )
    dept = SimpleNamespace(unit=unit, handler=handler, litter=Category.objects.get(code="0101"))
    cases = build(cast, dept)
    homes = list(Household.objects.filter(grid_code=cast.a1.code).order_by("pk"))
    at = dt.datetime(2025, 3, 10, 10, tzinfo=TZ)
    must = homes[:4]
    for h in must:
        Schedule.objects.create(
            household=h, grid_code=h.grid_code, next_due=dt.date(2025, 4, 30), must_visit=True
        )
    Visit.objects.bulk_create(
        Visit(
            household=h, grid=cast.a1, grid_code=h.grid_code, worker=cast.worker_a1,
            visited_at=at, lon=106.05, lat=36.2, findings="走访", due_on=dt.date(2025, 3, 31),
            next_due=dt.date(2025, 4, 30), on_time=True, must_visit=h in must,
        )
        for h in homes[1:71]  # 70 households: three of the four must-visit ones
    )  # fmt: skip
    return SimpleNamespace(unit=unit, handler=handler, cases=cases, must=must)


@pytest.fixture(scope="module")
def month(cast: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_month(cast)
        transaction.set_rollback(True)
