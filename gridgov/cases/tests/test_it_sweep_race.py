"""Two sweeps of different minutes at once (PostgreSQL, real concurrent connections), in
small batches over the same due cases: each case is warned or urged by one of them, once."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
import time_machine
from django.db import connection

from gridgov.cases import services, sweep
from gridgov.cases.models import Case, CaseEvent, Category
from gridgov.conftest import build_cast
from gridgov.web.tests import test_browser as base

leave_the_database_as_found = base.leave_the_database_as_found
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
START = dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_it_acts_on_each_case_once_with_two_sweeps_at_once(
    transactional_db: Any, monkeypatch: Any
) -> None:
    from gridgov.cases.seeding import load_categories
    from gridgov.grids import index

    index.drop_all()
    cast = build_cast()
    load_categories(Category)  # the flush after each transactional test took them away
    litter = Category.objects.get(code="0101")  # to be filed within one working hour

    def report(at: dt.datetime, n: int) -> list[int]:
        with time_machine.travel(at, tick=False):
            return [
                services.report(
                    actor=cast.worker_a1, category=litter, grid=cast.a1, description="垃圾"
                ).pk
                for _ in range(n)
            ]

    late = report(START, 12)  # overdue by the sweeps' time
    soon = report(START + dt.timedelta(minutes=55), 12)  # in their warning by then
    when = Case.objects.get(pk=soon[0]).warn_at + dt.timedelta(minutes=1)
    monkeypatch.setattr(sweep, "BATCH", 5)
    claim = sweep._claim

    def slow_claim(*args: Any) -> Any:
        taken = claim(*args)
        time.sleep(0.1)  # holding the claim: the other run meets the same cases meanwhile
        return taken

    monkeypatch.setattr(sweep, "_claim", slow_claim)
    start = threading.Barrier(2)
    runs: list[Any] = []

    def run(at: dt.datetime) -> None:
        start.wait()
        try:
            runs.append(sweep.sweep(at))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(when + dt.timedelta(minutes=m),)) for m in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert len(runs) == 2 and None not in runs
    assert sum(r.overdue for r in runs) == 12
    assert sum(r.warned for r in runs) == 12
    urged = CaseEvent.objects.filter(action="urge").values_list("case_id", flat=True)
    assert sorted(urged) == sorted(late)
    assert set(Case.objects.filter(pk__in=late).values_list("clock_state", flat=True)) == {2}
    assert set(Case.objects.filter(pk__in=soon).values_list("clock_state", flat=True)) == {1}
    index.drop_all()
