"""Two imports of the same new people at once (PostgreSQL, real concurrent transactions):
the grid lock puts one after the other, so the people are created once and the second
import finds them unchanged — never twice, never half."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from gridgov.conftest import build_cast
from gridgov.registry import imports
from gridgov.registry.models import ImportJob, Resident, ResidentEvent
from gridgov.registry.tests.sheets import id_number, resident, residents_file
from gridgov.web.tests import test_browser as base

leave_the_database_as_found = base.leave_the_database_as_found
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_it_creates_people_once_when_two_imports_race(transactional_db: Any) -> None:
    from gridgov.grids import index

    index.drop_all()
    cast = build_cast()
    data = residents_file([
        resident(address=f"甲社区第1网格{i}号", name=f"人{i}", number=id_number(700 + i))
        for i in range(300)
    ])  # fmt: skip
    jobs = [
        imports.create_job(
            actor=cast.worker_a1, kind="residents", mode="all", filename=f"{n}.xlsx", data=data
        )
        for n in range(2)
    ]
    start = threading.Barrier(2)

    def run(job: ImportJob) -> None:
        start.wait()
        try:
            imports.run_job(job.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    outcomes = sorted(
        (j.status, j.counts.get("created"), j.counts.get("unchanged"))
        for j in ImportJob.objects.all()
    )
    assert outcomes == [("done", 0, 300), ("done", 300, 0)]
    assert Resident.objects.count() == 300
    assert ResidentEvent.objects.count() == 300
    index.drop_all()
