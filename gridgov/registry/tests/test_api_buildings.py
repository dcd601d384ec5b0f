"""POST/GET /api/v1/registry/buildings: codes under the grid, located inside it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from gridgov.core.models import AuditEntry
from gridgov.registry.models import Building

pytestmark = pytest.mark.django_db

A1, B1 = "640402001001001", "640402002001001"
URL = "/api/v1/registry/buildings"


def api(cast: Any, who: str | None) -> Client:
    if who is None:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}")


def post(client: Client, body: dict[str, Any]) -> Any:
    return client.post(URL, json.dumps(body), content_type="application/json")


def building(**extra: Any) -> dict[str, Any]:
    return {"grid": A1, "name": "1号楼", "lon": 106.05, "lat": 36.2, "floors": 6, **extra}


def world() -> tuple[int, int]:
    return Building.objects.count(), AuditEntry.objects.count()


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("dispatcher", 403), ("worker_b1", 404), ("nobody", 404), ("admin_a", 403)],
)
def test_it_refuses_callers_without_the_right_and_saves_nothing(
    cast: Any, who: str | None, status: int
) -> None:
    before = world()
    assert post(api(cast, who), building()).status_code == status
    assert world() == before


def test_it_numbers_buildings_under_the_grid_code(cast: Any) -> None:
    client = api(cast, "worker_a1")
    first = post(client, building())
    second = post(client, building(name="2号楼", lon=106.06))
    assert (first.status_code, second.status_code) == (201, 201)
    assert [first.json()["code"], second.json()["code"]] == [f"{A1}00001", f"{A1}00002"]
    stored = Building.objects.get(code=f"{A1}00002")
    assert (stored.grid_code, stored.name, stored.floors, stored.units) == (A1, "2号楼", 6, 1)
    assert AuditEntry.objects.filter(action="building.create").count() == 2


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"lon": 106.3}, "lon"),  # in B1, not A1
        ({"lat": 95}, "lat"),
        ({"floors": 0}, "floors"),
        ({"name": ""}, "name"),
        ({"footprint": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1],
                                                            [0, 0]]]}}, "footprint"),
    ],
)  # fmt: skip
def test_it_refuses_a_bad_building_naming_the_field(
    cast: Any, extra: dict[str, Any], field: str
) -> None:
    before = world()
    r = post(api(cast, "worker_a1"), building(**extra))
    assert r.status_code == 422
    assert r.json()["field"] == field
    assert world() == before


def test_it_lists_only_buildings_in_scope(cast: Any) -> None:
    post(api(cast, "worker_a1"), building())
    post(api(cast, "worker_b1"), building(grid=B1, lon=106.3))
    mine = api(cast, "worker_a1").get(URL).json()
    everyone = api(cast, "admin").get(URL).json()
    assert [b["code"] for b in mine["items"]] == [f"{A1}00001"]
    assert everyone["count"] == 2


def patch(client: Client, code: str, body: dict[str, Any]) -> Any:
    return client.patch(f"{URL}/{code}", json.dumps(body), content_type="application/json")


def test_it_shows_one_building_with_its_footprint_and_households(cast: Any) -> None:
    square = {"type": "Polygon", "coordinates": [[[106.05, 36.2], [106.0502, 36.2],
              [106.0502, 36.2002], [106.05, 36.2002], [106.05, 36.2]]]}  # fmt: skip
    code = post(api(cast, "worker_a1"), building(footprint=square)).json()["code"]
    r = api(cast, "head_a").get(f"{URL}/{code}")
    assert r.status_code == 200
    assert (r.json()["footprint"]["type"], r.json()["households"]) == ("Polygon", 0)
    assert api(cast, "worker_b1").get(f"{URL}/{code}").status_code == 404
    assert Client().get(f"{URL}/{code}").status_code == 401


def test_it_corrects_only_the_fields_given_and_records_before_and_after(cast: Any) -> None:
    code = post(api(cast, "worker_a1"), building()).json()["code"]
    r = patch(api(cast, "worker_a1"), code, {"name": "1号楼（东）", "floors": 9})
    assert r.status_code == 200, r.content
    stored = Building.objects.get(code=code)
    # NFKC: full-width brackets are kept as ASCII ones (docs/adr/0011-input-text.md).
    assert (stored.name, stored.floors, stored.lon, stored.units) == ("1号楼(东)", 9, 106.05, 1)
    entry = AuditEntry.objects.get(action="building.update", object_key=code)
    assert (entry.before["floors"], entry.after["floors"]) == (6, 9)
    # The same again changes nothing and records nothing.
    patch(api(cast, "worker_a1"), code, {"floors": 9})
    assert AuditEntry.objects.filter(action="building.update").count() == 1


@pytest.mark.parametrize(
    ("who", "body", "status", "field"),
    [
        (None, {"floors": 3}, 401, None),
        ("dispatcher", {"floors": 3}, 403, None),
        ("worker_b1", {"floors": 3}, 404, None),
        ("worker_a1", {"lon": 106.3}, 422, "lon"),  # into B1: a building keeps its grid
        ("worker_a1", {"floors": 0}, 422, "floors"),
    ],
)
def test_it_refuses_a_correction_and_changes_nothing(
    cast: Any, who: str | None, body: dict[str, Any], status: int, field: str | None
) -> None:
    code = post(api(cast, "worker_a1"), building()).json()["code"]
    before = list(Building.objects.values_list("name", "lon", "lat", "floors")), world()
    r = patch(api(cast, who), code, body)
    assert r.status_code == status
    if field:
        assert r.json()["field"] == field
    assert (list(Building.objects.values_list("name", "lon", "lat", "floors")), world()) == before


def test_it_keeps_floors_that_households_live_on(cast: Any) -> None:
    from gridgov.registry import services

    code = post(api(cast, "worker_a1"), building()).json()["code"]
    services.register_household(
        actor=cast.worker_a1, grid_code=A1, address="幸福路1号楼601",
        household_type="unit", building_code=code, floor=6, room="601",
    )  # fmt: skip
    r = patch(api(cast, "worker_a1"), code, {"floors": 5})
    assert (r.status_code, r.json()["field"]) == (409, "floors")
    assert Building.objects.get(code=code).floors == 6
