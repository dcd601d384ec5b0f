"""Two visits to one household at once (PostgreSQL, real concurrent connections): the lock
on its schedule row makes them take turns, so the second sees the first: both recorded,
the household's due date moved on once from the later."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from gridgov.conftest import build_cast
from gridgov.visits import schedule
from gridgov.visits.models import Schedule, Visit, VisitRule
from gridgov.visits.seeding import load_rules
from gridgov.visits.services import record_visit
from gridgov.web.tests import test_browser as base

from .conftest import IN_A1, make_homes

leave_the_database_as_found = base.leave_the_database_as_found
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_it_records_two_simultaneous_visits_one_after_the_other(transactional_db: Any) -> None:
    from gridgov.grids import index

    index.drop_all()
    cast = build_cast()
    load_rules(VisitRule)  # the flush after each transactional test took them away
    homes = make_homes(cast)
    schedule.compute({"__in": [homes.poor.pk]})
    start = threading.Barrier(2)
    errors: list[Exception] = []

    def run(note: str) -> None:
        start.wait()
        try:
            record_visit(
                actor=cast.worker_a1, household=homes.poor, findings=note, lon=IN_A1[0],
                lat=IN_A1[1],
            )  # fmt: skip
        except Exception as e:  # reported below: any failure of either thread
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in ("第一次", "第二次")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert errors == []
    first, second = Visit.objects.order_by("id")
    # The second waited for the first and saw the due date it set.
    assert second.due_on == first.next_due
    assert Schedule.objects.get(pk=homes.poor.pk).next_due == second.next_due
    index.drop_all()
