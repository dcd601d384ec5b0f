"""The demo district: real top, valid and exactly covering generated cells, deterministic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import transaction

from gridgov.core.lib import codes as codelib
from gridgov.core.lib import crypto, idnumbers, phones
from gridgov.demo import generate
from gridgov.grids.models import Grid, Network
from gridgov.grids.reports import coverage_report, size_report
from gridgov.registry.models import Building, Household, Resident

HOUSEHOLDS = 20_000  # the default size: small districts cannot keep the standard


def residents_digest() -> list[tuple[str, str, str]]:
    return [
        (r.name, crypto.decrypt(r.id_number_enc), r.grid_code)
        for r in Resident.objects.order_by("id")[:300]
    ]


@pytest.fixture(scope="module")
def district(django_db_setup: Any, django_db_blocker: Any) -> Iterator[generate.SeedResult]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate.seed(households=HOUSEHOLDS, seed=11)
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_it_stores_the_real_county_and_its_fourteen_townships(district: Any) -> None:
    county = Grid.objects.get(network__slug="comprehensive", depth=0)
    assert (county.code, county.name) == ("640402", "原州区")
    towns = list(county.children.values_list("code", "name"))
    assert len(towns) == 14
    assert towns[0] == ("640402001", "南关街道")
    assert towns[-1] == ("640402205", "寨科乡")
    assert county.children.get(code="640402100").statistical_code == "640402100000"


def test_it_creates_the_four_networks_with_their_level_names(district: Any) -> None:
    assert list(Network.objects.values_list("slug", flat=True)) == [
        "comprehensive",
        "party",
        "enforcement",
        "enterprise-safety",
    ]
    net = Network.objects.get(slug="comprehensive")
    assert net.level_names == ["县（区）", "街道/乡镇", "社区/村", "网格", "楼栋"]


def test_it_stores_every_household_and_resident_it_reports(district: Any) -> None:
    assert Household.objects.count() == HOUSEHOLDS == district.households
    assert Resident.objects.count() == district.residents
    assert Building.objects.count() == district.buildings
    assert Grid.objects.count() == district.grids


def test_it_gives_every_grid_a_valid_code_under_its_parent(district: Any) -> None:
    net = Network.objects.get(slug="comprehensive")
    for grid in Grid.objects.filter(network=net, parent__isnull=False).select_related("parent"):
        codelib.check_code(
            grid.code, length=net.code_lengths[grid.depth], parent_code=grid.parent.code
        )
        if grid.depth == net.grid_depth:
            seq = codelib.grid_sequence(grid.code, grid.parent.code)
            assert codelib.is_dedicated_sequence(seq) == (grid.kind == "dedicated")


def test_it_links_each_dedicated_grid_to_the_comprehensive_grid_it_lies_in(district: Any) -> None:
    dedicated = list(Grid.objects.filter(kind="dedicated").select_related("host"))
    assert dedicated, "the demo has dedicated grids"
    for grid in dedicated:
        assert grid.subtype
        assert grid.host.kind == "comprehensive"
        assert grid.geometry.difference(grid.host.geometry).area < 1e-12


def test_it_covers_every_node_exactly_with_its_children(district: Any) -> None:
    nodes = Grid.objects.filter(network__slug="comprehensive", depth__lt=3)
    for node in nodes:
        report = coverage_report(node)
        assert (report.gaps, report.overlaps, report.missing_boundary) == ([], [], []), node


def test_it_keeps_most_grids_within_the_size_standard(district: Any) -> None:
    county = Grid.objects.get(network__slug="comprehensive", depth=0)
    rows = size_report(county)
    within = sum(r.flag == "ok" for r in rows)
    assert sum(r.households for r in rows) == HOUSEHOLDS
    assert within / len(rows) >= 0.8


def test_it_gives_residents_valid_unique_id_numbers(district: Any) -> None:
    numbers = [crypto.decrypt(t) for t in Resident.objects.values_list("id_number_enc", flat=True)]
    assert len(set(numbers)) == len(numbers)
    for number in numbers[:2000]:
        idnumbers.parse(number)
    one = Resident.objects.order_by("id").first()
    assert one is not None
    birth, sex = idnumbers.parse(crypto.decrypt(one.id_number_enc))
    assert (one.birth_date, one.sex) == (birth, sex)
    assert one.id_number_hash == crypto.lookup_hash(crypto.decrypt(one.id_number_enc))


def test_it_places_households_in_units_and_floors_their_building_has(district: Any) -> None:
    urban = 0
    for h in Household.objects.select_related("building").order_by("id")[:5000]:
        b = h.building
        assert b is not None and b.grid_code == h.grid_code
        if h.floor is None:  # a rural group: no units or floors
            assert (h.unit, b.units, b.floors) == ("", 1, 1)
            continue
        urban += 1
        assert 1 <= h.floor <= b.floors
        assert 1 <= int(h.unit.removesuffix("单元")) <= b.units
        assert h.room.startswith(str(h.floor)) and h.address.endswith(f"{h.unit}{h.room}室")
    assert urban


def test_it_stores_the_masks_tails_and_hashes_the_registry_would_store(district: Any) -> None:
    residents = Resident.objects.order_by("id")[:3000]
    with_phone = 0
    for r in residents:
        number = crypto.decrypt(r.id_number_enc)
        assert (r.id_masked, r.id_tail) == (idnumbers.mask(number), number[-4:])
        if r.phone_enc:
            with_phone += 1
            phone = crypto.decrypt(r.phone_enc)
            assert (r.phone_masked, r.phone_tail) == (phones.mask(phone), phone[-4:])
            assert r.phone_hash == crypto.lookup_hash(phone)
        else:
            assert (r.phone_masked, r.phone_tail, r.phone_hash) == ("", "", "")
    assert 0 < with_phone < len(residents)
    ids = list(Resident.objects.values_list("public_id", flat=True))
    ids += list(Household.objects.values_list("public_id", flat=True))
    assert len(set(ids)) == len(ids)


def test_it_generates_the_same_district_for_the_same_seed_on_another_day(district: Any) -> None:
    first = residents_digest()
    grids = list(Grid.objects.order_by("code").values_list("code", "name", "boundary"))
    with transaction.atomic():
        Resident.objects.all().delete()
        Household.objects.all().delete()
        Building.objects.all().delete()
        Grid.objects.update(parent=None, host=None)
        Grid.objects.all()._raw_delete(Grid.objects.db)  # grids are never deleted but here
        Network.objects.all().delete()
        with time_machine.travel(dt.datetime(2031, 5, 1, tzinfo=dt.UTC), tick=False):
            generate.seed(households=HOUSEHOLDS, seed=11)
        again = residents_digest()
        grids_again = list(Grid.objects.order_by("code").values_list("code", "name", "boundary"))
        transaction.set_rollback(True)
    assert again == first
    assert grids_again == grids
