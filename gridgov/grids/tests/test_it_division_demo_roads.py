"""The demo's roads: the lines round the demo's grids and a lane across each county-seat
grid, drawn once; division then finds blocks along them."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

from gridgov.conftest import build_cast
from gridgov.demo.roads import ensure_demo_roads
from gridgov.grids import index
from gridgov.grids.division import blocks, source
from gridgov.grids.models import Road

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def cast(django_db_setup: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        index.drop_all()
        yield build_cast()
        transaction.set_rollback(True)
    index.drop_all()


def test_it_draws_the_roads_once_and_they_cut_the_community(cast: Any) -> None:
    made = ensure_demo_roads()
    # Community A: the outlines of its two grids (merged into lines) and a lane across
    # each grid (the county seat's street 001); community B has one grid and no roads.
    assert made == Road.objects.count() > 2
    assert set(Road.objects.values_list("kind", flat=True)) == {"road", "lane"}
    assert ensure_demo_roads() == 0
    src = source.load(cast.community_a)
    ground = blocks.build(src.boundary, src.roads, [], split_above=500)
    # The line between A1 and A2 and one lane across each grid: four blocks.
    assert len(ground.polys) == 4
