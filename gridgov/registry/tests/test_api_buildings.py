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
