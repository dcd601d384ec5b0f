"""The demo district's party network (party.demo): a branch on every grid, the pyramid
mostly in range with a few sources out of it for the check to show, the same for a seed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from gridgov.demo import generate
from gridgov.grids.models import Grid
from gridgov.party import demo, queries
from gridgov.party.models import Link, PartyOrg

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def made(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    with django_db_blocker.unblock(), transaction.atomic():
        generate.seed(households=3_000, seed=11)
        yield demo.build_party_network(seed=3)
        transaction.set_rollback(True)


class Root:
    is_authenticated = is_active = is_superuser = True


def test_it_puts_a_branch_on_every_grid_and_a_general_branch_on_each_community(
    made: dict[str, int],
) -> None:
    grids = Grid.objects.current().filter(
        network__slug="comprehensive", depth=3, kind="comprehensive"
    )
    with_branch = set(PartyOrg.objects.filter(kind="branch").values_list("grid_id", flat=True))
    assert set(grids.values_list("id", flat=True)) == with_branch
    assert (
        PartyOrg.objects.filter(kind="general_branch").count()
        == grids.values("parent").distinct().count()
    )
    assert made["links"] == Link.objects.count() > 0


def test_it_keeps_the_pyramid_mostly_in_range_with_some_out(made: dict[str, int]) -> None:
    check = queries.check(Root(), "")
    for level in check.levels:
        total = sum(level.tally.values())
        assert level.tally["ok"] >= total / 2, level.level
    out = sum(lv.tally["under"] + lv.tally["over"] + lv.tally["unlinked"] for lv in check.levels)
    assert out > 0
    assert 0 < check.unlinked_households < check.households / 4


def test_it_does_nothing_the_second_time(made: dict[str, int]) -> None:
    assert demo.build_party_network(seed=3) == {
        "organisations": 0, "posts": 0, "centrals": 0, "links": 0
    }  # fmt: skip
