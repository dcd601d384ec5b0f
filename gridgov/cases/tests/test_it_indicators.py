"""The indicator figures (ADR 0019) on a small known set: every indicator exactly, per grid
at every level, per unit, worker and month, and the same through the services' own
timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import transaction

from gridgov.cases import indicators, services
from gridgov.cases.tests.indicator_data import AS_OF, END, SHANGHAI, START, build

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def data(cast: Any, dept: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build(cast, dept)
        transaction.set_rollback(True)


def rows(node: str, by: str = "grid", start: dt.datetime = START) -> dict[str, Any]:
    return {r.key: r for r in indicators.for_node(node, start, END, by, as_of=AS_OF)}


def test_it_counts_every_indicator_of_a_street_exactly(cast: Any, data: Any) -> None:
    a = rows(cast.county.code)[cast.street_a.code]
    assert (a.label, a.drill) == ("南关街道", cast.street_a.code)
    # c8 came in February: not in the period. c9 is not filed yet, c6 never will be.
    assert (a.reported, a.filed, a.not_filed, a.merged, a.suspended) == (7, 5, 1, 0, 1)
    # Due: c1 and c2 closed, c3 past its deadline; c4 within its limit, c5 suspended.
    assert (a.due, a.closed, a.closed_late, a.closed_on_time) == (3, 2, 1, 1)
    assert (a.closure_rate, a.on_time_rate) == (66.67, 33.33)
    assert (a.handled, a.reworked, a.rework_rate) == (2, 1, 50.0)
    # Filed late: c2 (3 h for a 2 h limit); dispatched late: c3.
    assert (a.file_steps, a.file_on_time, a.timely_filing_rate) == (5, 4, 80.0)
    assert (a.dispatch_steps, a.dispatch_on_time, a.timely_dispatch_rate) == (4, 3, 75.0)
    assert (a.rated, a.satisfaction, a.satisfied, a.satisfied_share) == (2, 4.0, 1, 50.0)


def test_it_averages_the_wall_clock_time_of_each_finished_stage(cast: Any, data: Any) -> None:
    a = rows(cast.county.code)[cast.street_a.code]
    # reported: c1 1 h, c2 3, c3 1, c4 1, c5 1, c6 1 (c9 still waits: not counted).
    # filed: c1 1, c2 1, c3 4, c4 1, c5 2. dispatched: c1 8, c2 26 + 3 (c3, c4 still in it).
    # handled: c1 2, c2 2 + 1. c5 is still suspended: no finished spell.
    assert (a.stage_spells["reported"], a.stage_hours("reported")) == (6, 1.33)
    assert (a.stage_spells["filed"], a.stage_hours("filed")) == (5, 1.8)
    assert (a.stage_spells["dispatched"], a.stage_hours("dispatched")) == (3, 12.33)
    assert (a.stage_spells["handled"], a.stage_hours("handled")) == (3, 1.67)
    assert a.hours["suspended"] is None and a.hours["in_progress"] is None


def test_it_counts_a_case_settled_on_the_spot_as_filed_handled_and_closed(
    cast: Any, data: Any
) -> None:
    b = rows(cast.county.code)[cast.street_b.code]
    assert (b.reported, b.filed, b.due, b.closed, b.closed_late, b.handled) == (1, 1, 1, 1, 0, 1)
    assert (b.file_steps, b.timely_filing_rate, b.dispatch_steps) == (0, None, 0)
    assert (b.satisfaction, b.satisfied_share) == (4.0, 100.0)
    assert (b.hours["reported"], b.hours["handled"]) == (1.0, 2.0)


def test_it_adds_the_rows_into_an_exact_total(cast: Any, data: Any) -> None:
    t = indicators.total(indicators.for_node(cast.county.code, START, END, as_of=AS_OF))
    assert (t.reported, t.filed, t.due, t.closed, t.closed_on_time) == (8, 6, 4, 3, 2)
    assert (t.closure_rate, t.on_time_rate, t.rework_rate) == (75.0, 50.0, 33.33)
    assert (t.satisfaction, t.stage_spells["reported"], t.hours["reported"]) == (4.0, 7, 1.29)


def test_it_drills_down_one_level_at_a_time(cast: Any, data: Any) -> None:
    assert list(rows(cast.street_a.code)) == [cast.community_a.code]
    community = rows(cast.community_a.code)
    assert list(community) == [cast.a1.code, cast.a2.code]
    a1, a2 = community[cast.a1.code], community[cast.a2.code]
    # A grid is the bottom: no drill-down below it.
    assert (a1.label, a1.reported, a1.closed, a1.drill) == ("甲社区第1网格", 5, 2, "")
    assert (a2.reported, a2.due, a2.timely_dispatch_rate) == (2, 1, 50.0)
    # Asked at the grid itself: one row, the grid.
    assert list(rows(cast.a1.code)) == [cast.a1.code]
    assert rows(cast.b1.code, start=START + dt.timedelta(days=30)) == {}


def test_it_groups_by_unit_worker_and_month(cast: Any, dept: Any, data: Any) -> None:
    units = rows(cast.county.code, "unit")
    assert {k: (r.label, r.reported) for k, r in units.items()} == {
        str(dept.unit.pk): ("城管局", 2),
        "": ("网格人员（无单位）", 6),
    }
    workers = rows(cast.county.code, "worker")
    assert {r.label: r.reported for r in workers.values()} == {
        "worker_a1": 4, "head_a": 2, "worker_b1": 1, "群众及其他渠道": 1,
    }  # fmt: skip
    feb = dt.datetime(2025, 2, 1, tzinfo=SHANGHAI)
    months = rows(cast.county.code, "month", start=feb)
    assert {k: (r.reported, r.satisfaction) for k, r in months.items()} == {
        "2025-02": (1, 1.0),
        "2025-03": (8, 4.0),
    }


def test_it_reads_the_deadlines_the_services_wrote_on_the_timeline(
    cast: Any, dept: Any, data: Any
) -> None:
    # Given a case reported on a Monday morning and filed a minute later
    # than its limit: its file step is late (one minute past `due`), its dispatch not.
    with time_machine.travel(dt.datetime(2025, 3, 10, 9, 0, tzinfo=SHANGHAI), tick=False) as t:
        case = services.report(
            actor=cast.head_a, category=dept.litter, grid=cast.a2, description="堆物"
        )
        limit = case.deadline
        assert limit is not None
        t.move_to(limit + dt.timedelta(minutes=1))
        case = services.act(case=case, actor=cast.head_a, action="file")
        t.shift(dt.timedelta(minutes=30))
        services.act(case=case, actor=cast.head_a, action="dispatch", unit=dept.unit)
    a2 = indicators.for_node(cast.a2.code, START, END, as_of=AS_OF)[0]
    assert (a2.reported, a2.file_steps, a2.file_on_time) == (3, 3, 2)
    assert (a2.dispatch_steps, a2.dispatch_on_time) == (3, 2)
    assert a2.stage_spells["reported"] == 3


def test_it_refuses_an_unknown_grouping_and_a_reversed_period(cast: Any) -> None:
    from gridgov.core.errors import ServiceError

    with pytest.raises(ServiceError):
        indicators.for_node(cast.county.code, START, END, "colour")
    with pytest.raises(ServiceError):
        indicators.period(dt.date(2025, 3, 2), dt.date(2025, 3, 1))
    assert indicators.period(dt.date(2025, 3, 1), dt.date(2025, 3, 31)) == (START, END)
