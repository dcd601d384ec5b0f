"""The demo district's people: a head per street and community, a worker on every grid but a
few (the 一格一員 report's examples), the four posts of each dedicated grid."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from gridgov.accounts.models import Assignment
from gridgov.accounts.roles import Role
from gridgov.demo import generate
from gridgov.demo.teams import ensure_demo_team
from gridgov.grids.models import Grid
from gridgov.teams import queries

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def made(django_db_setup: Any, django_db_blocker: Any) -> Iterator[int]:
    with django_db_blocker.unblock(), transaction.atomic():
        generate.seed(households=6_000, seed=11)
        yield ensure_demo_team()
        transaction.set_rollback(True)


def test_it_gives_every_street_and_community_a_head(made: int) -> None:
    units = Grid.objects.current().filter(network__slug="comprehensive", depth__in=(1, 2))
    headed = set(Assignment.objects.filter(role=Role.GRID_HEAD).values_list("grid_id", flat=True))
    assert made > 0
    assert set(units.values_list("id", flat=True)) == headed


def test_it_leaves_a_few_grids_without_a_worker_to_show_the_report(made: int) -> None:
    root = Grid.objects.get(network__slug="comprehensive", depth=0)
    rows = queries.uncovered(root)
    grids = sum(r.grids for r in rows)
    missing = sum(len(r.uncovered) for r in rows)
    assert 0 < missing < grids / 10


def test_it_fills_the_four_posts_of_every_dedicated_grid(made: int) -> None:
    for grid in Grid.objects.current().filter(kind="dedicated").select_related("network"):
        four = queries.four_in_one(grid)
        assert four is not None
        assert four.missing == []
        assert [len(informants) for _unit, informants in four.units] == [1]


def test_it_makes_the_team_once(made: int) -> None:
    assert ensure_demo_team() == 0
