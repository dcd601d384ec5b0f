"""Fixes from the review of grids, core and the API: one test (or two) per fix."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from gridgov.accounts.models import ApiToken, Assignment, User
from gridgov.accounts.roles import Role
from gridgov.conftest import EPOCH, square
from gridgov.core import stamps
from gridgov.core.errors import ServiceError
from gridgov.core.models import AuditEntry
from gridgov.grids import index, services
from gridgov.grids.models import Grid, GridSuccession
from gridgov.grids.services import NewGrid, redivide, retire_grid

pytestmark = pytest.mark.django_db

COMMUNITY_A, COMMUNITY_B = "640402001001", "640402002001"
A1, A2, B1 = "640402001001001", "640402001001002", "640402002001001"
DAY = dt.date(2024, 3, 1)


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    # Each test's writes roll back, stamp included: drop indexes built on rolled-back data.
    index.drop_all()
    yield
    index.drop_all()


def api(cast: Any, who: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}")


def send(client: Client, method: str, url: str, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return getattr(client, method)(url, data, content_type="application/json")


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


# Scope


def test_it_answers_a_host_out_of_scope_like_an_unknown_code(cast: Any) -> None:
    # Given a dedicated grid under community A, hosted by a grid of community B (out of
    # admin_a's scope) or by a code that does not exist
    body = {
        "parent": COMMUNITY_A,
        "name": "甲社区医院",
        "kind": "dedicated",
        "subtype": "hospital",
        "valid_from": "2024-03-01",
    }
    before = world()
    # When admin_a names either host
    out_of_scope = send(api(cast, "admin_a"), "post", "/api/v1/grids", {**body, "host": B1})
    unknown = send(api(cast, "admin_a"), "post", "/api/v1/grids", {**body, "host": A1[:-1] + "9"})
    # Then both refusals read the same: nothing tells that B1 exists
    expected = {"code": "invalid_host", "message": "没有此编码的网格。", "field": "host"}
    assert (out_of_scope.status_code, out_of_scope.json()) == (422, expected)
    assert (unknown.status_code, unknown.json()) == (422, expected)
    assert world() == before


def test_it_lists_only_successors_and_predecessors_in_the_readers_scope(cast: Any) -> None:
    # Given the superuser retired A2 with B1 (another street) as its successor
    retire_grid(actor=cast.admin, grid=cast.a2, date=DAY, successor_codes=[B1])
    # When each side reads its own grid
    seen_by_head_a = api(cast, "head_a").get(f"/api/v1/grids/{A2}").json()
    seen_by_worker_b1 = api(cast, "worker_b1").get(f"/api/v1/grids/{B1}").json()
    seen_by_admin = api(cast, "admin").get(f"/api/v1/grids/{A2}").json()
    # Then neither learns the code on the other side; the superuser sees both
    assert seen_by_head_a["successors"] == []
    assert seen_by_worker_b1["predecessors"] == []
    assert seen_by_admin["successors"] == [B1]


def test_it_checks_the_right_to_edit_before_the_body(cast: Any) -> None:
    before = world()
    r = send(api(cast, "head_a"), "patch", f"/api/v1/grids/{A1}", {})
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"
    assert world() == before


# Boundaries and history


def test_it_refuses_a_boundary_that_leaves_a_grid_under_it_outside(cast: Any) -> None:
    # Given community A holds A1 (west half) and A2 (east half)
    before = world()
    # When its administrator shrinks it to A1's square
    r = send(
        api(cast, "admin_a"),
        "patch",
        f"/api/v1/grids/{COMMUNITY_A}",
        {"boundary": square(106.0, 36.0, 106.1, 36.4)},
    )
    # Then A2 would lie outside its parent: refused, naming the field and the grid
    assert r.status_code == 422
    assert (r.json()["code"], r.json()["field"]) == ("inner_grid_outside", "boundary")
    assert A2 in r.json()["message"]
    assert world() == before


def test_it_still_accepts_a_boundary_that_keeps_the_grids_under_it_inside(cast: Any) -> None:
    r = send(
        api(cast, "admin_a"),
        "patch",
        f"/api/v1/grids/{COMMUNITY_A}",
        {"boundary": square(106.0, 36.0, 106.2, 36.4)},
    )
    assert r.status_code == 200


def test_it_answers_lookups_with_the_new_name_after_a_rename(cast: Any) -> None:
    # Given a lookup has built this process's index
    url = "/api/v1/grids/lookup?lon=106.05&lat=36.2"
    assert api(cast, "admin_a").get(url).json()["levels"][-1]["name"] == "甲社区第1网格"
    # When A1 is renamed
    r = send(api(cast, "admin_a"), "patch", f"/api/v1/grids/{A1}", {"name": "甲一网格"})
    assert r.status_code == 200
    # Then the next lookup (in any process: the stamp moved) answers with the new name
    assert api(cast, "admin_a").get(url).json()["levels"][-1]["name"] == "甲一网格"


def test_it_refuses_to_retire_a_parent_before_its_children_end(cast: Any) -> None:
    # Given A1 and A2 end on 1 June 2024
    for g in (cast.a1, cast.a2):
        retire_grid(actor=cast.admin_a, grid=g, date=dt.date(2024, 6, 1))
    before = world()
    # When community A is retired on 1 January, while they are still in force
    with pytest.raises(ServiceError) as e:
        retire_grid(actor=cast.admin_a, grid=cast.community_a, date=dt.date(2024, 1, 1))
    # Then it is refused, and nothing changed
    assert (e.value.code, e.value.status, e.value.field) == ("has_children", 409, "code")
    assert world() == before
    # while retiring it on the day they end is fine
    retired = retire_grid(actor=cast.admin_a, grid=cast.community_a, date=dt.date(2024, 6, 1))
    assert retired.valid_to == dt.date(2024, 6, 1)


# Errors


def test_it_says_why_a_value_is_bad_in_the_persons_language(cast: Any) -> None:
    r = send(api(cast, "admin_a"), "patch", f"/api/v1/grids/{A1}", {"clear_boundary": "maybe"})
    assert (r.status_code, r.json()) == (
        422,
        {"code": "invalid", "message": "clear_boundary: 输入无效。", "field": "clear_boundary"},
    )


def test_it_answers_a_body_that_is_not_json_in_the_error_shape(cast: Any) -> None:
    before = world()
    r = send(api(cast, "admin_a"), "post", "/api/v1/grids", "{not json")
    assert (r.status_code, r.json()) == (
        400,
        {"code": "invalid_json", "message": "请求体不是有效的 JSON。", "field": None},
    )
    assert world() == before


def test_it_names_the_grids_field_when_they_are_not_siblings(cast: Any) -> None:
    before = world()
    r = send(
        api(cast, "admin"),
        "post",
        "/api/v1/grids/redivide",
        {"grids": [A1, B1], "new": [{"name": "新网格"}], "date": "2024-03-01"},
    )
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (400, "not_siblings", "grids")
    assert world() == before


# Query counts


def add_children(parent: Grid, n: int) -> None:
    Grid.objects.bulk_create(
        [
            Grid(
                network=parent.network,
                parent=parent,
                depth=parent.depth + 1,
                code=f"{parent.code}{600 - i:03d}",
                name=f"子网格{i}",
                valid_from=EPOCH,
            )
            for i in range(n)
        ]
    )


@pytest.mark.parametrize("extra_children", [0, 12])
def test_it_lists_children_in_a_constant_number_of_queries(
    cast: Any, django_assert_num_queries: Any, extra_children: int
) -> None:
    add_children(cast.community_a, extra_children)
    client = api(cast, "head_a")
    client.get("/api/v1/grids")  # the token's first use writes last_used_at; not counted
    # 1 the token, 2 the network, 3 the caller's assignments, 4 the parent (in scope),
    # 5 the children with network/parent/host joined, 6 households per child (one GROUP BY).
    with django_assert_num_queries(6):
        r = client.get(f"/api/v1/grids?parent={COMMUNITY_A}")
    assert len(r.json()) == 2 + extra_children
    assert {g["code"]: g["households"] for g in r.json()}[A1] == 350


def test_it_lists_a_persons_top_grids_with_one_count_query(
    cast: Any, django_assert_num_queries: Any
) -> None:
    # Given a person who holds roles on three grids in two streets
    user = User.objects.create_user("worker_three", password="pw")
    for g in (cast.a1, cast.a2, cast.b1):
        Assignment.objects.create(user=user, grid=g, role=Role.GRID_WORKER)
    token = ApiToken.issue(user, "test")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.get(f"/api/v1/grids/{A1}")  # the token's first use writes last_used_at; not counted
    # 1 the token, 2 the network, 3 the assignments, 4 the top grids with network, parent
    # and host joined, 5 the households under all of them (one conditional count each).
    with django_assert_num_queries(5):
        r = client.get("/api/v1/grids")
    assert [(g["code"], g["households"]) for g in r.json()] == [
        (A1, 350),
        (A2, 120),
        (B1, 600),
    ]


# Concurrency


def test_it_turns_a_lost_race_for_a_code_into_409(cast: Any, monkeypatch: Any) -> None:
    # Given another request takes the next free code between our check and our insert
    real = services._validated_boundary

    def racing(raw: Any, parent: Any, field: str = "boundary") -> Any:
        Grid.objects.create(
            network=cast.network,
            parent=cast.community_a,
            depth=3,
            code="640402001001003",
            name="先到的网格",
            valid_from=EPOCH,
        )
        return real(raw, parent, field)

    monkeypatch.setattr(services, "_validated_boundary", racing)
    before = world()
    # When our create reaches the database
    r = send(
        api(cast, "admin_a"),
        "post",
        "/api/v1/grids",
        {"parent": COMMUNITY_A, "name": "后到的网格", "valid_from": "2024-03-01"},
    )
    # Then the unique constraint makes it a 409 in the error shape, and nothing is saved
    assert (r.status_code, r.json()) == (
        409,
        {"code": "duplicate_code", "message": "编码 640402001001003 已被占用。", "field": "code"},
    )
    assert world() == before


def test_it_locks_the_grids_to_redivide_before_taking_the_boundary_stamp(
    cast: Any, monkeypatch: Any
) -> None:
    events: list[tuple[str, ...]] = []
    lock, bump = services._lock_for_change, services.bump_boundary_stamp

    def recording_lock(actor: Any, grid: Grid) -> Grid:
        events.append(("lock", grid.code))
        return lock(actor, grid)

    def recording_bump() -> None:
        events.append(("bump",))
        bump()

    monkeypatch.setattr(services, "_lock_for_change", recording_lock)
    monkeypatch.setattr(services, "bump_boundary_stamp", recording_bump)
    redivide(
        actor=cast.admin_a,
        grids=[cast.a2, cast.a1],
        new=[NewGrid("甲社区新网格", square(106.0, 36.0, 106.2, 36.4))],
        date=DAY,
    )
    # Old grids in code order, then the stamp: the order every other editor takes them in.
    assert events[:3] == [("lock", A1), ("lock", A2), ("bump",)]


def test_it_gives_a_point_on_a_shared_edge_to_one_grid_per_level(cast: Any) -> None:
    # Given a point on the edge between A1 (106.0–106.1) and A2 (106.1–106.2)
    index.drop_all()
    # When it is looked up
    hits = index.for_network(cast.network.pk).locate(106.1, 36.2)
    # Then each level has one grid, the lower code at the grid level
    assert [h.code for h in hits] == [
        "640402",
        "640402001",
        "640402001001",
        "640402001001001",
    ]
