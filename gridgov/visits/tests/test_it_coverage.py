"""Coverage against hand-computed figures. Visits: `poor` on 28 Dec 2026 (late: never
visited) and 20 Jan 2027 (on time, due 28 Jan; next due 20 Feb); `alone` on 4 Jan (late:
never visited; next due 11 Jan, overdue since); `plain` on 10 Jan. Today is 1 Feb 2027.

January, community A: grid A1 has 350 + 3 households, 3 visited, 3 visits, 2 must-visit
households of which `poor` was visited on time; 1 overdue (`alone`). A2: 120, nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.db import transaction

from gridgov.visits import queries
from gridgov.visits.services import record_visit

from .conftest import IN_A1, at, make_homes

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2027, 2, 1)


@pytest.fixture(scope="module")
def visited(cast: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        homes = make_homes(cast)
        for household, when in (
            (homes.poor, at(2026, 12, 28)), (homes.alone, at(2027, 1, 4)),
            (homes.plain, at(2027, 1, 10)), (homes.poor, at(2027, 1, 20)),
        ):  # fmt: skip
            with time_machine.travel(when, tick=False):
                record_visit(
                    actor=cast.worker_a1, household=household, findings="情况正常",
                    lon=IN_A1[0], lat=IN_A1[1],
                )  # fmt: skip
        yield homes
        transaction.set_rollback(True)


def figures(r: queries.Row) -> tuple[Any, ...]:
    return (r.key, r.households, r.visited, r.visits, r.must_visit, r.must_on_time, r.overdue,
            r.visited_share, r.on_time_share)  # fmt: skip


def test_it_counts_a_community_per_grid(cast: Any, visited: Any) -> None:
    rows = queries.for_node(cast.community_a, D(2027, 1, 1), D(2027, 1, 31), today=TODAY)
    assert [figures(r) for r in rows] == [
        (cast.a1.code, 353, 3, 3, 2, 1, 1, 0.8, 50.0),
        (cast.a2.code, 120, 0, 0, 0, 0, 0, 0.0, None),
    ]
    assert figures(queries.total(rows)) == ("", 473, 3, 3, 2, 1, 1, 0.6, 50.0)


def test_it_rolls_up_a_street_and_shows_a_grid_alone(cast: Any, visited: Any) -> None:
    rows = queries.for_node(cast.street_a, D(2027, 1, 1), D(2027, 1, 31), today=TODAY)
    assert [figures(r) for r in rows] == [(cast.community_a.code, 473, 3, 3, 2, 1, 1, 0.6, 50.0)]
    assert rows[0].children
    rows = queries.for_node(cast.a1, D(2027, 1, 1), D(2027, 1, 31), today=TODAY)
    assert [(r.key, r.visited, r.children) for r in rows] == [(cast.a1.code, 3, False)]


def test_it_counts_only_the_visits_of_the_period(cast: Any, visited: Any) -> None:
    rows = queries.for_node(cast.a1, D(2027, 1, 11), D(2027, 1, 31), today=TODAY)
    # Only `poor` was visited in it (20 Jan, on time); `alone` was not: not on time.
    assert figures(rows[0]) == (cast.a1.code, 353, 1, 1, 2, 1, 1, 0.3, 50.0)
    rows = queries.for_node(cast.a1, D(2026, 12, 1), D(2026, 12, 31), today=TODAY)
    # December: `poor` visited late (never visited before).
    assert figures(rows[0]) == (cast.a1.code, 353, 1, 1, 2, 0, 1, 0.3, 0.0)


def test_it_counts_per_grid_worker_and_the_node_once(cast: Any, visited: Any) -> None:
    from gridgov.accounts.models import Assignment, User

    second = User.objects.create_user("second_a1", first_name="二")
    Assignment.objects.create(
        user=second, grid=cast.a1, role="grid_worker", starts_on=D(2021, 1, 1)
    )
    rows, node = queries.summary(
        cast.community_a, D(2027, 1, 1), D(2027, 1, 31), by="worker", today=TODAY
    )
    assert [(r.label, r.households, r.visited, r.visits, r.must_visit, r.must_on_time)
            for r in rows] == [("worker_a1", 353, 3, 3, 2, 1), ("二", 353, 3, 0, 2, 1)]  # fmt: skip
    assert figures(node) == ("", 473, 3, 3, 2, 1, 1, 0.6, 50.0)


def test_it_refuses_out_of_scope_and_without_the_right(cast: Any, visited: Any) -> None:
    from gridgov.core.errors import Forbidden, NotFound

    with pytest.raises(NotFound):
        queries.node_for(cast.worker_b1, cast.community_a.code)
    with pytest.raises(NotFound):
        queries.node_for(cast.nobody, cast.community_a.code)
    assert queries.node_for(cast.head_a, cast.community_a.code) == cast.community_a
    from gridgov.accounts.models import Assignment, User

    volunteer = User.objects.create_user("volunteer_a1")
    Assignment.objects.create(
        user=volunteer, grid=cast.a1, role="volunteer", starts_on=D(2021, 1, 1)
    )
    with pytest.raises(Forbidden):
        queries.node_for(volunteer, cast.a1.code)
