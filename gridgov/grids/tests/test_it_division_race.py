"""Two people at one draft at once (PostgreSQL, real concurrent connections): a block moved
while another accepts — one wins, the other is refused with 409, nothing half-done."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from gridgov.conftest import build_cast
from gridgov.core.errors import ServiceError
from gridgov.grids.division import accept as acceptlib
from gridgov.grids.division import drafts
from gridgov.grids.division.partition import Bounds
from gridgov.grids.models import DivisionDraft, Grid
from gridgov.grids.tests.division_ground import add_ground, border_move
from gridgov.web.tests import test_browser as base

leave_the_database_as_found = base.leave_the_database_as_found
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_it_lets_one_of_an_accept_and_a_move_win(transactional_db: Any) -> None:
    from gridgov.grids import index

    index.drop_all()
    cast = build_cast()
    add_ground(cast)
    draft = drafts.propose(
        actor=cast.admin_a, parent=cast.community_a, bounds=Bounds(100, 400, 240)
    )
    block, number = border_move(draft, legal=True)
    to = number - 1
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def run(what: str) -> None:
        start.wait()
        try:
            if what == "accept":
                acceptlib.accept(actor=cast.admin_a, draft=draft, version=1)
            else:
                drafts.move_block(actor=cast.admin, draft=draft, block=block, to=to, version=1)
            outcomes.append(what)
        except ServiceError as e:
            outcomes.append(f"{e.status}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in ("accept", "move")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) in (["409", "accept"], ["409", "move"])
    saved = DivisionDraft.objects.get(pk=draft.pk)
    current = Grid.objects.current().filter(parent=cast.community_a).count()
    if "accept" in outcomes:
        assert (saved.status, saved.version, saved.labels) == ("accepted", 2, draft.labels)
        assert current == max(draft.labels) + 1
    else:
        assert (saved.status, saved.version, saved.labels[block]) == ("draft", 2, to)
        assert current == 2
    index.drop_all()
