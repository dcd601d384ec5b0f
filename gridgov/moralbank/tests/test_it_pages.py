"""The moral bank's pages: who may open and post each (anonymous to the login page, out of
scope 404, no right 403, in scope 200), refusals change nothing, bad input named."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from gridgov.conftest import log_in
from gridgov.moralbank.choices import Status
from gridgov.moralbank.models import Declaration, Redemption, Vote
from gridgov.moralbank.services import ledger

from .conftest import approved, declared, on_notice
from .helpers import counts

pytestmark = pytest.mark.django_db
CODE = "640402001001"


def as_(cast: Any, s: Any, who: str | None) -> Client:
    if who is None:
        return Client()
    people = {"keeper": s.keeper, "m1": s.members[0]}
    return log_in(Client(), people.get(who) or getattr(cast, who))


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        (f"/moralbank/{CODE}/", "head_a"),
        (f"/moralbank/{CODE}/review/", "m1"),
        (f"/moralbank/{CODE}/ranking/", "dispatcher"),
        (f"/moralbank/{CODE}/accounts/00001/", "worker_a1"),
        (f"/moralbank/{CODE}/declare/", "worker_a1"),
    ],
)
def test_it_opens_a_page_only_in_scope(
    scheme: Any, cast: Any, today: Any, url: str, allowed: str
) -> None:
    assert as_(cast, scheme, None).get(url).status_code == 302
    assert as_(cast, scheme, "worker_b1").get(url).status_code == 404
    assert as_(cast, scheme, "nobody").get(url).status_code == 404
    assert as_(cast, scheme, allowed).get(url).status_code == 200


def test_it_refuses_the_declaration_form_without_the_right(
    scheme: Any, cast: Any, today: Any
) -> None:
    assert as_(cast, scheme, "dispatcher").get(f"/moralbank/{CODE}/declare/").status_code == 403


def form(**change: Any) -> dict[str, Any]:
    return {
        "card": "00001", "item": "W1", "points": "", "source": "hamlet_head", "reporter": "李屯长",
        "channel": "phone", "happened_on": "2027-03-08", "place": "村口", "what": "修桥补路",
        **change,
    }  # fmt: skip


def test_it_receives_a_declaration_from_the_page(scheme: Any, cast: Any, today: Any) -> None:
    out = as_(cast, scheme, "worker_a1").post(f"/moralbank/{CODE}/declare/", form())
    assert out.status_code == 302
    d = Declaration.objects.get()
    assert (d.source, d.reporter, d.channel, d.points) == ("hamlet_head", "李屯长", "phone", 3)


def test_it_names_the_field_of_points_outside_the_rule(scheme: Any, cast: Any, today: Any) -> None:
    before = counts()
    out = as_(cast, scheme, "worker_a1").post(f"/moralbank/{CODE}/declare/", form(points="9"))
    assert out.status_code == 200
    assert "W1" in out.context["form"].errors["points"][0]
    assert counts() == before


def test_it_votes_from_the_review_page_members_only(scheme: Any, cast: Any, today: Any) -> None:
    d = declared(cast, scheme)
    url = f"/moralbank/declarations/{d.public_id}/vote/"
    before = counts()
    assert as_(cast, scheme, "head_a").post(url, {"approve": "1"}).status_code == 403
    assert as_(cast, scheme, "worker_b1").post(url, {"approve": "1"}).status_code == 404
    assert counts() == before
    assert as_(cast, scheme, "m1").post(url, {"approve": "1"}).status_code == 302
    assert Vote.objects.get().member == scheme.members[0]


def test_it_checks_from_the_committee_page(scheme: Any, cast: Any, today: Any) -> None:
    d = approved(cast, scheme)
    url = f"/moralbank/declarations/{d.public_id}/check/"
    before = counts()
    assert as_(cast, scheme, "dispatcher").post(url, {"approve": "1"}).status_code == 403
    assert as_(cast, scheme, "worker_b1").post(url, {"approve": "1"}).status_code == 404
    assert counts() == before
    assert as_(cast, scheme, "head_a").post(url, {"approve": "1", "points": "2"}).status_code == 302
    d.refresh_from_db()
    assert (d.status, d.points) == (Status.ON_NOTICE, 2)


def test_it_shows_the_public_page_without_personal_data(scheme: Any, cast: Any, today: Any) -> None:
    on_notice(cast, scheme, "D1", source="report", reporter="张三", channel="phone")
    for url in (
        f"/moralbank/v/{scheme.village.public_id}/",
        f"/moralbank/v/{scheme.village.public_id}/notice/",
    ):
        out = Client().get(url)
        page = out.content.decode()
        assert out.status_code == 200
        assert "王** · 00001" in page and "乱扔垃圾" in page
        assert "张三" not in page and "王小明" not in page


def fund(s: Any, points: int) -> None:
    with transaction.atomic():
        ledger.book(account=s.home.moral_account, kind="award", savings=points,
                    redeemable=points, year=2027, key=f"page:{points}")  # fmt: skip


def test_it_lets_the_keeper_redeem_on_the_phone_page(scheme: Any, cast: Any, today: Any) -> None:
    fund(scheme, 12)
    url = f"/m/moralbank/{scheme.point.public_id}/"
    assert as_(cast, scheme, None).get(url).status_code == 302
    assert as_(cast, scheme, "worker_b1").get(url).status_code == 404
    assert as_(cast, scheme, "dispatcher").get(url).status_code == 403
    keeper = as_(cast, scheme, "keeper")
    page = keeper.get(url + "?card=00001")
    assert page.status_code == 200 and page.context["balance"].available == 12
    before = counts()
    over = keeper.post(url, {"card": "00001", "key": "a", f"q_{scheme.bag.pk}": "1"})
    assert over.status_code == 422 and "12" in over.context["error"]
    assert counts() == before
    done = keeper.post(url, {"card": "00001", "key": "b", f"q_{scheme.soap.pk}": "2"})
    r = Redemption.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/m/moralbank/receipts/{r.public_id}/"
    receipt = keeper.get(done["Location"])
    assert receipt.status_code == 200 and receipt.context["balance"].available == 2
    assert as_(cast, scheme, "worker_b1").get(done["Location"]).status_code == 404
