"""/api/v1/cases: report by location, list and read in scope, act with the version seen."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.cases.models import Case, CaseEvent

pytestmark = pytest.mark.django_db
JSON = "application/json"
SPOT = {"category": "0101", "lon": 106.05, "lat": 36.2, "description": "路边垃圾堆放"}


def as_(cast: Any, who: str | None) -> Client:
    if who is None:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}")


def test_it_reports_a_case_at_a_point_into_the_grid_there(cast: Any) -> None:
    assert as_(cast, None).post("/api/v1/cases", SPOT, JSON).status_code == 401
    r = as_(cast, "worker_a1").post("/api/v1/cases", SPOT, JSON)
    assert r.status_code == 201
    body = r.json()
    assert (body["grid"], body["holder"], body["stage"], body["version"]) == (
        "640402001001001",
        "640402001001001",
        "reported",
        1,
    )
    assert body["actions"] == ["settle", "escalate"]
    assert [e["action"] for e in body["events"]] == ["report"]
    assert body["deadline"] is not None


def test_it_refuses_bad_reports_naming_the_field(cast: Any) -> None:
    before = Case.objects.count()
    for change, status, field in [
        ({"category": "9999"}, 404, "category"),
        ({"category": "01"}, 422, "category"),  # a major class, not a leaf
        ({"lon": 120.0, "lat": 30.0}, 422, "location"),  # outside the district
        ({"lon": 106.3}, 404, "grid"),  # in B1: out of the A1 worker's scope
        ({"description": ""}, 422, "description"),
    ]:
        r = as_(cast, "worker_a1").post("/api/v1/cases", {**SPOT, **change}, JSON)
        assert (r.status_code, r.json()["field"]) == (status, field), change
    assert Case.objects.count() == before


def test_it_lists_and_reads_only_cases_in_scope(cast: Any) -> None:
    number = as_(cast, "worker_a1").post("/api/v1/cases", SPOT, JSON).json()["number"]
    assert [c["number"] for c in as_(cast, "head_a").get("/api/v1/cases").json()] == [number]
    assert as_(cast, "worker_b1").get("/api/v1/cases").json() == []
    assert as_(cast, "worker_b1").get(f"/api/v1/cases/{number}").status_code == 404
    assert as_(cast, "dispatcher").get(f"/api/v1/cases/{number}").json()["number"] == number


def test_it_acts_once_when_two_act_on_what_they_saw(cast: Any) -> None:
    number = as_(cast, "worker_a1").post("/api/v1/cases", SPOT, JSON).json()["number"]
    url = f"/api/v1/cases/{number}"
    first = as_(cast, "head_a").post(f"{url}/file", {"version": 1}, JSON)
    assert (first.status_code, first.json()["stage"], first.json()["version"]) == (200, "filed", 2)
    events = CaseEvent.objects.count()
    second = as_(cast, "dispatcher").post(f"{url}/reject", {"version": 1, "note": "重复"}, JSON)
    assert (second.status_code, second.json()["code"]) == (409, "conflict")
    assert CaseEvent.objects.count() == events
    r = as_(cast, "head_a").post(f"{url}/dispatch", {"level": "640402001001001"}, JSON)
    assert (r.json()["stage"], r.json()["assignee"]) == ("dispatched", "640402001001001")
    r = as_(cast, "worker_a1").post(f"{url}/handle", {"note": "已清理"}, JSON)
    assert r.json()["stage"] == "handled"
    r = as_(cast, "worker_a1").post(f"{url}/verify", {}, JSON)
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    r = as_(cast, "head_a").post(f"{url}/verify", {}, JSON)
    assert [e["to_stage"] for e in r.json()["events"]] == [
        "reported",
        "filed",
        "dispatched",
        "handled",
        "closed",
    ]
    assert as_(cast, "head_a").post(f"{url}/jump", {}, JSON).status_code == 422


def test_it_lists_the_categories(cast: Any) -> None:
    body = as_(cast, "worker_a1").get("/api/v1/cases/categories").json()
    assert {c["code"] for c in body} >= {"01", "0101", "0501", "1002"}
    fire = next(c for c in body if c["code"] == "0501")
    assert (fire["parent"], fire["must_attend"]) == ("05", True)


def test_it_dispatches_with_co_handling_units(cast: Any, dept: Any) -> None:
    number = as_(cast, "worker_a1").post("/api/v1/cases", SPOT, JSON).json()["number"]
    url = f"/api/v1/cases/{number}"
    as_(cast, "head_a").post(f"{url}/file", {}, JSON)
    r = as_(cast, "head_a").post(
        f"{url}/dispatch", {"unit": dept.unit.pk, "co_units": [999999]}, JSON
    )
    assert (r.status_code, r.json()["field"]) == (404, "co_units")
    other = dept.unit.__class__.objects.create(
        grid=cast.county, grid_code=cast.county.code, name="住建局", kind="unit"
    )
    r = as_(cast, "head_a").post(
        f"{url}/dispatch", {"unit": dept.unit.pk, "co_units": [other.pk]}, JSON
    )
    assert (r.json()["unit"], r.json()["co_units"]) == ("城管局", ["住建局"])


def test_it_answers_indicators_in_scope(cast: Any, dept: Any) -> None:
    as_(cast, "worker_a1").post("/api/v1/cases", SPOT, JSON)
    url = "/api/v1/cases/indicators"
    q = {"node": "640402001", "start": "2020-01-01", "end": "2030-12-31"}
    assert as_(cast, None).get(url, q).status_code == 401
    assert as_(cast, "worker_b1").get(url, q).status_code == 404
    rows = as_(cast, "admin_a").get(url, q).json()
    assert [(r["key"], r["reported"]) for r in rows] == [("640402001001", 1), ("", 1)]
    assert as_(cast, "admin_a").get(url, {**q, "by": "team"}).status_code == 422
