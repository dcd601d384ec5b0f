"""GET /api/v1/grids…: the permission matrix and exact answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def api(cast: Any, who: str | None) -> Client:
    if who is None:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}")


def test_it_refuses_anonymous_callers(cast: Any) -> None:
    r = api(cast, None).get("/api/v1/grids?parent=640402")
    assert r.status_code == 401
    assert r.json() == {
        "code": "unauthenticated",
        "message": "请登录或提供接口令牌。",
        "field": None,
    }


def test_it_refuses_a_wrong_token(cast: Any) -> None:
    r = Client(HTTP_AUTHORIZATION="Bearer gg_wrong").get("/api/v1/grids")
    assert r.status_code == 401


def test_it_lists_children_with_household_counts(cast: Any) -> None:
    r = api(cast, "head_a").get("/api/v1/grids?parent=640402001001")
    assert r.status_code == 200
    rows = [(g["code"], g["households"], g["standard"], g["level"]) for g in r.json()]
    assert rows == [
        ("640402001001001", 350, "ok", "网格"),
        ("640402001001002", 120, "low", "网格"),
    ]


def test_it_hides_grids_out_of_scope_as_not_found(cast: Any) -> None:
    r = api(cast, "worker_b1").get("/api/v1/grids?parent=640402001001")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
    assert r.json()["field"] == "parent"
    assert api(cast, "worker_a1").get("/api/v1/grids/640402001001002").status_code == 404
    assert api(cast, "nobody").get("/api/v1/grids/640402").status_code == 404


def test_it_starts_each_tree_at_the_callers_grids(cast: Any) -> None:
    assert [g["code"] for g in api(cast, "worker_a1").get("/api/v1/grids").json()] == [
        "640402001001001"
    ]
    assert [g["code"] for g in api(cast, "admin").get("/api/v1/grids").json()] == ["640402"]
    assert api(cast, "nobody").get("/api/v1/grids").json() == []


def test_it_returns_one_grid_with_its_boundary(cast: Any) -> None:
    r = api(cast, "worker_a1").get("/api/v1/grids/640402001001001")
    assert r.status_code == 200
    body = r.json()
    assert body["parent"] == "640402001001"
    assert body["households"] == 350
    assert body["boundary"]["type"] == "Polygon"
    assert body["statistical_code"] is None
    street = api(cast, "admin").get("/api/v1/grids/640402001").json()
    assert street["statistical_code"] == "640402001000"


def test_it_looks_up_a_point_at_every_level(cast: Any) -> None:
    r = api(cast, "dispatcher").get("/api/v1/grids/lookup?lon=106.15&lat=36.2")
    assert r.status_code == 200
    assert [lv["code"] for lv in r.json()["levels"]] == [
        "640402",
        "640402001",
        "640402001001",
        "640402001001002",
    ]


def test_it_limits_lookup_answers_to_the_callers_scope(cast: Any) -> None:
    r = api(cast, "worker_b1").get("/api/v1/grids/lookup?lon=106.15&lat=36.2")
    assert r.json()["levels"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("lon=181&lat=36", "lon"),
        ("lon=106&lat=-91", "lat"),
        ("lon=abc&lat=36", "lon"),
        ("lat=36", "lon"),
    ],
)
def test_it_rejects_bad_coordinates_naming_the_field(cast: Any, query: str, field: str) -> None:
    r = api(cast, "admin").get(f"/api/v1/grids/lookup?{query}")
    assert r.status_code == 422
    assert r.json()["field"] == field


def test_it_reports_size_standard_and_coverage(cast: Any) -> None:
    r = api(cast, "dispatcher").get("/api/v1/grids/640402/size-report")
    assert r.json()["grids"] == 3
    assert [(x["code"], x["standard"]) for x in r.json()["out_of_standard"]] == [
        ("640402001001002", "low"),
        ("640402002001001", "high"),
    ]
    cov = api(cast, "dispatcher").get("/api/v1/grids/640402/coverage").json()
    assert (cov["children_checked"], cov["gaps"], cov["overlaps"]) == (2, [], [])
