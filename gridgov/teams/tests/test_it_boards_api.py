"""/api/v1/teams/boards: the public board of a grid, and the caller's own public card."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client, override_settings

from gridgov.teams.models import StaffProfile

from .boards_cast import PUBLIC_A1, add_people

pytestmark = pytest.mark.django_db

API = "/api/v1/teams/boards"


@pytest.fixture(scope="module")
def c(cast: SimpleNamespace, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Any]:
    with (
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        django_db_blocker.unblock(),
    ):
        yield add_people(cast)


def call(c: Any, method: str, path: str, who: str | None = None, body: Any = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {c.tokens[who]}"} if who else {}
    if body is None:
        return getattr(Client(), method)(API + path, **headers)
    return getattr(Client(), method)(
        API + path, json.dumps(body), content_type="application/json", **headers
    )


def test_it_gives_anyone_the_public_board(c: Any) -> None:
    r = call(c, "get", "/grids/640402001001001")
    assert r.status_code == 200
    board = r.json()
    assert (board["code"], board["name"], board["parent_code"], board["url"]) == (
        "640402001001001",
        "甲社区第1网格",
        "640402001001",
        PUBLIC_A1,
    )
    staff = {s["role"]: s["people"] for s in board["staff"]}
    assert [p["name"] for p in staff["grid_head"]] == ["赵磊"]
    head = staff["grid_head"][0]
    profile = StaffProfile.objects.get(user=c.head_a1)
    assert (head["phone"], head["photo_url"]) == (
        "09542012345",
        f"/teams/photo/{profile.public_id}/",
    )
    # Not on boards: name and role only.
    instructor = staff["grid_instructor"][0]
    assert (
        instructor["name"],
        instructor["phone"],
        instructor["photo_url"],
        instructor["duties"],
    ) == ("王芳", "", None, "")
    assert [s["role"] for s in board["party"]] == ["party_member"]
    assert "username" not in json.dumps(board) and "head_a1" not in json.dumps(board)


def test_it_answers_404_for_an_unknown_grid(c: Any) -> None:
    r = call(c, "get", "/grids/640402009009009")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize("method", ["get", "patch"])
def test_it_asks_anonymous_callers_to_log_in_for_a_card(c: Any, method: str) -> None:
    r = call(c, method, "/profile", body={"phone": ""} if method == "patch" else None)
    assert r.status_code == 401


def test_it_gives_the_caller_their_own_card(c: Any) -> None:
    r = call(c, "get", "/profile", "worker_a1")
    assert r.json() == {
        "phone": "13912345678",
        "duties": "入户走访",
        "on_boards": True,
        "photo_url": None,
    }
    assert call(c, "get", "/profile", "nobody").json() == {
        "phone": "",
        "duties": "",
        "on_boards": False,
        "photo_url": None,
    }


def test_it_changes_only_the_fields_sent(c: Any) -> None:
    r = call(c, "patch", "/profile", "worker_b1", {"phone": "0954 201 8888", "on_boards": True})
    assert r.status_code == 200
    assert r.json() == {"phone": "09542018888", "duties": "", "on_boards": True, "photo_url": None}
    r = call(c, "patch", "/profile", "worker_b1", {"duties": "安全巡查"})
    assert r.json()["phone"] == "09542018888" and r.json()["duties"] == "安全巡查"


@pytest.mark.parametrize(
    "body,field",
    [
        ({"phone": "12345"}, "phone"),
        ({"duties": "x" * 301}, "duties"),
        ({"on_boards": "maybe"}, "on_boards"),
    ],
)
def test_it_refuses_bad_fields_changing_nothing(c: Any, body: dict[str, Any], field: str) -> None:
    before = call(c, "get", "/profile", "worker_a1").json()
    r = call(c, "patch", "/profile", "worker_a1", body)
    assert (r.status_code, r.json()["field"]) == (422, field)
    assert call(c, "get", "/profile", "worker_a1").json() == before
