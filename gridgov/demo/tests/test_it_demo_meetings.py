"""The demo's meetings: made once, through the services, by each level's grid head; every
one held with its attendance marked, decisions and tasks — most done, at least one overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gridgov.demo.meetings import ensure_demo_meetings
from gridgov.meetings.models import Attendance, FollowUp, Meeting

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2027, 3, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_it_gives_the_levels_months_of_meetings_once(cast: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        made = ensure_demo_meetings(11, now=NOW)
        # The cast has one grid head below the county, of community A: its workers' meetings.
        assert made == Meeting.objects.count() >= 3
        assert set(Meeting.objects.values_list("grid_code", "kind", "chair__username")) == {
            (cast.community_a.code, "workers", "head_a")
        }
        assert not Meeting.objects.filter(held_at__isnull=True).exists()
        assert not Attendance.objects.filter(presence="invited").exists()
        assert FollowUp.objects.filter(status="done").exists()
        assert FollowUp.objects.overdue(NOW.date()).exists()
        assert ensure_demo_meetings(11, now=NOW) == 0
