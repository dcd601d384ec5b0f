"""Redemption at a point: by card number, never beyond this year's balance nor the stock,
the same key twice redeems once; stock in and out; a receipt."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from gridgov.moralbank.models import Redemption, Stock, StockMove
from gridgov.moralbank.services import ledger, redemption

from .helpers import refused

pytestmark = pytest.mark.django_db


def fund(s: Any, points: int) -> None:
    with transaction.atomic():
        ledger.book(account=s.home.moral_account, kind="award", savings=points,
                    redeemable=points, year=2027, key=f"fund:{points}")  # fmt: skip


def test_it_redeems_by_card_with_a_receipt(scheme: Any, cast: Any, today: Any) -> None:
    fund(scheme, 50)
    r = redemption.redeem(actor=scheme.keeper, point=scheme.point, card=" 00001 ",
                          lines=[(scheme.soap, 2), (scheme.bag, 1)], key="form-1")  # fmt: skip
    assert (r.total, r.year, r.account.card, len(r.number)) == (40, 2027, "00001", 17)
    assert [(line["name"], line["quantity"], line["price"]) for line in r.lines] == [
        ("肥皂", 2, 5), ("书包", 1, 30),
    ]  # fmt: skip
    assert ledger.balances(scheme.home.moral_account, 2027) == ledger.Balances(50, 50, 10)
    assert Stock.objects.get(goods=scheme.soap).quantity == 48
    assert StockMove.objects.filter(redemption=r).count() == 2
    # Pressed twice: the first receipt, nothing more redeemed.
    again = redemption.redeem(actor=scheme.keeper, point=scheme.point, card="00001",
                              lines=[(scheme.soap, 2), (scheme.bag, 1)], key="form-1")  # fmt: skip
    assert again == r
    assert ledger.balances(scheme.home.moral_account, 2027).available == 10


def test_it_refuses_beyond_the_balance_posting_nothing(scheme: Any, cast: Any, today: Any) -> None:
    fund(scheme, 20)
    status, code, field = refused(
        redemption.redeem, actor=scheme.keeper, point=scheme.point, card="00001",
        lines=[(scheme.bag, 1)], key="form-2",
    )  # fmt: skip
    assert (status, code, field) == (409, "over_balance", "card")


def test_it_refuses_beyond_the_stock_posting_nothing(scheme: Any, cast: Any, today: Any) -> None:
    fund(scheme, 1000)
    status, code, _ = refused(
        redemption.redeem, actor=scheme.keeper, point=scheme.point, card="00001",
        lines=[(scheme.bag, 21)], key="form-3",
    )  # fmt: skip
    assert (status, code) == (422, "out_of_stock")


def test_it_refuses_an_unknown_card_and_people_not_keeping_the_point(
    scheme: Any, cast: Any, today: Any
) -> None:
    kwargs = {"point": scheme.point, "lines": [(scheme.soap, 1)], "key": "k"}
    assert refused(redemption.redeem, actor=scheme.keeper, card="99999", **kwargs)[2] == "card"
    assert refused(redemption.redeem, actor=cast.worker_b1, card="00001", **kwargs)[0] == 404
    assert refused(redemption.redeem, actor=cast.dispatcher, card="00001", **kwargs)[0] == 403
    assert refused(redemption.redeem, actor=cast.nobody, card="00001", **kwargs)[0] == 404


def test_it_records_stock_in_and_out(scheme: Any, cast: Any, today: Any) -> None:
    redemption.move_stock(actor=scheme.keeper, point=scheme.point, goods=scheme.soap, kind="out",
                          quantity=3, note="受潮损坏")  # fmt: skip
    assert Stock.objects.get(goods=scheme.soap).quantity == 47
    move = {"actor": scheme.keeper, "point": scheme.point, "goods": scheme.soap, "kind": "out"}
    assert refused(redemption.move_stock, **move, quantity=48, note="x")[2] == "quantity"
    assert refused(redemption.move_stock, **move, quantity=1)[2] == "note"
    assert Redemption.objects.count() == 0
