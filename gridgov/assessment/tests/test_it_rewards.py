"""Rewards for valuable leads (一事一獎): once a case, to its staff reporter or a named
person holding a role there; the rights matrix on the API and the page; refusals change
nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.assessment.models import LeadReward
from gridgov.conftest import log_in
from gridgov.core.models import AuditEntry

pytestmark = pytest.mark.django_db
URL = "/api/v1/assessment/rewards"


def api(cast: Any, who: str | None) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}") if who else Client()


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("nobody", 404), ("worker_b1", 404), ("worker_a1", 403), ("admin_a", 403)],
)
def test_it_refuses_those_who_may_not_reward(
    cast: Any, month: Any, who: str | None, status: int
) -> None:
    before = LeadReward.objects.count(), AuditEntry.objects.count()
    r = api(cast, who).post(URL, {"case": "C1", "amount": "200", "reason": "重大隐患线索"},
                            content_type="application/json")  # fmt: skip
    assert r.status_code == status, r.content
    assert (LeadReward.objects.count(), AuditEntry.objects.count()) == before


def test_it_rewards_a_lead_once_to_its_reporter(cast: Any, month: Any) -> None:
    head = api(cast, "head_a")
    body = {"case": "C1", "amount": "200", "reason": "及时发现燃气泄漏隐患"}
    r = head.post(URL, body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert (r.json()["person"], r.json()["amount"]) == (cast.worker_a1.pk, "200.00")
    r = head.post(URL, {**body, "amount": "50"}, content_type="application/json")
    assert (r.status_code, r.json()["field"]) == (409, "case")
    listed = head.get(f"{URL}?node={cast.community_a.code}").json()
    assert [x["case"] for x in listed] == ["C1"]
    assert api(cast, "worker_a1").get(f"{URL}?node={cast.a1.code}").status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"case": "C9", "amount": "100", "reason": "线索"}, "person"),  # a resident's report
        ({"case": "C2", "amount": "100", "reason": "线索", "person": 0}, "person"),
        ({"case": "C2", "amount": "0", "reason": "线索"}, "amount"),
        ({"case": "C2", "amount": "100", "reason": " "}, "reason"),
        ({"case": "C7", "amount": "100", "reason": "线索"}, "case"),  # out of scope: 404
    ],
)
def test_it_names_the_field_of_a_bad_reward(
    cast: Any, month: Any, body: dict[str, Any], field: str
) -> None:
    before = LeadReward.objects.count()
    r = api(cast, "head_a").post(URL, body, content_type="application/json")
    assert r.status_code in (404, 422) and r.json()["field"] == field, r.content
    assert LeadReward.objects.count() == before


def test_it_rewards_from_the_page_to_a_named_person(cast: Any, month: Any) -> None:
    page = log_in(Client(), cast.head_a)
    url = f"/assessment/rewards/?node={cast.community_a.code}"
    assert page.get(url).status_code == 200
    r = page.post(url, {"node": cast.community_a.code, "case": "C9", "amount": "80",
                        "reason": "群众线索经网格员核实", "person": cast.worker_a1.pk})  # fmt: skip
    assert r.status_code == 302
    assert LeadReward.objects.get(case__number="C9").person_id == cast.worker_a1.pk
    html = page.get(url).content.decode()
    assert "群众线索经网格员核实" in html
    mine = f"/assessment/rewards/?node={cast.a1.code}"
    assert log_in(Client(), cast.worker_a1).get(mine).status_code == 403  # in scope, no right
    assert log_in(Client(), cast.worker_b1).get(url).status_code == 404
    assert Client().get(url).status_code == 302
