"""Meetings' own helpers beside the fixed cast (gridgov/conftest.py).

Today is Wednesday 10 March 2027, 10:00 in every test that travels (`NOW`). Who is invited
to a meeting of community A: head_a (its grid head) and worker_a1 (grid worker of A1);
head_a holds meetings there (meetings.hold); the dispatcher sees the county but holds none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> dt.datetime:
    """A moment in the local time zone: at(2027, 3, 4) is 4 March 2027, 10:00."""
    return dt.datetime(*args, tzinfo=TZ) if len(args) > 3 else dt.datetime(*args, 10, tzinfo=TZ)


NOW = at(2027, 3, 10)


def plan(cast: Any, **change: Any) -> Any:
    """A workers' meeting of community A, chaired by head_a, on 8 March 2027."""
    from gridgov.meetings import services

    values: dict[str, Any] = {
        "actor": cast.head_a, "grid": cast.community_a, "kind": "workers",
        "title": "三月网格员例会", "starts_at": at(2027, 3, 8, 9), "place": "甲社区会议室",
        "chair": cast.head_a, "agenda": ["通报上月事件办理情况", "部署入户走访"],
    }  # fmt: skip
    values.update(change)
    return services.plan_meeting(**values)


def held(cast: Any, decisions: tuple[str, ...] = ("加强独居老人走访",), **change: Any) -> Any:
    """A meeting planned and its minutes recorded, with decisions."""
    from gridgov.meetings import services

    meeting = plan(cast, **change)
    return services.record_minutes(
        actor=change.get("actor", cast.head_a),
        meeting=meeting,
        minutes="会议通报了上月情况。",
        decisions=decisions,
    )
