"""Inspections' own cast beside the fixed one: a dedicated head on street A (the safety
department's member for plan 6's daily patrol), and schedules on community A from 1 January
2026. Points: A1 is 106.0–106.1 E, A2 106.1–106.2 E, B1 106.2–106.4 E (gridgov/conftest.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

TZ = ZoneInfo("Asia/Shanghai")
START = dt.date(2026, 1, 1)


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ) if len(args) > 3 else dt.datetime(*args, 10, tzinfo=TZ)


def make_plans(cast: Any) -> SimpleNamespace:
    from gridgov.accounts.models import Assignment, User
    from gridgov.inspections.models import Schedule, Template

    safety = User.objects.create_user("safety_a", password="pw")
    Assignment.objects.create(
        user=safety, grid=cast.street_a, role="dedicated_head", starts_on=START
    )

    def plan(code: str, **kw: Any) -> Schedule:
        return Schedule.objects.create(
            template=Template.objects.get(code=code), grid=kw.pop("grid", cast.community_a),
            grid_code=kw.pop("grid_code", cast.community_a.code), starts_on=START, **kw,
        )  # fmt: skip

    return SimpleNamespace(
        safety=safety,
        daily=plan("safety-daily", cadence="daily", role="dedicated_head",
                   working_days_only=True),
        spot=plan("safety-weekly-spot", cadence="weekly", weekday=2, role="grid_head",
                  targets="once"),
        monthly=plan("safety-monthly-grid", cadence="monthly", month_day=0, role="grid_head"),
        friday=plan("hygiene-friday", cadence="weekly", weekday=4, role="grid_worker",
                    working_days_only=True),
        month_end=plan("hygiene-month-end", cadence="monthly", month_day=0, role="grid_worker",
                       working_days_only=True),
    )  # fmt: skip


@pytest.fixture(scope="module")
def plans(cast: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_plans(cast)
        transaction.set_rollback(True)


def outcomes(template: Any, fail: int = 0) -> dict[int, str]:
    """Every item passed but the first `fail`."""
    items = list(template.items.order_by("position"))
    return {i.pk: ("fail" if n < fail else "pass") for n, i in enumerate(items)}
