"""POST /api/v1/grids/redivide: re-cut sibling grids, all or nothing, history kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from gridgov.conftest import square
from gridgov.grids import index
from gridgov.grids.models import Grid, GridSuccession
from gridgov.grids.tests.test_api_write import A1, A2, api, world

pytestmark = pytest.mark.django_db

# Community A (106.0–106.2 E) re-cut from two strips into three.
THREE = [
    {"name": "甲社区新第1网格", "boundary": square(106.0, 36.0, 106.07, 36.4)},
    {"name": "甲社区新第2网格", "boundary": square(106.07, 36.0, 106.14, 36.4)},
    {"name": "甲社区新第3网格", "boundary": square(106.14, 36.0, 106.2, 36.4)},
]
BODY = {"grids": [A1, A2], "new": THREE, "date": "2025-07-01", "reason": "户数调整"}


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    index.drop_all()
    yield
    index.drop_all()


def redivide(client: Client, body: dict[str, Any]) -> Any:
    return client.post("/api/v1/grids/redivide", json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("head_a", 403), ("worker_a1", 403), ("worker_b1", 404), ("nobody", 404)],
)
def test_it_refuses_callers_without_the_right_and_changes_nothing(
    cast: Any, who: str | None, status: int
) -> None:
    before = world()
    r = redivide(api(cast, who), BODY)
    assert r.status_code == status
    assert world() == before


def test_it_retires_the_old_grids_and_links_their_successors(cast: Any) -> None:
    r = redivide(api(cast, "admin_a"), BODY)
    assert r.status_code == 201
    new_codes = [g["code"] for g in r.json()]
    assert new_codes == ["640402001001003", "640402001001004", "640402001001005"]
    assert Grid.objects.get(code=A1).valid_to.isoformat() == "2025-07-01"
    links = sorted(GridSuccession.objects.values_list("predecessor__code", "successor__code"))
    # A1 (106.0–106.1) overlaps new 1 and 2; A2 (106.1–106.2) overlaps new 2 and 3.
    assert links == [
        (A1, "640402001001003"),
        (A1, "640402001001004"),
        (A2, "640402001001004"),
        (A2, "640402001001005"),
    ]
    client = api(cast, "dispatcher")
    old = client.get("/api/v1/grids/lookup?lon=106.05&lat=36.2&at=2025-06-30").json()
    new = client.get("/api/v1/grids/lookup?lon=106.05&lat=36.2&at=2025-07-01").json()
    assert old["levels"][-1]["code"] == A1
    assert new["levels"][-1]["code"] == "640402001001003"


def test_it_saves_nothing_when_one_new_grid_is_bad(cast: Any) -> None:
    before = world()
    bad = [*THREE[:2], {"name": "越界网格", "boundary": square(106.14, 36.0, 106.3, 36.4)}]
    r = redivide(api(cast, "admin_a"), {**BODY, "new": bad})
    assert r.status_code == 422
    assert r.json()["field"] == "new[2].boundary"
    assert world() == before


def test_it_refuses_grids_of_different_parents(cast: Any) -> None:
    before = world()
    r = redivide(api(cast, "admin"), {**BODY, "grids": [A1, "640402002001001"]})
    assert r.status_code == 400
    assert r.json()["code"] == "not_siblings"
    assert world() == before
