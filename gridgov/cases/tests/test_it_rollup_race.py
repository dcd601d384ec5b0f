"""The indicators' roll-up under concurrent writers (PostgreSQL, real connections): cases
reported and filed at once in one grid on one day add to the same day row, and none of
their figures is lost."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from gridgov.cases import rollup, services
from gridgov.cases.choices import Action
from gridgov.cases.models import CaseDay, Category
from gridgov.conftest import build_cast
from gridgov.web.tests import test_browser as base

leave_the_database_as_found = base.leave_the_database_as_found
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
WRITERS, EACH = 4, 5


def test_it_adds_every_concurrent_case_to_the_shared_day_row(transactional_db: Any) -> None:
    from gridgov.cases.seeding import load_categories
    from gridgov.grids import index

    index.drop_all()
    cast = build_cast()
    load_categories(Category)  # the flush after each transactional test took them away
    litter = Category.objects.get(code="0101")
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            for _i in range(EACH):
                case = services.report(
                    actor=cast.worker_a1, category=litter, grid=cast.a1, description="垃圾"
                )
                services.act(case=case, actor=cast.head_a, action=Action.FILE)
        except BaseException as e:  # reported by the assertion below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _w in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert errors == []
    row = CaseDay.objects.get(grid_code=cast.a1.code)
    n = WRITERS * EACH
    assert (row.reported, row.file_steps, row.n_reported) == (n, n, n)
    # And what a rebuild works out from the timelines is what the writers kept.
    kept = set(CaseDay.objects.values_list(*rollup.FIELDS))
    rollup.rebuild()
    assert set(CaseDay.objects.values_list(*rollup.FIELDS)) == kept
    index.drop_all()
