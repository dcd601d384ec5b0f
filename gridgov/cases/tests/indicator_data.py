"""A small known set of cases for the indicator tests, inserted as rows (exact timings).

T is Monday 3 March 2025, 09:00 in Shanghai; the period is March 2025, reckoned on the 20th.
Street A: c1 closed on time, c2 closed late after a rework, c3 open and overdue, c4 open
within its limit, c5 suspended, c6 not filed, c9 a resident's report not yet filed; street
B: c7 settled on the spot and closed; c8 (street A) came in February. ADR 0019 explains
every figure the tests expect.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
T = dt.datetime(2025, 3, 3, 9, 0, tzinfo=SHANGHAI)
AS_OF = dt.datetime(2025, 3, 20, 12, 0, tzinfo=SHANGHAI)
START = dt.datetime(2025, 3, 1, tzinfo=SHANGHAI)
END = dt.datetime(2025, 4, 1, tzinfo=SHANGHAI)
# c4's deadline: still ahead whenever the tests run (the page reckons as of now).
FAR = dt.datetime(2099, 1, 1, tzinfo=SHANGHAI)


def h(n: float) -> dt.datetime:
    return T + dt.timedelta(hours=n)


def make(
    cast: Any,
    dept: Any,
    grid: Any,
    stage: str,
    steps: list[tuple[str, str, str, float, float | None]],
    *,
    reporter: Any = None,
    unit: Any = None,
    rework: int = 0,
    satisfaction: int | None = None,
    deadline: dt.datetime | None = None,
    created: dt.datetime | None = None,
    number: str = "",
) -> Any:
    """A case with its timeline: steps are (action, from, to, hours after T, due hours)."""
    from gridgov.cases import rollup
    from gridgov.cases.models import Case, CaseEvent

    created = created or T
    case = Case.objects.create(
        category=dept.litter, grid=grid, grid_code=grid.code, holder_code=grid.code,
        description="x", source="patrol" if reporter else "resident", reporter=reporter,
        stage=stage, unit=unit, rework_count=rework, satisfaction=satisfaction,
        deadline=deadline, number=number,
        closed_at=created + dt.timedelta(hours=steps[-1][3]) if stage == "closed" else None,
    )  # fmt: skip
    # created_at is auto_now_add: set it after.
    Case.objects.filter(pk=case.pk).update(created_at=created)
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            at=created + dt.timedelta(hours=at),
            action=action,
            from_stage=src,
            to_stage=dst,
            holder_code=grid.code,
            actor=reporter,
            due=None if due is None else created + dt.timedelta(hours=due),
        )
        for action, src, dst, at, due in [("report", "", "reported", 0, None), *steps]
    )
    # Rows written here, not by the services: the roll-up is told, as the services do.
    rollup.refresh([case.pk])
    return case


def build(cast: Any, dept: Any) -> dict[str, Any]:
    u, w = dept.unit, cast.worker_a1
    return {
        "c1": make(cast, dept, cast.a1, "closed", [
            ("file", "reported", "filed", 1, 2), ("dispatch", "filed", "dispatched", 2, 4),
            ("handle", "dispatched", "handled", 10, 20), ("verify", "handled", "closed", 12, 30),
        ], reporter=w, unit=u, satisfaction=5, number="C1"),
        "c2": make(cast, dept, cast.a1, "closed", [
            ("file", "reported", "filed", 3, 2), ("dispatch", "filed", "dispatched", 4, 5),
            ("handle", "dispatched", "handled", 30, 20),
            ("rework", "handled", "dispatched", 32, 40),
            ("handle", "dispatched", "handled", 35, 50), ("verify", "handled", "closed", 36, 60),
        ], reporter=w, unit=u, rework=1, satisfaction=3, number="C2"),
        "c3": make(cast, dept, cast.a2, "dispatched", [
            ("file", "reported", "filed", 1, 2), ("dispatch", "filed", "dispatched", 5, 3),
        ], reporter=cast.head_a, deadline=h(10), number="C3"),
        "c4": make(cast, dept, cast.a2, "dispatched", [
            ("file", "reported", "filed", 1, 2), ("dispatch", "filed", "dispatched", 2, 3),
        ], reporter=cast.head_a, deadline=FAR, number="C4"),
        "c5": make(cast, dept, cast.a1, "suspended", [
            ("file", "reported", "filed", 1, 2), ("suspend", "filed", "suspended", 3, 20),
        ], reporter=w, number="C5"),
        "c6": make(cast, dept, cast.a1, "not_filed", [
            ("reject", "reported", "not_filed", 1, 2),
        ], reporter=w, number="C6"),
        "c7": make(cast, dept, cast.b1, "closed", [
            ("settle", "reported", "handled", 1, 2), ("verify", "handled", "closed", 3, 30),
        ], reporter=cast.worker_b1, satisfaction=4, number="C7"),
        "c8": make(cast, dept, cast.a1, "closed", [
            ("file", "reported", "filed", 1, 2), ("dispatch", "filed", "dispatched", 2, 4),
            ("handle", "dispatched", "handled", 10, 20), ("verify", "handled", "closed", 12, 30),
        ], reporter=w, satisfaction=1, created=dt.datetime(2025, 2, 10, 9, tzinfo=SHANGHAI),
           number="C8"),
        "c9": make(cast, dept, cast.a1, "reported", [], deadline=h(2), number="C9"),
    }  # fmt: skip
