"""/api/v1/safety: schemes, recording and reversing violations, a month, closing it; the
rights matrix (anonymous / no right / out of scope / in scope); refusals change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.safety.models import Deduction, MonthClose, Violation

pytestmark = pytest.mark.django_db
BASE = "/api/v1/safety"


def api(cast: Any, ent: Any, who: str | None) -> Client:
    if who is None:
        return Client()
    token = ent.tokens.get(who) or cast.tokens[who]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _counts() -> tuple[int, int, int]:
    return Violation.objects.count(), Deduction.objects.count(), MonthClose.objects.count()


def test_it_lists_the_schemes_to_those_in_scope_or_holding_a_post(cast: Any, ent: Any) -> None:
    assert api(cast, ent, None).get(f"{BASE}/schemes").status_code == 401
    assert api(cast, ent, "worker_b1").get(f"{BASE}/schemes").json() == []
    body = api(cast, ent, "a").get(f"{BASE}/schemes").json()
    assert [s["enterprise"] for s in body] == [ent.e.code]
    assert [(r["code"], r["points"], r["joint_points"]) for r in body[0]["rules"]] == [
        ("R1", 5, 2), ("R2", 10, 3), ("R3", 2, 0)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("worker_b1", 404), ("nobody", 404), ("dispatcher", 403), ("a", 403),
     ("h1", 403), ("boss", 200)],
)  # fmt: skip
def test_it_shows_a_month_to_the_enterprise_heads(
    cast: Any, ent: Any, who: str | None, status: int
) -> None:
    r = api(cast, ent, who).get(f"{BASE}/{ent.e.code}/months/2025-03")
    assert r.status_code == status, r.content
    if status == 200:
        body = r.json()
        assert (body["points"], body["fund_in"]) == (17, "170.00")
        assert body["worst_candidates"] == [ent.d1.code]
        assert sorted(body["model_candidates"]) == sorted([ent.c.pk, ent.h1.pk, ent.h2.pk])


def test_it_names_the_field_of_a_bad_month(cast: Any, ent: Any) -> None:
    r = api(cast, ent, "boss").get(f"{BASE}/{ent.e.code}/months/2025-13")
    assert (r.status_code, r.json()["field"]) == (422, "month")


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("worker_b1", 404), ("dispatcher", 403), ("a", 404), ("officer", 201)],
)
def test_it_records_violations_for_those_who_may(
    cast: Any, ent: Any, who: str | None, status: int
) -> None:
    before = _counts()
    r = api(cast, ent, who).post(
        f"{BASE}/{ent.e.code}/violations",
        {"grid": ent.p112.code, "rule": "R3", "happened_on": "2025-04-02", "violator": ent.c.pk},
        content_type="application/json",
    )
    assert r.status_code == status, r.content
    if status != 201:
        assert _counts() == before
        return
    body = r.json()
    assert [(d["person"], d["share"], d["points"]) for d in body["deductions"]] == [
        (ent.c.pk, "violator", -2)
    ]
    # A head reverses it; the second time is a conflict; a worker may not.
    url = f"{BASE}/violations/{body['id']}/reverse"
    assert api(cast, ent, "a").post(url, {"reason": "x"}, "application/json").status_code == 404
    assert (
        api(cast, ent, "dispatcher").post(url, {"reason": "x"}, "application/json").status_code
        == 403
    )
    r = api(cast, ent, "boss").post(url, {"reason": "记录错误"}, "application/json")
    assert r.status_code == 200 and r.json()["reversed"] is True
    assert api(cast, ent, "boss").post(url, {"reason": "x"}, "application/json").status_code == 409


def test_it_refuses_a_violation_outside_the_enterprise(cast: Any, ent: Any) -> None:
    before = _counts()
    r = api(cast, ent, "officer").post(
        f"{BASE}/{ent.e.code}/violations",
        {"grid": cast.a1.code, "rule": "R1", "happened_on": "2025-04-02", "outsider": "某人"},
        content_type="application/json",
    )
    assert (r.status_code, r.json()["field"]) == (404, "grid")
    assert _counts() == before


def test_it_closes_a_month_for_the_heads_only(cast: Any, ent: Any) -> None:
    url = f"{BASE}/{ent.e.code}/months/2025-03/close"
    before = _counts()
    for who, status in (("h1", 403), ("worker_b1", 404), ("dispatcher", 403)):
        assert api(cast, ent, who).post(url, {}, "application/json").status_code == status
    r = api(cast, ent, "boss").post(url, {}, "application/json")
    assert (r.status_code, r.json()["field"]) == (422, "model")
    assert _counts() == before
    r = api(cast, ent, "boss").post(url, {"model": ent.h2.pk}, "application/json")
    assert r.status_code == 200, r.content
    assert r.json() == {
        "month": "2025-03", "points": 17, "fund_in": "170.00", "model": ent.h2.pk,
        "reward": "300.00", "worst": ent.d1.code, "penalty": "300.00", "balance": "170.00",
    }  # fmt: skip
