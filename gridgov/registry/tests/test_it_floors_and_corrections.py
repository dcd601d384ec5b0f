"""Floors stay within their building (registration, import, correction); a correction that
changes nothing records nothing; a record located before its grid was redrawn can still
be renamed; an unreadable stored phone does not stop a correction."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from gridgov.core.errors import ServiceError
from gridgov.core.models import AuditEntry
from gridgov.registry import imports, services
from gridgov.registry.models import Building, Component, Household, Organisation

from .sheets import A1, household, households_file

pytestmark = pytest.mark.django_db

ODD_LON, ODD_LAT = 106.0512345678, 36.2000001234  # as a seed or GPS gives them


@pytest.fixture(scope="module")
def tower(cast: SimpleNamespace, django_db_blocker: Any) -> Iterator[Building]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield services.register_building(
            actor=cast.worker_a1, grid_code=A1,
            data=services.BuildingIn(name="6号楼", lon=ODD_LON, lat=ODD_LAT, floors=6),
        )  # fmt: skip
        transaction.set_rollback(True)


def test_it_refuses_a_household_above_the_top_floor(cast: Any, tower: Building) -> None:
    with pytest.raises(ServiceError) as e:
        services.register_household(
            actor=cast.worker_a1, grid_code=A1, address="幸福路6号楼701",
            household_type="unit", building_code=tower.code, floor=7,
        )  # fmt: skip
    assert (e.value.field, e.value.status) == ("floor", 422)
    assert not Household.objects.filter(building=tower).exists()


def test_it_refuses_an_imported_household_above_the_top_floor(cast: Any, tower: Building) -> None:
    data = households_file([household(address="幸福路6号楼701", floor=7, building=tower.code)])
    job = imports.create_job(
        actor=cast.worker_a1, kind="households", mode="all", filename="t.xlsx", data=data
    )
    job = imports.run_job(job.pk)
    assert job.status == "rejected"
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "楼层")]
    assert not Household.objects.filter(building=tower).exists()


def test_it_renames_a_building_with_a_household_above_but_never_lowers_it(
    cast: Any, tower: Building
) -> None:
    # Registered before floors were checked: a household on floor 9 of 6.
    Household.objects.create(grid=tower.grid, grid_code=A1, building=tower, address="旧9楼",
                             household_type="unit", floor=9)  # fmt: skip
    data = services.BuildingIn(name="6号楼A", lon=ODD_LON, lat=ODD_LAT, floors=6)
    assert (
        services.update_building(actor=cast.worker_a1, building=tower, data=data).name == "6号楼A"
    )
    with pytest.raises(ServiceError) as e:
        lower = services.BuildingIn(name="6号楼A", lon=ODD_LON, lat=ODD_LAT, floors=5)
        services.update_building(actor=cast.worker_a1, building=tower, data=lower)
    assert e.value.field == "floors"


def test_it_records_nothing_for_a_correction_form_sent_back_unchanged(
    cast: Any, tower: Building
) -> None:
    client = Client()
    client.force_login(cast.worker_a1)
    url = f"/registry/buildings/{tower.code}/edit/"
    form = client.get(url).context["form"]
    sent = {k: form[k].value() if form[k].value() is not None else "" for k in form.fields}
    before = AuditEntry.objects.count()
    assert client.post(url, sent).status_code == 302
    stored = Building.objects.get(pk=tower.pk)
    assert (stored.lon, stored.lat) == (ODD_LON, ODD_LAT)
    assert AuditEntry.objects.count() == before


def test_it_renames_a_component_located_outside_its_redrawn_grid(cast: Any) -> None:
    c = services.register_component(actor=cast.worker_a1, grid_code=A1, code="6404020101000009",
                                    name="井盖", lon=106.05, lat=36.1)  # fmt: skip
    Component.objects.filter(pk=c.pk).update(lon=106.3)  # the grid no longer reaches there
    c.refresh_from_db()
    renamed = services.update_component(actor=cast.worker_a1, component=c, name="雨水井盖",
                                        lon=106.3, lat=36.1)  # fmt: skip
    assert renamed.name == "雨水井盖"
    with pytest.raises(ServiceError) as e:
        services.register_component(
            actor=cast.worker_a1, grid_code=A1, code="6404020101000010", name=" ",
            lon=106.05, lat=36.1,
        )  # fmt: skip
    assert e.value.field == "name"


def test_it_replaces_an_unreadable_stored_phone(cast: Any) -> None:
    org = services.register_organisation(actor=cast.worker_a1, grid_code=A1, name="乙公司",
                                         kind="enterprise", phone="13800001111")  # fmt: skip
    Organisation.objects.filter(pk=org.pk).update(phone_enc="deadbeef$AAAA")
    org.refresh_from_db()
    fixed = services.update_organisation(actor=cast.worker_a1, organisation=org, name="乙公司",
                                         kind="enterprise", phone="13900002222")  # fmt: skip
    assert fixed.phone_masked == "139****2222"
