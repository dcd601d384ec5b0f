"""The demo's enterprise: its safety grids made once, months of violations through the
services, the months before this one closed in order, this one open; a login for its lead."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gridgov.demo.safety import ensure_demo_safety, safety_login
from gridgov.safety import queries
from gridgov.safety.models import Deduction, MonthClose, Scheme, Violation

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2027, 3, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_it_gives_an_enterprise_months_of_safety_once(cast: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        made, lead = ensure_demo_safety(13, today=NOW.date())
        assert lead is not None and made == Violation.objects.count() >= 20
        scheme = Scheme.objects.get()
        assert scheme.grid_code.startswith(cast.county.code) and len(scheme.grid_code) == 18
        assert list(MonthClose.objects.order_by("month").values_list("month", flat=True)) == [
            dt.date(2026, 12, 1), dt.date(2027, 1, 1), dt.date(2027, 2, 1)
        ]  # fmt: skip
        assert Deduction.objects.filter(share="joint").exists()
        assert Violation.objects.exclude(outsider="").exists()
        f = queries.month_figures(scheme, dt.date(2027, 3, 1))
        assert f.closed is None and len(f.departments) == 3 and len(f.persons) > 20
        login = safety_login()
        assert login is not None and login[0] == "safety"
        assert ensure_demo_safety(13, today=NOW.date()) == (0, None)
