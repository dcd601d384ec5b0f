"""gridgov.grids.services: re-division, never deleting, and the spatial index's freshness."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from gridgov.conftest import EPOCH, square
from gridgov.core import stamps
from gridgov.core.errors import ServiceError
from gridgov.core.models import AuditEntry
from gridgov.grids import index, queries
from gridgov.grids.models import Grid, GridSuccession
from gridgov.grids.services import NewGrid, redivide, retire_grid, update_grid

pytestmark = pytest.mark.django_db

COMMUNITY_A = "640402001001"
A1, A2, B1 = "640402001001001", "640402001001002", "640402002001001"
DAY = dt.date(2024, 3, 1)
EAST = square(106.15, 36.0, 106.2, 36.4)
BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[106.0, 36.0], [106.1, 36.4], [106.1, 36.0], [106.0, 36.4], [106.0, 36.0]]],
}


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    # Rolled-back writes rewind the stamp too, so no index may outlive a test; messages are
    # checked in the default language whatever an earlier test in this thread activated.
    index.drop_all()
    with translation.override("zh-hans"):
        yield
    index.drop_all()


def grid(code: str) -> Grid:
    return Grid.objects.get(code=code)


def state() -> tuple[Any, ...]:
    return (
        list(Grid.objects.order_by("code").values_list("code", "valid_from", "valid_to")),
        GridSuccession.objects.count(),
        AuditEntry.objects.count(),
        stamps.version(stamps.BOUNDARIES),
    )


def deepest(lon: float, lat: float, at: dt.date | None = None) -> str | None:
    hits = index.for_network(grid(A1).network_id).locate(lon, lat, at)
    return hits[-1].code if hits else None


# redivide


def test_it_redivides_siblings_with_successors_by_overlap(cast: Any) -> None:
    # Given A1 (106.0–106.1) and A2 (106.1–106.2) cut again at 106.15
    west = NewGrid("甲社区西网格", square(106.0, 36.0, 106.15, 36.4))
    east = NewGrid("甲社区东网格", square(106.15, 36.0, 106.2, 36.4))
    # When
    created = redivide(
        actor=cast.admin_a, grids=[cast.a1, cast.a2], new=[west, east], date=DAY, reason="调整"
    )
    # Then two new grids start on the day, with the next free codes
    assert [(g.code, g.name, g.valid_from) for g in created] == [
        ("640402001001003", "甲社区西网格", DAY),
        ("640402001001004", "甲社区东网格", DAY),
    ]
    assert grid("640402001001004").max_lon == 106.2
    # The old ones end on the day
    assert (grid(A1).valid_to, grid(A2).valid_to) == (DAY, DAY)
    # A1 lies wholly in the west grid; A2 is split between both
    pairs = GridSuccession.objects.values_list("predecessor__code", "successor__code", "date")
    assert sorted(pairs) == [
        (A1, "640402001001003", DAY),
        (A2, "640402001001003", DAY),
        (A2, "640402001001004", DAY),
    ]
    assert set(GridSuccession.objects.values_list("reason", flat=True)) == {"调整"}
    actions = AuditEntry.objects.order_by("id").values_list("action", "object_key")
    assert list(actions) == [
        ("grid.create", "640402001001003"),
        ("grid.create", "640402001001004"),
        ("grid.retire", A1),
        ("grid.retire", A2),
    ]
    # And lookups answer by date
    assert deepest(106.12, 36.2, DAY - dt.timedelta(days=1)) == A2
    assert deepest(106.12, 36.2, DAY) == "640402001001003"
    assert deepest(106.12, 36.2) == "640402001001003"


def test_it_makes_every_new_grid_a_successor_when_there_are_no_boundaries(cast: Any) -> None:
    Grid.objects.filter(code=A2).update(boundary=None)
    created = redivide(
        actor=cast.admin_a,
        grids=[grid(A2)],
        new=[NewGrid("北", None), NewGrid("南", None)],
        date=DAY,
    )
    assert sorted(GridSuccession.objects.values_list("predecessor__code", "successor__code")) == [
        (A2, created[0].code),
        (A2, created[1].code),
    ]


@pytest.mark.parametrize(
    ("second", "field", "code"),
    [
        (NewGrid("坏网格", BOWTIE), "new[1].boundary", "invalid_boundary"),
        (NewGrid("越界网格", square(106.15, 36.0, 106.3, 36.4)), "new[1].boundary",
         "outside_parent"),
        (NewGrid("重号网格", EAST, A1), "new[1].code", "duplicate_code"),
        (NewGrid(" ", EAST), "new[1].name", "name_required"),
    ],
)  # fmt: skip
def test_it_changes_nothing_when_one_new_grid_is_invalid(
    cast: Any, second: NewGrid, field: str, code: str
) -> None:
    # Given a valid first new grid and an invalid second one
    before = state()
    first = NewGrid("甲社区西网格", square(106.0, 36.0, 106.15, 36.4))
    # When
    with pytest.raises(ServiceError) as e:
        redivide(actor=cast.admin_a, grids=[cast.a1, cast.a2], new=[first, second], date=DAY)
    # Then the error names the grid and field, and nothing was created or retired
    assert (e.value.code, e.value.field) == (code, field)
    assert state() == before
    assert not Grid.objects.filter(code="640402001001003").exists()


def test_it_redivides_only_siblings_the_actor_may_change(cast: Any) -> None:
    before = state()
    new = [NewGrid("新", square(106.0, 36.0, 106.2, 36.4))]
    with pytest.raises(ServiceError) as e:
        redivide(actor=cast.admin_a, grids=[cast.a1, cast.b1], new=new, date=DAY)
    assert (e.value.code, e.value.message) == (
        "not_siblings",
        "只有同一上级的网格才能一起重新划分。",
    )
    with pytest.raises(ServiceError) as e:
        redivide(actor=cast.head_a, grids=[cast.a1, cast.a2], new=new, date=DAY)
    assert (e.value.code, e.value.status) == ("forbidden", 403)
    with pytest.raises(ServiceError) as e:
        redivide(actor=cast.admin_a, grids=[], new=new, date=DAY)
    assert e.value.code == "empty"
    assert state() == before


# Never deleted


def test_it_refuses_to_delete_a_grid(cast: Any) -> None:
    before = state()
    with pytest.raises(TypeError, match="retired, never deleted"):
        grid(A2).delete()
    assert state() == before


def test_it_keeps_a_retired_grid_and_its_code(cast: Any) -> None:
    retire_grid(actor=cast.admin_a, grid=cast.a2, date=DAY)
    assert grid(A2).valid_to == DAY
    assert [g.code for g in Grid.objects.current().subtree(COMMUNITY_A)] == [COMMUNITY_A, A1]
    assert [g.code for g in Grid.objects.current(DAY - dt.timedelta(days=1)).subtree(A2)] == [A2]


# The spatial index follows the stamp


def test_it_rebuilds_the_index_after_an_edit(cast: Any) -> None:
    # Given an index that finds A1 in its north
    first = index.for_network(cast.network.pk)
    assert deepest(106.05, 36.3) == A1
    stamp = stamps.version(stamps.BOUNDARIES)
    # When A1 shrinks to its southern half
    update_grid(actor=cast.admin_a, grid=cast.a1, boundary=square(106.0, 36.0, 106.1, 36.2))
    # Then the stamp moved and the next call builds a new index that no longer finds A1 there
    assert stamps.version(stamps.BOUNDARIES) != stamp
    assert index.for_network(cast.network.pk) is not first
    assert deepest(106.05, 36.3) == COMMUNITY_A
    assert deepest(106.05, 36.1) == A1


def test_it_rebuilds_when_another_process_changes_a_boundary(cast: Any) -> None:
    # Given this process's index, and the same index returned while nothing changes
    first = index.for_network(cast.network.pk)
    assert index.for_network(cast.network.pk) is first
    assert deepest(106.15, 36.2) == A2
    # When "another process" moves A1 over all of community A, without touching the stamp,
    # this process keeps its index (the stamp is the only signal) ...
    Grid.objects.filter(code=A2).update(boundary=None)
    Grid.objects.filter(code=A1).update(boundary=square(106.0, 36.0, 106.2, 36.4), max_lon=106.2)
    assert index.for_network(cast.network.pk) is first
    assert deepest(106.15, 36.2) == A2
    # ... and once the stamp moves, as the services do in the same transaction, it rebuilds
    stamps.bump(stamps.BOUNDARIES)
    rebuilt = index.for_network(cast.network.pk)
    assert rebuilt is not first
    assert rebuilt.version == stamps.version(stamps.BOUNDARIES)
    assert deepest(106.15, 36.2) == A1


def test_it_finds_nothing_before_a_grid_began(cast: Any) -> None:
    before = EPOCH - dt.timedelta(days=1)
    assert queries.lookup(cast.admin, cast.network, 106.15, 36.2, before) == ([], [])
    levels, dedicated = queries.lookup(cast.admin, cast.network, 106.15, 36.2, EPOCH)
    assert ([h.code for h in levels], dedicated) == (
        ["640402", "640402001", COMMUNITY_A, A2],
        [],
    )


def test_it_finds_a_new_grid_only_from_its_first_day(cast: Any) -> None:
    created = redivide(
        actor=cast.admin_a,
        grids=[cast.a2],
        new=[NewGrid("新网格", square(106.1, 36.0, 106.2, 36.4))],
        date=DAY,
    )
    assert deepest(106.15, 36.2, DAY - dt.timedelta(days=1)) == A2
    assert deepest(106.15, 36.2, DAY) == created[0].code
    # Before EPOCH neither existed
    assert deepest(106.15, 36.2, EPOCH - dt.timedelta(days=1)) is None
