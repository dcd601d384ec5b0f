"""Two people acting on the same case at once (PostgreSQL, real concurrent connections):
exactly one transition wins, the other is refused with 409, and nothing is lost."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from gridgov.cases import services
from gridgov.cases.choices import Action, Stage
from gridgov.cases.models import Case, CaseEvent, Category
from gridgov.conftest import build_cast
from gridgov.core.errors import ServiceError
from gridgov.web.tests import test_browser as base

leave_the_database_as_found = base.leave_the_database_as_found
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_it_lets_one_of_two_simultaneous_actions_win(transactional_db: Any) -> None:
    from gridgov.cases.seeding import load_categories
    from gridgov.grids import index

    index.drop_all()
    cast = build_cast()
    load_categories(Category)  # the flush after each transactional test took them away
    case = services.report(
        actor=cast.worker_a1, category=Category.objects.get(code="0101"), grid=cast.a1,
        description="垃圾",
    )  # fmt: skip
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def run(actor: Any, action: str, note: str) -> None:
        start.wait()
        try:
            services.act(case=case, actor=actor, action=action, note=note, version=1)
            outcomes.append(action)
        except ServiceError as e:
            outcomes.append(f"{e.status}")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(cast.head_a, Action.FILE, "")),
        threading.Thread(target=run, args=(cast.dispatcher, Action.REJECT, "不予立案")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert sorted(outcomes) in (["409", Action.FILE], ["409", Action.REJECT])
    c = Case.objects.get(pk=case.pk)
    won = next(o for o in outcomes if o != "409")
    assert (c.stage, c.version) == ({"file": Stage.FILED, "reject": Stage.NOT_FILED}[won], 2)
    assert list(CaseEvent.objects.filter(case=c).values_list("action", flat=True)) == [
        "report",
        won,
    ]
    index.drop_all()
