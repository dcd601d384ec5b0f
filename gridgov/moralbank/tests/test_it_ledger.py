"""The two balances (ADR 0027): the cumulative savings never fall with a redemption; the
points to redeem restart each year; reversals are exact negations; the cached sums always
equal the entries (property-based over random sequences of operations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.core.errors import ServiceError
from gridgov.moralbank.models import Entry
from gridgov.moralbank.services import ledger, redemption

from .conftest import at
from .helpers import refused

pytestmark = pytest.mark.django_db


def award(account: Any, points: int, year: int, key: str) -> Entry | None:
    with transaction.atomic():
        kind = "award" if points > 0 else "deduction"
        return ledger.book(
            account=account, kind=kind, savings=points, redeemable=points, year=year, key=key,
            at=at(year, 6, 1),
        )  # fmt: skip


def test_it_keeps_savings_through_redemptions_and_restarts_the_year(
    scheme: Any, cast: Any, today: Any
) -> None:
    account = scheme.home.moral_account
    award(account, 40, 2027, "k1")
    award(account, -10, 2027, "k2")
    redemption.redeem(actor=scheme.keeper, point=scheme.point, card="00001",
                      lines=[(scheme.bag, 1)], key="r1")  # fmt: skip
    assert ledger.balances(account, 2027) == ledger.Balances(savings=30, earned=30, available=0)
    award(account, 5, 2028, "k3")
    assert ledger.balances(account, 2028) == ledger.Balances(savings=35, earned=5, available=5)
    assert ledger.balances_from_entries(account, 2028) == ledger.balances(account, 2028)


def test_it_refuses_a_second_posting_of_the_same_key(scheme: Any, cast: Any) -> None:
    account = scheme.home.moral_account
    assert award(account, 3, 2027, "declaration:x") is not None
    assert award(account, 3, 2027, "declaration:x") is None
    assert Entry.objects.filter(key="declaration:x").count() == 1
    assert ledger.balances(account, 2027).available == 3


def test_it_reverses_an_entry_once_in_its_year(scheme: Any, cast: Any, today: Any) -> None:
    account = scheme.home.moral_account
    entry = award(account, 20, 2027, "k")
    assert entry is not None
    assert refused(ledger.reverse, actor=cast.worker_b1, entry=entry, reason="录入错误")[0] == 404
    assert refused(ledger.reverse, actor=cast.dispatcher, entry=entry, reason="录入错误")[0] == 403
    undo = ledger.reverse(actor=cast.head_a, entry=entry, reason="录入错误")
    assert (undo.kind, undo.savings_delta, undo.redeemable_delta, undo.year) == (
        "reversal", -20, -20, 2027,
    )  # fmt: skip
    assert ledger.balances(account, 2027) == ledger.Balances(0, 0, 0)
    assert refused(ledger.reverse, actor=cast.head_a, entry=entry, reason="again")[:2] == (
        409, "reversed",
    )  # fmt: skip


operations = st.lists(
    st.tuples(
        st.sampled_from(["award", "deduct", "redeem", "reverse"]),
        st.integers(min_value=1, max_value=40),
        st.sampled_from([2027, 2028]),
    ),
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_it_keeps_balances_equal_to_the_sum_of_entries(scheme: Any, cast: Any, ops: Any) -> None:
    from gridgov.core.errors import ServiceError

    with transaction.atomic():
        account = scheme.other.moral_account
        made: list[Entry] = []
        for n, (op, points, year) in enumerate(ops):
            key = f"prop:{n}"
            if op in ("award", "deduct"):
                e = award(account, points if op == "award" else -points, year, key)
                made.append(e) if e else None
            elif op == "redeem":
                try:
                    with transaction.atomic():
                        e = ledger.book(
                            account=account, kind="redemption", savings=0, redeemable=-points,
                            year=year, key=key, within=True,
                        )  # fmt: skip
                    made.append(e) if e else None
                except ServiceError as err:
                    assert err.code == "over_balance"
            elif made:
                target = made.pop(0)
                with transaction.atomic():
                    ledger.book(
                        account=account, kind="reversal", savings=-target.savings_delta,
                        redeemable=-target.redeemable_delta, year=target.year,
                        key=f"reverse:{target.pk}", reverses=target,
                    )  # fmt: skip
            assert ledger.check(account) == []
            for y in (2027, 2028):
                assert ledger.balances(account, y) == ledger.balances_from_entries(account, y)
                # A redemption never took the year below zero, nor touched the savings.
                redeemed = Entry.objects.filter(account=account, year=y, kind="redemption")
                assert all(e.savings_delta == 0 for e in redeemed)
        transaction.set_rollback(True)


def test_it_keeps_a_vetoed_household_out_of_the_years_awards(
    scheme: Any, cast: Any, today: Any
) -> None:
    from gridgov.moralbank.services import declarations

    account = scheme.home.moral_account
    kwargs = {"account": account, "item": scheme.item["V1"], "year": 2027, "reason": "家庭成员违法"}
    assert refused(declarations.veto, actor=cast.worker_a1, **kwargs)[0] == 404
    assert refused(declarations.veto, actor=cast.dispatcher, **kwargs)[0] == 403
    assert (
        refused(declarations.veto, actor=cast.head_a, **{**kwargs, "item": scheme.item["W1"]})[2]
        == "item"
    )
    v = declarations.veto(actor=cast.head_a, **kwargs)
    assert (v.decided_by, v.decided_on, v.board) == (cast.head_a, dt.date(2027, 3, 10), "negative")
    from .conftest import declared

    with pytest.raises(ServiceError) as e:
        declared(cast, scheme)
    assert e.value.field == "household"
    declared(cast, scheme, "D1")  # a deduction still can be
