"""The money account (five sources), the goods account, their publication, the town and
county view; their pages and API by who asks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from gridgov.conftest import log_in
from gridgov.moralbank import queries
from gridgov.moralbank.services import funds, redemption

from .helpers import counts, refused

pytestmark = pytest.mark.django_db
CODE = "640402001001"
DAY = dt.date(2027, 3, 1)


def test_it_keeps_money_in_by_source_and_out(scheme: Any, cast: Any, today: Any) -> None:
    v = scheme.village
    funds.record(
        actor=cast.head_a, village=v, on=DAY, amount=500000, source="fiscal", note="镇财政拨付"
    )
    funds.record(
        actor=cast.head_a, village=v, on=DAY, amount=20000, source="donation", note="乡贤捐助"
    )
    funds.record(actor=cast.head_a, village=v, on=DAY, amount=-30000, note="购买肥皂")
    m = queries.money(v, 2027)
    assert (m["by_source"], m["income"], m["spent"], m["balance"], len(m["lines"])) == (
        {"fiscal": 500000, "donation": 20000}, 520000, 30000, 490000, 3,
    )  # fmt: skip


def test_it_refuses_money_without_its_source_or_right(scheme: Any, cast: Any, today: Any) -> None:
    kw = {"village": scheme.village, "on": DAY, "amount": 100, "note": "x"}
    assert refused(funds.record, actor=cast.head_a, **kw)[2] == "source"
    assert refused(funds.record, actor=cast.head_a, **{**kw, "amount": 0})[2] == "amount"
    assert refused(funds.record, actor=cast.worker_b1, source="aid", **kw)[0] == 404
    assert refused(funds.record, actor=cast.dispatcher, source="aid", **kw)[0] == 403


def test_it_counts_the_goods_account(scheme: Any, cast: Any, today: Any) -> None:
    redemption.move_stock(actor=scheme.keeper, point=scheme.point, goods=scheme.soap, kind="out",
                          quantity=2, note="破损")  # fmt: skip
    soap = next(g for g in queries.goods_account(scheme.village, 2027) if g["name"] == "肥皂")
    assert (soap["in"], soap["out"], soap["redeemed"], soap["stock"]) == (50, 2, 0, 48)


def test_it_rolls_the_villages_up_for_a_town_in_scope(scheme: Any, cast: Any, today: Any) -> None:
    funds.record(actor=cast.head_a, village=scheme.village, on=DAY, amount=1000, source="aid",
                 note="帮扶")  # fmt: skip
    (row,) = queries.rollup(cast.dispatcher, cast.street_a.code, 2027)
    assert (row["village"], row["accounts"], row["stock"], row["income"], row["balance"]) == (
        scheme.village, 470, 70, 1000, 1000,
    )  # fmt: skip
    assert queries.rollup(cast.worker_b1, cast.county.code, 2027) == []


@pytest.mark.parametrize("url", [f"/moralbank/{CODE}/goods/", f"/moralbank/{CODE}/money/"])
def test_it_opens_goods_and_money_pages_in_scope(
    scheme: Any, cast: Any, today: Any, url: str
) -> None:
    assert Client().get(url).status_code == 302
    assert log_in(Client(), cast.worker_b1).get(url).status_code == 404
    assert log_in(Client(), cast.head_a).get(url).status_code == 200


def test_it_records_money_from_the_page_committee_only(scheme: Any, cast: Any, today: Any) -> None:
    url = f"/moralbank/{CODE}/money/"
    body = {"on": "2027-03-01", "direction": "in", "source": "collective", "yuan": "120.50",
            "note": "村集体经济收入"}  # fmt: skip
    before = counts()
    assert log_in(Client(), cast.dispatcher).post(url, body).status_code == 403
    assert log_in(Client(), cast.worker_b1).post(url, body).status_code == 404
    assert counts() == before
    assert log_in(Client(), cast.head_a).post(url, body).status_code == 302
    assert queries.money(scheme.village, 2027)["by_source"] == {"collective": 12050}


def test_it_shows_the_overview_of_a_town(scheme: Any, cast: Any, today: Any) -> None:
    url = f"/moralbank/overview/?grid={cast.street_a.code}"
    assert log_in(Client(), cast.worker_b1).get(url).status_code == 404
    out = log_in(Client(), cast.admin_a).get(url)
    assert out.status_code == 200 and [r["accounts"] for r in out.context["rows"]] == [470]


def test_it_answers_the_money_api_by_who_asks(scheme: Any, cast: Any, today: Any) -> None:
    url = f"/api/v1/moralbank/villages/{CODE}/funds"
    body = {"on": "2027-03-01", "amount": 5000, "source": "industry", "note": "产业收益"}

    def post(who: str | None) -> int:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {cast.tokens[who]}"} if who else {}
        return Client(**headers).post(url, body, content_type="application/json").status_code

    before = counts()
    assert (post(None), post("worker_b1"), post("dispatcher")) == (401, 404, 403)
    assert counts() == before
    assert post("head_a") == 201
    out = Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens['dispatcher']}").get(
        f"/api/v1/moralbank/overview?grid={cast.county.code}&year=2027"
    )
    assert [(r["village"], r["income"]) for r in out.json()] == [(CODE, 5000)]
    public = Client().get(f"/api/v1/moralbank/public/{scheme.village.public_id}").json()
    assert (public["money"]["income"], public["goods"][0]["name"]) == (5000, "肥皂")
