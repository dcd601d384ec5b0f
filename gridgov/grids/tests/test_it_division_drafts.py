"""Division drafts through the service: a proposal on community A's road blocks, least
change on re-division, moving a block, accepting as one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

from gridgov.conftest import build_cast
from gridgov.grids import index
from gridgov.grids.division import accept as acceptlib
from gridgov.grids.division import drafts
from gridgov.grids.division.partition import Bounds
from gridgov.grids.models import Grid, GridSuccession
from gridgov.grids.tests.division_ground import add_ground
from gridgov.registry.models import Building, Household

pytestmark = pytest.mark.django_db

A1, A2 = "640402001001001", "640402001001002"


@pytest.fixture(scope="module")
def cast(django_db_setup: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        index.drop_all()
        c = build_cast()
        c.buildings = add_ground(c)
        yield c
        transaction.set_rollback(True)
    index.drop_all()


def test_it_keeps_both_grids_when_they_already_meet_the_standard(cast: Any) -> None:
    draft = drafts.propose(actor=cast.admin_a, parent=cast.community_a, bounds=Bounds())
    shown = drafts.view(draft)
    assert len(draft.blocks) == 16
    assert [r.households for r in shown.rows] == [480, 480]
    assert shown.kept == [A1, A2]
    assert shown.moved_households == 0
    assert shown.summary.road_share == 1.0


def test_it_divides_into_four_grids_on_the_roads_with_bounds_200_to_300(cast: Any) -> None:
    draft = drafts.propose(
        actor=cast.admin_a, parent=cast.community_a, bounds=Bounds(200, 300, 240)
    )
    shown = drafts.view(draft)
    assert sorted(r.households for r in shown.rows) == [240, 240, 240, 240]
    assert all(r.contiguous for r in shown.rows)
    assert shown.kept == ["", "", "", ""]
    assert shown.moved_households == 960
    grids = acceptlib.accept(actor=cast.admin_a, draft=draft, version=draft.version)
    codes = [g.code for g in grids]
    assert codes == [f"640402001001{n:03d}" for n in (3, 4, 5, 6)]
    assert Grid.objects.get(code=A1).valid_to is not None
    assert GridSuccession.objects.filter(predecessor__code=A1).count() == 2
    per = {g.code: Building.objects.filter(grid=g).count() for g in grids}
    assert per == dict.fromkeys(codes, 8)
    assert Household.objects.filter(grid_code__in=codes, building__isnull=False).count() == 960
    draft.refresh_from_db()
    assert draft.status == "accepted"


def test_it_covers_the_community_and_rehosts_its_dedicated_grids(cast: Any) -> None:
    from gridgov.conftest import square
    from gridgov.grids import reports, services

    school = services.create_grid(
        actor=cast.admin_a, network=cast.network, parent_code=cast.community_a.code,
        name="第一中学", kind="dedicated", subtype="school", host_code=A2,
        boundary=square(106.16, 36.31, 106.19, 36.39),
    )  # fmt: skip
    draft = drafts.propose(
        actor=cast.admin_a, parent=cast.community_a, bounds=Bounds(200, 300, 240)
    )
    grids = acceptlib.accept(actor=cast.admin_a, draft=draft, version=draft.version)
    school.refresh_from_db()
    # The school lies in the north-east of the community, in whichever new grid holds it.
    host = next(g for g in grids if g.geometry.covers(school.geometry.representative_point()))
    assert school.host_id == host.pk
    coverage = reports.coverage_report(cast.community_a).as_dict()
    assert (coverage["gaps"], coverage["overlaps"]) == ([], [])
    assert coverage["children_checked"] == 4


def test_it_moves_the_visit_round_with_the_households(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from gridgov.visits import schedule
    from gridgov.visits.models import Schedule

    homes = list(Household.objects.filter(building__isnull=False).values_list("id", flat=True))
    schedule.compute({"__in": homes})
    draft = drafts.propose(
        actor=cast.admin_a, parent=cast.community_a, bounds=Bounds(200, 300, 240)
    )
    with django_capture_on_commit_callbacks(execute=True):
        grids = acceptlib.accept(actor=cast.admin_a, draft=draft, version=draft.version)
    codes = {g.code for g in grids}
    rows = dict(
        Schedule.objects.filter(household_id__in=homes).values_list("household_id", "grid_code")
    )
    assert set(rows.values()) == codes
    assert rows == dict(Household.objects.filter(id__in=homes).values_list("id", "grid_code"))
