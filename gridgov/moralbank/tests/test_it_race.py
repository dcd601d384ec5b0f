"""Many redemptions of one household at once (PostgreSQL, real concurrent connections):
the conditional UPDATE on the year's balance lets through only what the balance covers; the
rest are refused with nothing posted, and the balance never goes below zero."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction

from gridgov.conftest import build_cast
from gridgov.moralbank.models import Entry, Redemption, Stock
from gridgov.moralbank.services import ledger, redemption
from gridgov.web.tests import test_browser as base

from .conftest import NOW, build_scheme

leave_the_database_as_found = base.leave_the_database_as_found
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
TRIES = 8


def test_it_never_redeems_more_than_the_balance_at_once(transactional_db: Any) -> None:
    from gridgov.core.errors import ServiceError
    from gridgov.grids import index

    index.drop_all()
    with time_machine.travel(NOW, tick=False):
        cast = build_cast()
        s = build_scheme(cast)
        account = s.home.moral_account
        with transaction.atomic():  # 100 points: three schoolbags of 30, not four
            ledger.book(account=account, kind="award", savings=100, redeemable=100, year=2027,
                        key="race:fund")  # fmt: skip
    start = threading.Barrier(TRIES)
    refusals: list[str] = []
    errors: list[Exception] = []

    def run(n: int) -> None:
        start.wait()
        try:
            with time_machine.travel(NOW, tick=False):
                redemption.redeem(actor=s.keeper, point=s.point, card="00001",
                                  lines=[(s.bag, 1)], key=f"race:{n}")  # fmt: skip
        except ServiceError as e:
            refusals.append(e.code)
        except Exception as e:  # reported below: any other failure of a thread
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(TRIES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert errors == []
    assert sorted(refusals) == ["over_balance"] * (TRIES - 3)
    assert Redemption.objects.count() == 3
    assert Entry.objects.filter(account=account, kind="redemption").count() == 3
    assert ledger.balances(account, 2027) == ledger.Balances(savings=100, earned=100, available=10)
    assert Stock.objects.get(goods=s.bag).quantity == 17
    assert ledger.check(account) == []
    index.drop_all()
