"""/api/v1/teams: the team of a grid (on a day), giving and ending roles, 一格一員."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.accounts.models import Assignment

pytestmark = pytest.mark.django_db
API = "/api/v1/teams/comprehensive"
A1, A2, B1 = "640402001001001", "640402001001002", "640402002001001"


def as_(cast: Any, who: str | None) -> Client:
    if who is None:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}")


def test_it_answers_the_team_in_scope_only(cast: Any) -> None:
    assert as_(cast, None).get(f"{API}/{A1}").status_code == 401
    assert as_(cast, "worker_b1").get(f"{API}/{A1}").status_code == 404
    r = as_(cast, "worker_a1").get(f"{API}/{A1}")
    assert r.status_code == 200
    [row] = r.json()
    assert (row["username"], row["role"], row["starts_on"], row["ends_on"]) == (
        "worker_a1",
        "grid_worker",
        "2021-01-01",
        None,
    )
    assert as_(cast, "worker_a1").get(f"{API}/{A1}", {"on": "2020-12-31"}).json() == []
    assert as_(cast, "worker_a1").get(f"{API}/{A1}", {"on": "0"}).status_code == 422


def test_it_gives_a_role_only_with_the_right(cast: Any) -> None:
    body = {"username": "nobody", "role": "volunteer", "starts_on": "2026-03-01"}
    before = Assignment.objects.count()
    assert (
        as_(cast, None).post(f"{API}/{A2}/assignments", body, "application/json").status_code == 401
    )
    r = as_(cast, "worker_b1").post(f"{API}/{A2}/assignments", body, "application/json")
    assert r.status_code == 404
    r = as_(cast, "worker_a1").post(f"{API}/{A1}/assignments", body, "application/json")
    assert r.status_code == 403
    assert Assignment.objects.count() == before
    r = as_(cast, "head_a").post(f"{API}/{A2}/assignments", body, "application/json")
    assert r.status_code == 201
    assert (r.json()["grid"], r.json()["role"]) == (A2, "volunteer")
    again = as_(cast, "head_a").post(f"{API}/{A2}/assignments", body, "application/json")
    assert (again.status_code, again.json()["code"]) == (409, "already_assigned")
    ghost = {**body, "username": "ghost"}
    r = as_(cast, "head_a").post(f"{API}/{A2}/assignments", ghost, "application/json")
    assert (r.status_code, r.json()["field"]) == (404, "username")


def test_it_ends_a_role_with_the_right_only(cast: Any) -> None:
    a = Assignment.objects.get(user=cast.worker_b1)
    url = f"/api/v1/teams/assignments/{a.pk}/end"
    assert as_(cast, "head_a").post(url, {}, "application/json").status_code == 404
    assert as_(cast, "worker_b1").post(url, {}, "application/json").status_code == 403
    a.refresh_from_db()
    assert a.ends_on is None
    r = as_(cast, "admin").post(
        url, {"ends_on": "2026-06-30", "reason": "调岗"}, "application/json"
    )
    assert (r.status_code, r.json()["ends_on"]) == (200, "2026-06-30")


def test_it_reports_uncovered_grids(cast: Any) -> None:
    r = as_(cast, "dispatcher").get(f"{API}/640402/uncovered")
    assert r.json() == [
        {"code": "640402001001", "name": "甲社区", "grids": 2, "covered": 1, "uncovered": [A2]},
        {"code": "640402002001", "name": "乙社区", "grids": 1, "covered": 1, "uncovered": []},
    ]
