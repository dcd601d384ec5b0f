"""POST/PATCH /api/v1/grids…: create, edit, retire — the matrix, bad input, history."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.conftest import square
from gridgov.core import stamps
from gridgov.core.models import AuditEntry
from gridgov.grids import index
from gridgov.grids.models import Grid, GridSuccession

pytestmark = pytest.mark.django_db

COMMUNITY_A, COMMUNITY_B = "640402001001", "640402002001"
A1, A2, B1 = "640402001001001", "640402001001002", "640402002001001"
INSIDE_A = square(106.05, 36.1, 106.15, 36.2)


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    # Each test's writes roll back, stamp included: an index built in one test could carry
    # the same stamp as another test's different boundaries.
    index.drop_all()
    yield
    index.drop_all()


def api(cast: Any, who: str | None) -> Client:
    if who is None:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}")


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


def world() -> tuple[Any, ...]:
    """Everything a refused write must leave as it was."""
    grids = list(
        Grid.objects.order_by("code").values_list(
            "code", "name", "kind", "subtype", "boundary", "min_lon", "valid_to", "updated_at"
        )
    )
    return (
        grids,
        AuditEntry.objects.count(),
        GridSuccession.objects.count(),
        stamps.version(stamps.BOUNDARIES),
    )


def new_grid(**extra: Any) -> dict[str, Any]:
    return {"parent": COMMUNITY_A, "name": "甲社区新网格", "valid_from": "2024-03-01", **extra}


# Create


@pytest.mark.parametrize(
    ("who", "parent", "status"),
    [
        (None, COMMUNITY_A, 401),
        ("head_a", COMMUNITY_A, 403),  # sees community A, may not change it
        ("worker_a1", A1, 403),  # sees A1, may not add buildings under it
        ("dispatcher", COMMUNITY_A, 403),
        ("admin_a", COMMUNITY_B, 404),  # street B is outside street A
        ("worker_a1", COMMUNITY_A, 404),
        ("nobody", COMMUNITY_A, 404),
    ],
)
def test_it_refuses_to_create_without_the_right(
    cast: Any, who: str | None, parent: str, status: int
) -> None:
    before = world()
    r = post(api(cast, who), "/api/v1/grids", new_grid(parent=parent, boundary=INSIDE_A))
    assert r.status_code == status
    assert r.json()["code"] == {401: "unauthenticated", 403: "forbidden", 404: "not_found"}[status]
    assert world() == before


def test_it_creates_a_grid_with_the_next_free_code(cast: Any) -> None:
    # When street A's administrator adds a grid to community A
    r = post(api(cast, "admin_a"), "/api/v1/grids", new_grid(boundary=INSIDE_A))
    # Then it gets sequence 003 (after A1, A2), and the stored row says so
    assert r.status_code == 201
    body = r.json()
    keys = ("code", "parent", "depth", "level", "kind", "valid_from", "valid_to", "standard")
    assert [body[k] for k in keys] == [
        *("640402001001003", COMMUNITY_A, 3, "网格", "comprehensive", "2024-03-01", None, "low")
    ]
    grid = Grid.objects.get(code="640402001001003")
    assert (grid.name, grid.parent_id, grid.depth) == ("甲社区新网格", cast.community_a.pk, 3)
    assert (grid.min_lon, grid.min_lat, grid.max_lon, grid.max_lat) == (106.05, 36.1, 106.15, 36.2)
    assert body["boundary"] == grid.boundary
    # And one audit row records who did it and what was created
    entry = AuditEntry.objects.get(action="grid.create")
    assert (entry.actor_id, entry.object_key, entry.before) == (cast.admin_a.pk, body["code"], None)
    assert entry.after == {
        "code": "640402001001003",
        "name": "甲社区新网格",
        "kind": "comprehensive",
        "subtype": "",
        "parent": COMMUNITY_A,
        "host": None,
        "valid_from": "2024-03-01",
        "valid_to": None,
        "boundary_vertices": 5,
    }


def test_it_starts_today_and_needs_no_boundary(cast: Any) -> None:
    r = post(api(cast, "admin_a"), "/api/v1/grids", {"parent": COMMUNITY_A, "name": "无边界"})
    assert r.status_code == 201
    grid = Grid.objects.get(code="640402001001003")
    assert (grid.valid_from, grid.boundary, grid.min_lon) == (timezone.localdate(), None, None)


def test_it_never_reuses_the_code_of_a_retired_grid(cast: Any) -> None:
    client = api(cast, "admin_a")
    assert post(client, "/api/v1/grids", new_grid()).json()["code"] == "640402001001003"
    r = post(client, "/api/v1/grids/640402001001003/retire", {"date": "2024-04-01"})
    assert r.status_code == 200
    assert post(client, "/api/v1/grids", new_grid()).json()["code"] == "640402001001004"
    assert list(
        Grid.objects.subtree(COMMUNITY_A).filter(depth=3).values_list("code", flat=True)
    ) == [
        A1,
        A2,
        "640402001001003",
        "640402001001004",
    ]


def test_it_takes_an_explicit_code_and_continues_after_it(cast: Any) -> None:
    client = api(cast, "admin_a")
    r = post(client, "/api/v1/grids", new_grid(code="640402001001010"))
    assert (r.status_code, r.json()["code"]) == (201, "640402001001010")
    assert post(client, "/api/v1/grids", new_grid()).json()["code"] == "640402001001011"


def test_it_creates_a_dedicated_grid_in_its_host(cast: Any) -> None:
    body = new_grid(
        kind="dedicated",
        subtype="hospital",
        host=A1,
        name="人民医院",
        boundary=square(106.02, 36.1, 106.05, 36.12),
    )
    r = post(api(cast, "admin_a"), "/api/v1/grids", body)
    assert r.status_code == 201
    assert (r.json()["code"], r.json()["host"], r.json()["standard"]) == (
        "640402001001700",
        A1,
        None,
    )
    grid = Grid.objects.get(code="640402001001700")
    assert (grid.kind, grid.subtype, grid.host_id) == ("dedicated", "hospital", cast.a1.pk)


BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[106.05, 36.1], [106.15, 36.2], [106.15, 36.1], [106.05, 36.2], [106.05, 36.1]]
    ],
}
UNCLOSED = {
    "type": "Polygon",
    "coordinates": [[[106.05, 36.1], [106.15, 36.1], [106.15, 36.2], [106.05, 36.2]]],
}


@pytest.mark.parametrize(
    ("extra", "status", "code", "field", "message"),
    [
        ({"boundary": {"type": "Polygon", "coordinates": "x"}}, 422, "invalid_boundary",
         "boundary", "缺少坐标。"),
        ({"boundary": {"type": "Point", "coordinates": [106.1, 36.1]}}, 422, "invalid_boundary",
         "boundary", "边界应为 GeoJSON 的 Polygon 或 MultiPolygon。"),
        ({"boundary": "POLYGON"}, 422, "invalid", "boundary", "boundary: 应为 JSON 对象。"),
        ({"boundary": BOWTIE}, 422, "invalid_boundary", "boundary",
         "多边形无效：Self-intersection[106.1 36.15]。"),
        ({"boundary": UNCLOSED}, 422, "invalid_boundary", "boundary",
         "第 1 个多边形第 1 个环：环未闭合（首尾坐标不同）。"),
        ({"boundary": square(106.1, 36.1, 106.2, 181.0)}, 422, "invalid_boundary", "boundary",
         "第 1 个多边形第 1 个环：坐标 (106.2, 181.0) 超出范围。"),
        ({"code": "640402002001003"}, 422, "invalid_code", "code",
         "编码应以上级编码 640402001001 开头。"),
        ({"code": "64040200100103"}, 422, "invalid_code", "code",
         "该层级的编码应为 15 位，而不是 14 位。"),
        ({"code": "64040200100100a"}, 422, "invalid_code", "code", "编码只能包含数字。"),
        ({"code": "640402001001000"}, 422, "invalid_code", "code",
         "上级编码之后的部分不能全为零。"),
        ({"code": A1}, 409, "duplicate_code", "code",
         "编码 640402001001001 已被占用或曾经使用；编码不得重复使用。"),
        ({"code": "640402001001701"}, 422, "code_kind_mismatch", "code",
         "网格序号 001–699 为综合网格，700–999 为专属网格。"),
        ({"kind": "dedicated", "host": A1}, 422, "invalid_subtype", "subtype",
         "专属网格须注明类型（医院、学校等）。"),
        ({"kind": "dedicated", "subtype": "school"}, 422, "host_required", "host",
         "专属网格须注明其所在的综合网格。"),
        ({"name": ""}, 422, "invalid", "name", "name: 此项必填。"),
        ({"name": "\u200b  "}, 422, "invalid", "name", "name: 此项必填。"),
        ({"network": "nowhere"}, 422, "unknown_network", "network", "没有网格体系 nowhere。"),
        ({"valid_from": "2020-12-31"}, 422, "before_parent", "valid_from",
         "网格的生效日期不能早于其上级。"),
    ],
)  # fmt: skip
def test_it_refuses_bad_input_naming_the_field(
    cast: Any, extra: dict[str, Any], status: int, code: str, field: str, message: str
) -> None:
    before = world()
    r = post(api(cast, "admin_a"), "/api/v1/grids", new_grid(**extra))
    assert r.status_code == status
    assert r.json() == {"code": code, "message": message, "field": field}
    assert world() == before


def test_it_allows_a_boundary_only_within_the_tolerance_of_the_parent(cast: Any) -> None:
    # Given a boundary 0.000555° ≈ 50 m east of community A's edge (at 106.2): refused
    client, before = api(cast, "admin_a"), world()
    r = post(client, "/api/v1/grids", new_grid(boundary=square(106.15, 36.1, 106.200555, 36.2)))
    assert r.status_code == 422
    assert (r.json()["code"], r.json()["field"]) == ("outside_parent", "boundary")
    assert r.json()["message"].startswith("边界有 496")
    assert "平方米超出上级 640402001001" in r.json()["message"]
    assert world() == before
    # 0.0000333° ≈ 3 m beyond the edge is inside the 5 m tolerance
    r = post(client, "/api/v1/grids", new_grid(boundary=square(106.15, 36.1, 106.2000333, 36.2)))
    assert r.status_code == 201


# Edit


@pytest.mark.parametrize(
    ("who", "code", "status"),
    [
        (None, A1, 401),
        ("worker_a1", A1, 403),
        ("head_a", A2, 403),
        ("admin_a", B1, 404),
        ("worker_b1", A1, 404),
    ],
)
def test_it_refuses_to_edit_without_the_right(
    cast: Any, who: str | None, code: str, status: int
) -> None:
    before = world()
    r = patch(api(cast, who), f"/api/v1/grids/{code}", {"name": "改名", "boundary": INSIDE_A})
    assert r.status_code == status
    assert world() == before


def test_it_renames_a_grid_and_audits_before_and_after(cast: Any) -> None:
    r = patch(api(cast, "admin_a"), f"/api/v1/grids/{A1}", {"name": " 甲一网格 "})
    assert (r.status_code, r.json()["name"]) == (200, "甲一网格")
    assert Grid.objects.get(code=A1).name == "甲一网格"
    entry = AuditEntry.objects.get(action="grid.update", object_key=A1)
    assert entry.actor_id == cast.admin_a.pk
    assert (entry.before["name"], entry.after["name"]) == ("甲社区第1网格", "甲一网格")
    assert {k for k in entry.before if entry.before[k] != entry.after[k]} == {"name"}


def test_it_moves_a_boundary_and_lookups_follow(cast: Any) -> None:
    # Given A1 shrunk to its southern half
    stamp = stamps.version(stamps.BOUNDARIES)
    client = api(cast, "admin_a")
    assert client.get("/api/v1/grids/lookup?lon=106.05&lat=36.3").json()["levels"][-1]["code"] == A1
    r = patch(client, f"/api/v1/grids/{A1}", {"boundary": square(106.0, 36.0, 106.1, 36.2)})
    assert r.status_code == 200
    # Then the row, the stamp and the lookup all changed
    grid = Grid.objects.get(code=A1)
    assert (grid.min_lon, grid.min_lat, grid.max_lon, grid.max_lat) == (106.0, 36.0, 106.1, 36.2)
    assert stamps.version(stamps.BOUNDARIES) != stamp
    levels = client.get("/api/v1/grids/lookup?lon=106.05&lat=36.3").json()["levels"]
    assert [lv["code"] for lv in levels] == ["640402001", COMMUNITY_A]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"name": ""}, 422, "name"),
        ({"name": "  "}, 422, "name"),
        ({"boundary": BOWTIE}, 422, "boundary"),
        ({"boundary": square(106.0, 36.0, 106.3, 36.4)}, 422, "boundary"),  # beyond street A
        ({"subtype": "school"}, 422, "subtype"),  # A1 is comprehensive
        ({}, 400, None),
    ],
)
def test_it_refuses_a_bad_edit(cast: Any, body: dict[str, Any], status: int, field: Any) -> None:
    before = world()
    r = patch(api(cast, "admin_a"), f"/api/v1/grids/{A1}", body)
    assert (r.status_code, r.json()["field"]) == (status, field)
    assert world() == before


# Retire


@pytest.mark.parametrize(
    ("who", "code", "status"),
    [(None, A2, 401), ("worker_a1", A1, 403), ("head_a", A2, 403), ("admin_a", B1, 404)],
)
def test_it_refuses_to_retire_without_the_right(
    cast: Any, who: str | None, code: str, status: int
) -> None:
    before = world()
    r = post(api(cast, who), f"/api/v1/grids/{code}/retire", {"date": "2024-03-01"})
    assert r.status_code == status
    assert world() == before


def test_it_refuses_to_retire_a_grid_with_current_children(cast: Any) -> None:
    before = world()
    r = post(api(cast, "admin_a"), f"/api/v1/grids/{COMMUNITY_A}/retire", {"date": "2024-03-01"})
    assert r.status_code == 409
    assert r.json() == {
        "code": "has_children",
        "message": "请先撤销或重新划分其下级网格。",
        "field": "code",
    }
    assert world() == before


def test_it_retires_with_successors_and_answers_for_both_dates(cast: Any) -> None:
    # Given a new grid N over A2's ground from 2024-03-01
    client = api(cast, "admin_a")
    r = post(client, "/api/v1/grids", new_grid(boundary=square(106.1, 36.0, 106.2, 36.4)))
    new_code = r.json()["code"]
    # When A2 is retired on that day with N as its successor
    r = post(
        client,
        f"/api/v1/grids/{A2}/retire",
        {"date": "2024-03-01", "successors": [new_code], "reason": "重新划分"},
    )
    # Then A2 ends, the succession is recorded both ways, and the audit row says why
    assert r.status_code == 200
    assert (r.json()["valid_to"], r.json()["successors"]) == ("2024-03-01", [new_code])
    assert Grid.objects.get(code=A2).valid_to.isoformat() == "2024-03-01"
    succession = GridSuccession.objects.get()
    assert (succession.predecessor.code, succession.successor.code) == (A2, new_code)
    assert (succession.date.isoformat(), succession.reason) == ("2024-03-01", "重新划分")
    assert client.get(f"/api/v1/grids/{new_code}").json()["predecessors"] == [A2]
    entry = AuditEntry.objects.get(action="grid.retire")
    assert (entry.object_key, entry.note) == (A2, "重新划分")
    assert (entry.before["valid_to"], entry.after["valid_to"]) == (None, "2024-03-01")

    # And a lookup the day before finds A2, on the day and without a date finds N
    def deepest(query: str) -> str:
        r = client.get(f"/api/v1/grids/lookup?lon=106.15&lat=36.2{query}")
        return r.json()["levels"][-1]["code"]

    assert deepest("&at=2024-02-29") == A2
    assert deepest("&at=2024-03-01") == new_code
    assert deepest("") == new_code


@pytest.mark.parametrize("successor", ["640402001001999", A2, B1])  # unknown, itself, out of scope
def test_it_refuses_a_successor_that_is_not_a_current_grid_in_scope(
    cast: Any, successor: str
) -> None:
    before = world()
    r = post(
        api(cast, "admin_a"),
        f"/api/v1/grids/{A2}/retire",
        {"date": "2024-03-01", "successors": [successor]},
    )
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422,
        "invalid_successor",
        "successors",
    )
    assert world() == before


def test_it_refuses_to_retire_twice_or_before_the_start(cast: Any) -> None:
    client = api(cast, "admin_a")
    r = post(client, f"/api/v1/grids/{A2}/retire", {"date": "2020-12-31"})
    assert (r.status_code, r.json()["field"]) == (422, "date")
    assert post(client, f"/api/v1/grids/{A2}/retire", {"date": "2024-03-01"}).status_code == 200
    before = world()
    r = post(client, f"/api/v1/grids/{A2}/retire", {"date": "2024-04-01"})
    assert (r.status_code, r.json()["code"]) == (409, "retired")
    assert patch(client, f"/api/v1/grids/{A2}", {"name": "改名"}).status_code == 409
    assert world() == before


# Session auth


def test_it_accepts_a_session_only_with_the_csrf_token(cast: Any) -> None:
    # Given street A's administrator logged in through the site, CSRF enforced
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.admin_a)
    before = world()
    # When the browser posts without the token, it is refused and nothing is made
    r = post(client, "/api/v1/grids", new_grid())
    assert r.status_code == 403
    assert world() == before
    # With the token it goes through
    client.cookies["csrftoken"] = "k" * 32
    r = client.post(
        "/api/v1/grids",
        json.dumps(new_grid()),
        content_type="application/json",
        headers={"X-CSRFToken": "k" * 32},
    )
    assert r.status_code == 201
    assert AuditEntry.objects.get(action="grid.create").actor_id == cast.admin_a.pk


def test_it_answers_401_to_a_browser_without_credentials(cast: Any) -> None:
    r = post(Client(enforce_csrf_checks=True), "/api/v1/grids", new_grid())
    assert r.status_code == 401
