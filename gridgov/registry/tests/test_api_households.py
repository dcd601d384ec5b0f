"""/api/v1/registry/households: list, read, register — the matrix, exact answers, bad input."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from gridgov.core.lib import idnumbers
from gridgov.core.models import AuditEntry
from gridgov.registry import api as registry_api
from gridgov.registry import services
from gridgov.registry.models import Household

pytestmark = pytest.mark.django_db

A1, A2, B1 = "640402001001001", "640402001001002", "640402002001001"
URL = "/api/v1/registry/households"


@pytest.fixture(scope="module")
def reg(cast: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    """Three households on 幸福路 (A1, A2, B1); two people in the A1 one."""
    with django_db_blocker.unblock(), transaction.atomic():
        r = SimpleNamespace()

        def household(grid: str, address: str, **extra: Any) -> Household:
            return services.register_household(
                actor=cast.admin, grid_code=grid, address=address, household_type="unit", **extra
            )

        r.h1 = household(A1, "幸福路1号", unit="2", floor=3, room="301")
        r.h2 = household(A2, "幸福路2号")
        r.hb = household(B1, "幸福路9号")
        r.zhang = services.add_resident(
            actor=cast.admin,
            household=r.h1,
            data=services.ResidentIn(
                name="张三",
                id_number=idnumbers.make("640402", dt.date(1980, 5, 1), 11),
                relation="head",
                phone="13912345678",
            ),
        )
        r.li = services.add_resident(
            actor=cast.admin,
            household=r.h1,
            data=services.ResidentIn(
                name="李四",
                id_number=idnumbers.make("640402", dt.date(1982, 7, 9), 22),
                relation="spouse",
            ),
        )
        r.tag = services.add_tag(
            actor=cast.admin, kind="hardship", start=dt.date(2024, 1, 1), household=r.h1,
            details={"assistance": "low_income"},
        )  # fmt: skip
        yield r
        transaction.set_rollback(True)


def api(cast: Any, who: str | None) -> Client:
    if who is None:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}")


def post(client: Client, body: Any) -> Any:
    return client.post(URL, json.dumps(body), content_type="application/json")


def world() -> tuple[Any, ...]:
    """What a refused write must leave as it was."""
    return Household.objects.count(), AuditEntry.objects.count()


# List


def test_it_refuses_anonymous_callers(cast: Any, reg: Any) -> None:
    r = api(cast, None).get(URL)
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"


@pytest.mark.parametrize(
    ("who", "addresses"),
    [
        ("worker_a1", ["幸福路1号"]),
        ("head_a", ["幸福路1号", "幸福路2号"]),
        ("worker_b1", ["幸福路9号"]),
        ("dispatcher", ["幸福路1号", "幸福路2号", "幸福路9号"]),
        ("admin", ["幸福路1号", "幸福路2号", "幸福路9号"]),
        ("nobody", []),
    ],
)
def test_it_lists_only_households_in_scope(
    cast: Any, reg: Any, who: str, addresses: list[str]
) -> None:
    r = api(cast, who).get(URL, {"q": "幸福路"})
    assert r.status_code == 200
    assert r.json()["count"] == len(addresses)
    assert [h["address"] for h in r.json()["items"]] == addresses


def test_it_answers_each_household_exactly(cast: Any, reg: Any) -> None:
    r = api(cast, "worker_a1").get(URL, {"q": "幸福路1"})
    assert r.json() == {
        "count": 1,
        "items": [
            {
                "public_id": str(reg.h1.public_id),
                "grid_code": A1,
                "address": "幸福路1号",
                "building": None,
                "unit": "2",
                "floor": 3,
                "room": "301",
                "household_type": "unit",
                "member_count": 2,
            }
        ],
    }


def test_it_filters_by_grid_within_scope(cast: Any, reg: Any) -> None:
    head = api(cast, "head_a")
    assert head.get(URL, {"grid": A2}).json()["count"] == 121  # 120 of the cast + 幸福路2号
    assert head.get(URL, {"grid": "640402001001"}).json()["count"] == 350 + 120 + 2
    # Asking for a grid outside the scope finds nothing rather than something.
    assert head.get(URL, {"grid": B1}).json() == {"count": 0, "items": []}


def test_it_pages_with_limit_and_offset(cast: Any, reg: Any) -> None:
    worker = api(cast, "worker_a1")
    first = worker.get(URL, {"limit": 2}).json()
    assert first["count"] == 351
    # In the household list page's order: grid, then address (as text), then id.
    assert [h["address"] for h in first["items"]] == ["幸福路1号", "甲社区第1网格0号"]
    last = worker.get(URL, {"limit": 200, "offset": 349}).json()
    assert [h["address"] for h in last["items"]] == ["甲社区第1网格99号", "甲社区第1网格9号"]
    assert len(worker.get(URL).json()["items"]) == 50


def test_it_caps_the_count(cast: Any, reg: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry_api, "COUNT_CAP", 100)
    body = api(cast, "worker_a1").get(URL, {"limit": 3}).json()
    assert (body["count"], len(body["items"])) == (100, 3)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"offset": -1}, "offset"),
        ({"limit": "many"}, "limit"),
        ({"grid": "A1"}, "grid"),
        ({"q": "路" * 61}, "q"),
    ],
)
def test_it_rejects_bad_paging_and_filters(
    cast: Any, reg: Any, query: dict[str, Any], field: str
) -> None:
    r = api(cast, "worker_a1").get(URL, query)
    assert r.status_code == 422
    assert (r.json()["code"], r.json()["field"]) == ("invalid", field)


def test_it_lists_in_a_constant_number_of_queries(
    cast: Any, reg: Any, django_assert_num_queries: Any
) -> None:
    worker = api(cast, "worker_a1")
    worker.get(URL)  # the token's last use is written once a minute: not in the count
    # The token, the caller's assignments, the capped count, the page (building joined).
    with django_assert_num_queries(4):
        assert len(worker.get(URL, {"limit": 200}).json()["items"]) == 200
    with django_assert_num_queries(4):
        assert len(worker.get(URL, {"limit": 1}).json()["items"]) == 1


# Read


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("nobody", 404), ("worker_b1", 404), ("worker_a1", 200), ("head_a", 200)],
)
def test_it_reads_a_household_only_in_scope(cast: Any, reg: Any, who: str, status: int) -> None:
    r = api(cast, who).get(f"{URL}/{reg.h1.public_id}")
    assert r.status_code == status
    if status == 404:
        assert r.json() == {"code": "not_found", "message": "未找到。", "field": None}


def test_it_shows_members_masked_and_tags(cast: Any, reg: Any) -> None:
    body = api(cast, "worker_a1").get(f"{URL}/{reg.h1.public_id}").json()
    assert body["member_count"] == 2
    assert body["members"] == [
        {
            "public_id": str(reg.zhang.public_id),
            "name": "张三",
            "relation": "head",
            "sex": "m",
            "birth_date": "1980-05-01",
            "id_masked": "6404**********" + reg.zhang.id_masked[-4:],
            "phone_masked": "139****5678",
            "residence_status": "registered",
        },
        {
            "public_id": str(reg.li.public_id),
            "name": "李四",
            "relation": "spouse",
            "sex": "f",
            "birth_date": "1982-07-09",
            "id_masked": "6404**********" + reg.li.id_masked[-4:],
            "phone_masked": "",
            "residence_status": "registered",
        },
    ]
    assert [(t["id"], t["kind"], t["household"], t["resident"]) for t in body["tags"]] == [
        (reg.tag.pk, "hardship", str(reg.h1.public_id), None)
    ]
    assert body["tags"][0]["details"] == {"assistance": "low_income"}
    # Nothing in the answer holds a whole ID number or phone.
    text = json.dumps(body)
    assert "13912345678" not in text
    assert idnumbers.make("640402", dt.date(1980, 5, 1), 11) not in text


def test_it_answers_422_for_a_malformed_id(cast: Any, reg: Any) -> None:
    r = api(cast, "worker_a1").get(f"{URL}/not-a-uuid")
    assert r.status_code == 422
    assert r.json()["field"] == "public_id"


# Register


def new(**extra: Any) -> dict[str, Any]:
    return {"grid": A1, "address": "幸福路3号", "household_type": "self_governing", **extra}


@pytest.mark.parametrize(
    ("who", "grid", "status"),
    [
        (None, A1, 401),
        ("nobody", A1, 404),
        ("worker_b1", A1, 404),  # out of scope
        ("worker_a1", A2, 404),
        ("dispatcher", A1, 403),  # sees A1, may not register there
        ("admin_a", A1, 403),  # a grid administrator draws grids, not households
    ],
)
def test_it_refuses_to_register_without_scope_or_right(
    cast: Any, reg: Any, who: str | None, grid: str, status: int
) -> None:
    before = world()
    r = post(api(cast, who), new(grid=grid))
    assert r.status_code == status
    assert world() == before


def test_it_registers_a_household_in_scope(cast: Any, reg: Any) -> None:
    r = post(api(cast, "worker_a1"), new(unit="1", floor=-1, room="B1"))
    assert r.status_code == 201
    h = Household.objects.get(address="幸福路3号")
    assert r.json() == {
        "public_id": str(h.public_id),
        "grid_code": A1,
        "address": "幸福路3号",
        "building": None,
        "unit": "1",
        "floor": -1,
        "room": "B1",
        "household_type": "self_governing",
        "member_count": 0,
        "members": [],
        "tags": [],
    }
    entry = AuditEntry.objects.get(action="household.create", object_key=str(h.public_id))
    assert entry.actor == cast.worker_a1
    assert entry.after == {"grid": A1, "type": "self_governing"}


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        (new(grid="640402001001"), 422, "not_a_grid", "grid"),  # a community
        (new(grid="640402001001009"), 404, "not_found", "grid"),  # no such grid
        (new(grid="A1"), 422, "invalid", "grid"),
        (new(household_type="palace"), 422, "invalid", "household_type"),
        (new(address=""), 422, "invalid", "address"),
        (new(address="   "), 422, "invalid", "address"),  # blank once normalised
        (new(address="路" * 201), 422, "invalid", "address"),
        (new(building="64040200100100199999"), 422, "invalid_building", "building"),
        (new(floor=201), 422, "invalid", "floor"),
        (new(unit="12345678901"), 422, "invalid", "unit"),
        ({"grid": A1, "address": "幸福路3号"}, 422, "invalid", "household_type"),
    ],
)
def test_it_rejects_bad_households_naming_the_field(
    cast: Any, reg: Any, body: dict[str, Any], status: int, code: str, field: str
) -> None:
    before = world()
    r = post(api(cast, "head_a"), body)  # head of community A: it sees the community itself
    assert r.status_code == status
    assert (r.json()["code"], r.json()["field"]) == (code, field)
    assert world() == before


def test_it_answers_400_for_a_body_that_is_not_json(cast: Any, reg: Any) -> None:
    before = world()
    r = api(cast, "worker_a1").post(URL, "{grid:", content_type="application/json")
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_json"
    assert world() == before
