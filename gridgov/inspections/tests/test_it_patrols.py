"""Patrols through /api/v1/inspections/patrols: started by a worker on their grid, points
checked against their grids (outliers kept, flagged), length and duration, a case reported
on the way linked to the patrol, ended; the rights matrix, refusals changing nothing."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client

from gridgov.cases.models import Case
from gridgov.inspections.models import Patrol, PatrolCase, PatrolPoint

from .conftest import at

pytestmark = pytest.mark.django_db
URL = "/api/v1/inspections/patrols"


def api(cast: Any, who: str | None) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}") if who else Client()


def post(cast: Any, who: str | None, url: str, body: Any = None) -> Any:
    return api(cast, who).post(url, body or {}, content_type="application/json")


def test_it_records_a_patrol_from_start_to_end(cast: Any) -> None:
    with time_machine.travel(at(2026, 11, 27, 9), tick=False):
        r = post(cast, "worker_a1", URL)
        assert r.status_code == 201, r.json()
        pid = r.json()["public_id"]
        assert post(cast, "worker_a1", URL).status_code == 409  # one running at a time
    url = f"{URL}/{pid}"
    with time_machine.travel(at(2026, 11, 27, 9, 30), tick=False):
        # 0.01° of latitude is 1,111.95 m; the last point lies in B1, not the worker's grid.
        r = post(cast, "worker_a1", f"{url}/points", {"points": [
            {"lon": 106.05, "lat": 36.20}, {"lon": 106.05, "lat": 36.21},
            {"lon": 106.25, "lat": 36.21},
        ]})  # fmt: skip
        assert r.status_code == 201, r.json()
        assert (r.json()["points"], r.json()["outside"]) == (3, 1)
        assert list(PatrolPoint.objects.filter(patrol__public_id=pid).values_list(
            "inside", flat=True)) == [True, True, False]  # fmt: skip
        # Others may not add to it; the head reads it but does not write it.
        before = PatrolPoint.objects.count()
        one = {"points": [{"lon": 106.05, "lat": 36.2}]}
        assert post(cast, None, f"{url}/points", one).status_code == 401
        assert post(cast, "worker_b1", f"{url}/points", one).status_code == 404
        assert post(cast, "head_a", f"{url}/points", one).status_code == 403
        assert PatrolPoint.objects.count() == before
        r = post(cast, "worker_a1", f"{url}/cases", {
            "category": "0103", "description": "路面油污", "lon": 106.05, "lat": 36.21,
        })  # fmt: skip
        assert r.status_code == 201, r.json()
        case = Case.objects.get(description="路面油污")
        assert (case.source, case.grid_code) == ("patrol", cast.a1.code)
        assert PatrolCase.objects.get().case == case
    with time_machine.travel(at(2026, 11, 27, 10, 15), tick=False):
        r = post(cast, "worker_a1", f"{url}/end")
        assert r.status_code == 200
        out = r.json()
        assert out["duration_s"] == 75 * 60
        assert out["length_m"] == pytest.approx(1111.95 + 17_944, rel=0.01)
        assert out["cases"] == [case.number]
        assert post(cast, "worker_a1", f"{url}/end").status_code == 409
        assert post(cast, "worker_a1", f"{url}/points", one).status_code == 409
    assert [p["public_id"] for p in api(cast, "head_a").get(URL).json()] == [pid]
    assert api(cast, "worker_b1").get(URL).json() == []
    assert api(cast, "dispatcher").get(URL).json() == []
    assert Patrol.objects.get().ended_at == at(2026, 11, 27, 10, 15)


def test_it_refuses_a_patrol_without_the_right(cast: Any) -> None:
    assert post(cast, None, URL).status_code == 401
    assert post(cast, "nobody", URL).status_code == 403
    assert post(cast, "worker_a1", URL, {"grid": cast.b1.code}).status_code == 404
    assert post(cast, "admin_a", URL, {"grid": cast.a1.code}).status_code == 403
    assert Patrol.objects.count() == 0
