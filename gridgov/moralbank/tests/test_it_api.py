"""/api/v1/moralbank: every endpoint as anonymous / no right / out of scope / in scope;
refusals change nothing; the reporter shown to the committee only; the public page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.conftest import log_in

from .conftest import approved, declared, on_notice
from .helpers import counts

pytestmark = pytest.mark.django_db
BASE = "/api/v1/moralbank"
CODE = "640402001001"


def client(cast: Any, s: Any, who: str | None) -> Client:
    if who is None:
        return Client()
    if who in ("keeper", "m1"):
        return log_in(Client(), s.keeper if who == "keeper" else s.members[0])
    return Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}")


def call(cast: Any, s: Any, who: str | None, method: str, url: str, body: Any = None) -> Any:
    c = client(cast, s, who)
    if method == "get":
        return c.get(BASE + url)
    return c.post(BASE + url, body or {}, content_type="application/json")


def endpoints(cast: Any, s: Any) -> dict[str, tuple[str, str, dict[str, Any], str, int]]:
    """name → (method, url, body, who may, success status)."""
    d = declared(cast, s)
    r = approved(cast, s, "H1")
    n = on_notice(cast, s, "HN1")
    from gridgov.moralbank.services import declarations

    o = declarations.object_to(actor=cast.worker_a1, declaration=n, text="质疑", channel="oral")
    return {
        "join": ("post", "/villages", {"grid": cast.community_b.code, "starts_on": "2027-01-01"},
                 "admin", 201),
        "meeting": ("post", f"/villages/{CODE}/meetings", {"held_on": "2027-03-01", "present": 20,
                    "total": 25, "resolution": "决议"}, "head_a", 201),
        "rules": ("get", f"/villages/{CODE}/rules", {}, "head_a", 200),
        "draft": ("post", f"/villages/{CODE}/rules", {"title": "修订", "items": [
            {"code": "X", "category": "welfare", "title": "植树", "points": 2}]}, "head_a", 201),
        "group": ("post", f"/villages/{CODE}/review-group", {"meeting": str(s.meeting.public_id),
                  "starts_on": "2027-03-01", "members": ["m1", "m2", "m3", "m4", "m5"]},
                  "head_a", 201),
        "declare": ("post", "/declarations", {"household": str(s.home.public_id), "item": "W1",
                    "source": "report", "channel": "written", "reporter": "邻居",
                    "happened_on": "2027-03-08", "place": "村口", "what": "帮助邻居收麦"},
                    "worker_a1", 201),
        "vote": ("post", f"/declarations/{d.public_id}/votes", {"approve": True}, "m1", 201),
        "check": ("post", f"/declarations/{r.public_id}/check", {"approve": True}, "head_a", 200),
        "object": ("post", f"/declarations/{r.public_id}/objections", {"text": "x",
                   "channel": "oral"}, "worker_a1", 409),
        "ruling": ("post", f"/objections/{o.public_id}/ruling", {"upheld": False,
                   "ruling": "属实"}, "m1", 200),
        "account": ("get", f"/villages/{CODE}/accounts/00001", {}, "worker_a1", 200),
        "veto": ("post", f"/villages/{CODE}/accounts/00001/vetoes", {"item": "V1", "year": 2027,
                 "reason": "违法"}, "head_a", 201),
        "ranking": ("get", f"/villages/{CODE}/ranking", {}, "head_a", 200),
        "negative": ("get", f"/villages/{CODE}/negative-list", {}, "head_a", 200),
        "goods": ("post", f"/villages/{CODE}/goods", {"name": "毛巾", "kind": "daily",
                  "price": 8}, "head_a", 201),
        "stock": ("post", f"/points/{s.point.public_id}/stock", {"goods": s.soap.pk,
                  "kind": "in", "quantity": 5}, "keeper", 201),
        "redeem": ("post", f"/points/{s.point.public_id}/redemptions", {"card": "00001",
                   "lines": [{"goods": s.soap.pk, "quantity": 1}], "key": "k1"}, "keeper", 409),
    }  # fmt: skip


NAMES = [
    "join",
    "meeting",
    "rules",
    "draft",
    "group",
    "declare",
    "vote",
    "check",
    "object",
    "ruling",
    "account",
    "veto",
    "ranking",
    "negative",
    "goods",
    "stock",
    "redeem",
]
READS = {"rules", "account", "ranking", "negative"}


@pytest.mark.parametrize("name", NAMES)
def test_it_answers_each_endpoint_by_who_asks(
    scheme: Any, cast: Any, today: Any, name: str
) -> None:
    method, url, body, allowed, ok = endpoints(cast, scheme)[name]
    before = counts()
    assert call(cast, scheme, None, method, url, body).status_code == 401
    out = call(cast, scheme, "worker_b1", method, url, body)
    assert out.status_code == 404, out.json()
    if name not in READS:
        # Sees the village (the county's dispatcher) but may not act there.
        out = call(cast, scheme, "dispatcher", method, url, body)
        assert out.status_code == 403, out.json()
    assert counts() == before
    out = call(cast, scheme, allowed, method, url, body)
    assert out.status_code == ok, out.json()


def test_it_refuses_a_review_group_of_four_naming_the_field(
    scheme: Any, cast: Any, today: Any
) -> None:
    before = counts()
    out = call(cast, scheme, "head_a", "post", f"/villages/{CODE}/review-group", {
        "meeting": str(scheme.meeting.public_id), "starts_on": "2027-03-01",
        "members": ["m1", "m2", "m3", "m4"]})  # fmt: skip
    assert (out.status_code, out.json()["code"], out.json()["field"]) == (
        422,
        "group_size",
        "members",
    )
    assert counts() == before


def test_it_shows_the_reporter_to_the_committee_only(scheme: Any, cast: Any, today: Any) -> None:
    d = declared(cast, scheme, "D1", source="report", reporter="张三", channel="phone")
    url = f"/declarations/{d.public_id}"
    assert call(cast, scheme, "head_a", "get", url).json()["reporter"] == "张三"
    assert call(cast, scheme, "worker_a1", "get", url).json()["reporter"] is None
    assert call(cast, scheme, "m1", "get", url).json()["reporter"] is None


def test_it_redeems_and_gives_a_receipt(scheme: Any, cast: Any, today: Any) -> None:
    from django.db import transaction

    from gridgov.moralbank.services import ledger

    with transaction.atomic():
        ledger.book(account=scheme.home.moral_account, kind="award", savings=12, redeemable=12,
                    year=2027, key="api:fund")  # fmt: skip
    url = f"/points/{scheme.point.public_id}/redemptions"
    body = {"card": "00001", "lines": [{"goods": scheme.soap.pk, "quantity": 2}], "key": "k"}
    out = call(cast, scheme, "keeper", "post", url, body).json()
    assert (out["total"], out["available_after"], out["lines"][0]["name"]) == (10, 2, "肥皂")


def test_it_publishes_the_village_page_without_reporters(
    scheme: Any, cast: Any, today: Any
) -> None:
    on_notice(cast, scheme, "D1", source="report", reporter="张三", channel="phone")
    out = Client().get(f"{BASE}/public/{scheme.village.public_id}")
    assert out.status_code == 200
    page = out.json()
    assert [(n["name"], n["item"], n["points"]) for n in page["notices"]] == [
        ("王** · 00001", "乱扔垃圾", -10)
    ]
    assert "张三" not in out.content.decode()
    assert page["rules"]["version"] == 1


def test_it_lists_declarations_in_a_fixed_number_of_queries(
    scheme: Any, cast: Any, today: Any, django_assert_num_queries: Any
) -> None:
    for code in ("W1", "H1", "D1"):
        approved(cast, scheme, code)
    c = client(cast, scheme, "head_a")
    c.get(f"{BASE}/declarations")  # the token's first use is written once a minute
    # 1 the token and its user, 2 the assignments, 3 the review groups in office and 4 those
    # the person sits on, 5 the declarations with village, account and item, 6 their votes
    # with the members, 7 their objections: the same however many declarations.
    with django_assert_num_queries(7):
        out = c.get(f"{BASE}/declarations")
    assert [d["item"] for d in out.json()] == ["D1", "H1", "W1"]
    assert [len(d["votes"]) for d in out.json()] == [3, 3, 3]
