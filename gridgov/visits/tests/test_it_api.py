"""/api/v1/visits: due, record, list, coverage — anonymous / no right / out of scope / in
scope; refusals change nothing."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client

from gridgov.cases.models import Case
from gridgov.visits import schedule
from gridgov.visits.models import Visit

from .conftest import IN_A1, IN_A2, at

pytestmark = pytest.mark.django_db
NOW = at(2027, 1, 4)


@pytest.fixture(autouse=True)
def _today(homes: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        schedule.compute({"__in": [homes.alone.pk, homes.poor.pk, homes.plain.pk, homes.far.pk]})
        yield


def api(cast: Any, who: str | None) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}") if who else Client()


def body(homes: Any, **change: Any) -> dict[str, Any]:
    return {
        "household": str(homes.poor.public_id), "findings": "情况正常", "lon": IN_A1[0],
        "lat": IN_A1[1], **change,
    }  # fmt: skip


def test_it_lists_the_households_due_in_scope(cast: Any, homes: Any) -> None:
    assert api(cast, None).get("/api/v1/visits/due").status_code == 401
    r = api(cast, "worker_a1").get("/api/v1/visits/due")
    assert [(d["address"], d["overdue"], d["tags"], d["must_visit"]) for d in r.json()] == [
        ("幸福路1号", True, ["elderly_alone"], True),
        ("幸福路2号", True, ["hardship"], True),
        ("幸福路3号", True, [], False),
    ]
    assert [d["address"] for d in api(cast, "worker_b1").get("/api/v1/visits/due").json()] == [
        "古雁路9号"
    ]
    assert api(cast, "nobody").get("/api/v1/visits/due").json() == []


def test_it_records_a_visit_that_opens_a_case(cast: Any, homes: Any) -> None:
    r = api(cast, "worker_a1").post(
        "/api/v1/visits", body(homes, open_case=True, category="0903", findings="屋顶漏雨"),
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 201, r.json()
    out = r.json()
    case = Case.objects.get()
    assert (out["case"], out["on_time"], out["next_due"], out["kind"]) == (
        case.number, False, "2027-02-04", "regular",
    )  # fmt: skip
    listed = api(cast, "head_a").get("/api/v1/visits", {"since": "2027-01-04"}).json()
    assert [v["public_id"] for v in listed] == [out["public_id"]]
    assert api(cast, "worker_b1").get("/api/v1/visits").json() == []


@pytest.mark.parametrize(
    ("who", "change", "status", "field"),
    [
        (None, {}, 401, None),
        ("nobody", {}, 404, "household"),
        ("worker_b1", {}, 404, "household"),
        ("dispatcher", {}, 403, None),
        ("worker_a1", {"lon": IN_A2[0]}, 400, "location"),
        ("worker_a1", {"findings": "身份证640402194003011234"}, 400, "findings"),
        ("worker_a1", {"open_case": True, "category": "99"}, 404, "category"),
        ("worker_a1", {"residents": ["00000000-0000-0000-0000-000000000000"]}, 404, "residents"),
        ("worker_a1", {"lon": 200}, 422, "lon"),
    ],
)
def test_it_refuses_and_changes_nothing(
    cast: Any, homes: Any, who: str | None, change: dict[str, Any], status: int, field: str | None
) -> None:
    r = api(cast, who).post(
        "/api/v1/visits", body(homes, **change), content_type="application/json"
    )
    assert r.status_code == status
    if field:
        assert r.json()["field"] == field
    assert (Visit.objects.count(), Case.objects.count()) == (0, 0)


def test_it_reports_coverage_with_the_total_last(cast: Any, homes: Any) -> None:
    api(cast, "worker_a1").post("/api/v1/visits", body(homes), content_type="application/json")
    q = {"node": cast.community_a.code, "start": "2027-01-01", "end": "2027-01-31"}
    rows = api(cast, "head_a").get("/api/v1/visits/coverage", q).json()
    assert [(r["key"], r["households"], r["visited"], r["must_visit"]) for r in rows] == [
        (cast.a1.code, 353, 1, 2), (cast.a2.code, 120, 0, 0), ("", 473, 1, 2),
    ]  # fmt: skip
    assert api(cast, "worker_b1").get("/api/v1/visits/coverage", q).status_code == 404
    assert api(cast, None).get("/api/v1/visits/coverage", q).status_code == 401
    q["by"] = "worker"
    rows = api(cast, "head_a").get("/api/v1/visits/coverage", q).json()
    assert [(r["label"], r["visits"]) for r in rows] == [("worker_a1", 1), ("合计", 1)]
