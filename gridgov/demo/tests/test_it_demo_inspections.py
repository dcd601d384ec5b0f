"""The demo's inspections: schedules as ADR 0025 gives them out, months of inspections
stored in bulk as the service would write them, findings of the last week opening cases
(one rectification overdue), a few patrols inside their grids; made once."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gridgov.demo.inspections import ensure_demo_inspections
from gridgov.inspections import queries
from gridgov.inspections.models import (
    Finding,
    Inspection,
    Patrol,
    PatrolPoint,
    PointEntry,
    Result,
    Schedule,
)  # fmt: skip

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2027, 3, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_it_gives_schedules_inspections_and_patrols_once(cast: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        made = ensure_demo_inspections(11, now=NOW)
        assert made == Inspection.objects.count() > 50
        assert set(Schedule.objects.values_list("template__code", "grid_code", "role")) == {
            ("hygiene-friday", cast.community_a.code, "grid_worker"),
            ("hygiene-month-end", cast.community_a.code, "grid_worker"),
            ("safety-weekly-spot", cast.community_a.code, "grid_head"),
            ("safety-monthly-grid", cast.community_a.code, "grid_head"),
            ("hygiene-friday", cast.community_b.code, "grid_worker"),
            ("hygiene-month-end", cast.community_b.code, "grid_worker"),
            ("safety-weekly-spot", cast.community_b.code, "grid_head"),
            ("safety-monthly-grid", cast.community_b.code, "grid_head"),
        }
        # Every inspection as the service writes it: one per occurrence, every item's
        # result, its points in the ledger, by someone who may carry it out.
        for i in Inspection.objects.select_related("schedule", "inspector"):
            assert i.results.count() == i.schedule.template.items.count()
            assert i.score == sum(i.results.values_list("points", flat=True))
            assert i.grid_code.startswith(i.target_code)
        assert Result.objects.count() > made and PointEntry.objects.exists()
        assert Inspection.objects.filter(on_time=False).exists()
        # The last week's findings open cases; one is past its deadline.
        findings = Finding.objects.select_related("case")
        assert findings.count() >= 1
        assert all(f.case.source == "inspection" for f in findings)
        late = list(queries.overdue_rectifications(cast.community_a.code, NOW.date()))
        late += list(queries.overdue_rectifications(cast.community_b.code, NOW.date()))
        assert len(late) == 1
        _rows, total = queries.summary(cast.community_a, dt.date(2027, 1, 1), dt.date(2027, 2, 28))
        assert 0 < total.done < total.due
        assert Patrol.objects.filter(ended_at__isnull=False).count() >= 1
        assert not PatrolPoint.objects.filter(inside=False).exists()
        assert ensure_demo_inspections(11, now=NOW) == 0
