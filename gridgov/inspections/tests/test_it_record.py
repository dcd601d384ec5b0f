"""Recording an inspection through /api/v1/inspections: the rights matrix (anonymous / no
right / out of scope / in scope; refusals change nothing), check-list points into the
ledger, findings that open cases with a rectification deadline, one per occurrence (409)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from gridgov.cases.models import Case
from gridgov.inspections import queries
from gridgov.inspections.models import Finding, Inspection, PointEntry

from .conftest import at, outcomes

pytestmark = pytest.mark.django_db
NOW = at(2026, 11, 27)  # a Friday
URL = "/api/v1/inspections"


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def api(cast: Any, who: str | None) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}") if who else Client()


def body(schedule: Any, grid: str, fail: int = 0, **change: Any) -> dict[str, Any]:
    marks = outcomes(schedule.template, fail)
    marked = [{"item": k, "outcome": v} for k, v in marks.items()]
    return {"grid": grid, "schedule": schedule.pk, "outcomes": marked, **change}


def post(cast: Any, who: str | None, payload: dict[str, Any]) -> Any:
    return api(cast, who).post(URL, payload, content_type="application/json")


def counts() -> tuple[int, int, int, int]:
    return (Inspection.objects.count(), PointEntry.objects.count(), Finding.objects.count(),
            Case.objects.count())  # fmt: skip


def test_it_refuses_and_changes_nothing(cast: Any, plans: Any) -> None:
    before = counts()
    friday = body(plans.friday, cast.a1.code)
    assert post(cast, None, friday).status_code == 401
    assert post(cast, "nobody", friday).status_code == 404  # sees no grid
    assert post(cast, "worker_b1", friday).status_code == 404  # out of scope
    # In scope without the role: the dispatcher sees A1 but is not its grid worker.
    assert post(cast, "dispatcher", friday).status_code == 403
    # The hygiene day is the grid workers': not the daily safety patrol.
    assert post(cast, "worker_a1", body(plans.daily, cast.a1.code)).status_code == 403
    r = post(cast, "worker_a1", {**friday, "outcomes": friday["outcomes"][1:]})
    assert (r.status_code, r.json()["field"]) == (422, "outcomes")
    r = post(
        cast,
        "worker_a1",
        {**friday, "findings": [{"text": "电话13912345678", "rectify_by": "2026-12-01"}]},
    )
    assert (r.status_code, r.json()["code"]) == (422, "number_in_text")
    r = post(
        cast,
        "worker_a1",
        {**friday, "findings": [{"text": "垃圾堆放", "rectify_by": "2026-11-26"}]},
    )
    assert (r.status_code, r.json()["field"]) == (422, "findings")
    assert post(cast, "worker_a1", {**friday, "schedule": 999999}).status_code == 404
    assert counts() == before


def test_it_records_points_and_findings_that_open_cases(cast: Any, plans: Any) -> None:
    r = post(cast, "worker_a1", body(
        plans.friday, cast.a1.code, fail=2, person="worker_a1",
        findings=[{"text": "幸福路门前垃圾未清运", "rectify_by": "2026-11-30"}],
    ))  # fmt: skip
    assert r.status_code == 201, r.json()
    out = r.json()
    # Five items worth +1 each if passed, −1 if failed: two failed, three passed.
    assert (out["score"], out["on_time"], out["due_on"]) == (1, True, "2026-11-27")
    inspection = Inspection.objects.get(public_id=out["public_id"])
    assert sorted(PointEntry.objects.filter(inspection=inspection).values_list(
        "points", flat=True)) == [-1, -1, 1, 1, 1]  # fmt: skip
    assert set(PointEntry.objects.filter(inspection=inspection).values_list(
        "grid_code", "person__username")) == {(cast.a1.code, "worker_a1")}  # fmt: skip
    finding = Finding.objects.get(inspection=inspection)
    assert (finding.case.category.code, finding.case.source, finding.case.description) == (
        "0101", "inspection", "幸福路门前垃圾未清运",
    )  # fmt: skip
    assert finding.rectify_by == dt.date(2026, 11, 30)
    # The same occurrence again: 409, nothing written.
    before = counts()
    assert post(cast, "head_a", body(plans.friday, cast.a1.code)).status_code == 409
    assert counts() == before
    # Past the deadline with the case still open: an overdue rectification.
    assert list(queries.overdue_rectifications(cast.community_a.code, dt.date(2026, 12, 1))) == [
        finding
    ]
    assert list(queries.overdue_rectifications(cast.community_a.code, dt.date(2026, 11, 30))) == []


def test_it_shows_coverage_due_versus_done(cast: Any, plans: Any) -> None:
    assert post(cast, "head_a", body(plans.monthly, cast.a2.code)).status_code == 201
    r = api(cast, "head_a").get(
        f"{URL}/coverage", {"node": cast.community_a.code, "start": "2026-11-01",
                            "end": "2026-11-30"})  # fmt: skip
    assert r.status_code == 200, r.json()
    rows = {row["key"]: row for row in r.json()}
    a2 = rows[cast.a2.code]
    # A2 in November, on Friday 27th: the daily patrol's 19 working days before today and 3
    # Fridays are overdue, the monthly (due 30th) is done early; today's patrol and hygiene
    # day, Monday 30th's patrol and month-end hygiene day are still to come. The spot check
    # targets the community, not a grid.
    assert (a2["due"], a2["done"], a2["overdue"], a2["upcoming"], a2["inspections"]) == (
        19 + 3 + 1, 1, 22, 4, 1,
    )  # fmt: skip
    assert api(cast, "worker_b1").get(f"{URL}/coverage", {
        "node": cast.community_a.code, "start": "2026-11-01", "end": "2026-11-27",
    }).status_code == 404  # fmt: skip
    assert api(cast, "head_a").get(f"{URL}/due").status_code == 200
