"""The overdue digest: one notice per grid worker and day, counting the overdue households
of their grids; a second run the same day tells no one again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from gridgov.notices.models import Notice
from gridgov.visits import schedule, sweep

from .conftest import at

pytestmark = pytest.mark.django_db


def test_it_tells_each_worker_once_a_day(cast: Any, homes: Any) -> None:
    with time_machine.travel(at(2027, 1, 4), tick=False):
        schedule.compute({"__in": [homes.alone.pk, homes.poor.pk, homes.plain.pk, homes.far.pk]})
        assert sweep.sweep() == 2
        assert sweep.sweep() == 2
    told = Notice.objects.filter(kind="visit.overdue", channel="inapp")
    assert sorted((n.recipient.username, n.subject) for n in told) == [
        ("worker_a1", "您的网格有 3 户走访已逾期"),
        ("worker_b1", "您的网格有 1 户走访已逾期"),
    ]
    assert {n.link for n in told} == {"/m/visits/"}
    assert sweep.overdue_per_grid(dt.date(2026, 6, 1)) == {}
