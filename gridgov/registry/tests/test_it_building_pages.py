"""The building pages: list, registration with the map picker's fields, detail with the
households by unit and floor, correction; and who may do what."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

from gridgov.core.models import AuditEntry
from gridgov.registry import services
from gridgov.registry.models import Building

from .test_pages import A1, as_, error, parse

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def tower(cast: SimpleNamespace, django_db_blocker: Any) -> Iterator[Building]:
    with django_db_blocker.unblock(), transaction.atomic():
        b = services.register_building(
            actor=cast.worker_a1, grid_code=A1,
            data=services.BuildingIn(name="3号楼", lon=106.05, lat=36.2, floors=6, units=2),
        )  # fmt: skip
        for unit, floor, room in (("2单元", 3, "301"), ("1单元", 5, "502"), ("1单元", 1, "101")):
            services.register_household(
                actor=cast.worker_a1, grid_code=A1, address=f"幸福路3号楼{unit}{room}",
                household_type="property_managed", building_code=b.code, unit=unit,
                floor=floor, room=room,
            )  # fmt: skip
        yield b
        transaction.set_rollback(True)


def world() -> tuple[Any, ...]:
    rows = Building.objects.order_by("id").values_list("name", "lon", "lat", "floors", "units")
    return list(rows), AuditEntry.objects.count()


def form(**changes: Any) -> dict[str, Any]:
    return {"name": "3号楼", "lon": "106.05", "lat": "36.2", "floors": "6", "units": "2",
            "footprint": "", **changes}  # fmt: skip


def test_it_lists_buildings_with_a_link_to_each(cast: Any, tower: Building) -> None:
    p = parse(as_(cast, "worker_a1").get("/registry/buildings/", {"grid": A1}))
    (link,) = [a for a in p.root.one("table").all("a") if a.text == "3号楼"]
    assert link.attrs["href"] == f"/registry/buildings/{tower.code}/"
    assert parse(as_(cast, "worker_b1").get("/registry/buildings/")).root.all("table") == []


def test_it_shows_a_building_with_its_households_by_unit_and_floor(
    cast: Any, tower: Building
) -> None:
    p = parse(as_(cast, "head_a").get(f"/registry/buildings/{tower.code}/"))
    assert p.facts["层数"] == "6"
    tables = p.root.all("table", "list")
    rooms = [tr.all("td")[2].text for tr in tables[0].one("tbody").all("tr")]
    assert rooms == ["101", "502", "301"]  # 1单元 floors 1 and 5, then 2单元
    assert p.root.one("div", "map").attrs["data-grid"] == A1


@pytest.mark.parametrize(("who", "status"), [("worker_b1", 404), ("nobody", 404)])
def test_it_hides_a_building_outside_the_scope(
    cast: Any, tower: Building, who: str, status: int
) -> None:
    assert as_(cast, who).get(f"/registry/buildings/{tower.code}/").status_code == status
    before = world()
    r = as_(cast, who).post(f"/registry/buildings/{tower.code}/edit/", form(floors="9"))
    assert r.status_code == status
    assert world() == before


def test_it_sends_anonymous_visitors_to_log_in(cast: Any, tower: Building) -> None:
    for url in (f"/registry/buildings/{tower.code}/", f"/registry/buildings/{tower.code}/edit/"):
        r = as_(cast, None).get(url)
        assert (r.status_code, r.url.split("?")[0]) == (302, "/login/")


def test_it_refuses_a_correction_without_the_right(cast: Any, tower: Building) -> None:
    before = world()
    r = as_(cast, "dispatcher").post(f"/registry/buildings/{tower.code}/edit/", form(floors="9"))
    assert r.status_code == 403
    assert world() == before
    p = parse(as_(cast, "dispatcher").get(f"/registry/buildings/{tower.code}/"))
    assert not [a for a in p.root.all("a") if a.attrs.get("href", "").endswith("/edit/")]


def test_it_registers_a_building_and_opens_it(cast: Any, tower: Building) -> None:
    client = as_(cast, "worker_a1")
    p = parse(client.get("/registry/buildings/new/"))
    assert p.root.one("div", "map").attrs["data-pick"] == "1"
    r = client.post("/registry/buildings/new/", {**form(name="4号楼"), "grid": A1})
    assert r.status_code == 302
    new = Building.objects.get(name="4号楼")
    assert r.url == f"/registry/buildings/{new.code}/"
    assert new.code == f"{A1}00002"


def test_it_corrects_a_building_and_records_it(cast: Any, tower: Building) -> None:
    client = as_(cast, "worker_a1")
    p = parse(client.get(f"/registry/buildings/{tower.code}/edit/"))
    assert p.root.one("h1").text == "修正：3号楼"
    r = client.post(f"/registry/buildings/{tower.code}/edit/", form(floors="7", name="3号楼A"))
    assert (r.status_code, r.url) == (302, f"/registry/buildings/{tower.code}/")
    assert Building.objects.get(pk=tower.pk).floors == 7
    p = parse(client.get(f"/registry/buildings/{tower.code}/"))
    assert "修改" in p.root.all("table", "list")[-1].text


@pytest.mark.parametrize(
    ("changes", "field", "status"),
    [
        ({"floors": "4"}, "floors", 409),  # a household lives on floor 5
        ({"lon": "106.3"}, "lon", 422),  # outside the grid
        ({"footprint": '{"type": "Point", "coordinates": [106.05, 36.2]}'}, "footprint", 422),
        ({"footprint": "{not json"}, "footprint", 422),
        ({"name": ""}, "name", 422),
    ],
)
def test_it_shows_a_refused_correction_next_to_its_field_and_changes_nothing(
    cast: Any, tower: Building, changes: dict[str, str], field: str, status: int
) -> None:
    before = world()
    r = as_(cast, "worker_a1").post(f"/registry/buildings/{tower.code}/edit/", form(**changes))
    p = parse(r, status)
    assert error(p, field)
    assert world() == before
