"""A full year of community A's moral bank, end to end under time-machine: deeds declared
and posted each quarter, an objection dismissed and one upheld, quarterly redemptions, a
veto in the autumn, the year-end ranking by household average, and the new year's restart."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gridgov.core.errors import ServiceError
from gridgov.moralbank import queries
from gridgov.moralbank.services import declarations, ledger, redemption

from .conftest import at, on_notice

pytestmark = pytest.mark.django_db


def deed(cast: Any, s: Any, household: Any, code: str, day: dt.date) -> Any:
    return on_notice(cast, s, code, household=household, happened_on=day)


def test_it_runs_a_year_of_one_village(scheme: Any, cast: Any, today: Any) -> None:
    from gridgov.registry.models import Household

    s = scheme
    third = Household.objects.filter(grid_code=cast.a1.code).order_by("pk")[2]
    Household.objects.filter(pk=third.pk).update(member_count=4)
    # Q1: home 干净人家 (+20) and public welfare (+3); other welfare (+3) objected, dismissed;
    # third welfare, objected and upheld.
    deed(cast, s, s.home, "HN1", dt.date(2027, 3, 1))
    deed(cast, s, s.home, "W1", dt.date(2027, 3, 2))
    disputed = deed(cast, s, s.other, "W1", dt.date(2027, 3, 3))
    false = deed(cast, s, third, "W1", dt.date(2027, 3, 4))
    o1 = declarations.object_to(
        actor=cast.worker_a1, declaration=disputed, text="有疑问", channel="oral"
    )
    o2 = declarations.object_to(
        actor=cast.worker_a1, declaration=false, text="不属实", channel="oral"
    )
    today.move_to(at(2027, 3, 16))
    assert declarations.post_due() == 2
    declarations.rule(actor=s.members[0], objection=o1, upheld=False, ruling="属实")
    declarations.rule(actor=s.members[1], objection=o2, upheld=True, ruling="不属实")
    # Quarterly redemption, end of March: a schoolbag (30) is more than home's 23: refused.
    today.move_to(at(2027, 3, 28))
    with pytest.raises(ServiceError, check=lambda e: e.code == "over_balance"):
        redemption.redeem(
            actor=s.keeper, point=s.point, card="00001", lines=[(s.bag, 1)], key="q1a"
        )
    redemption.redeem(actor=s.keeper, point=s.point, card="00001", lines=[(s.soap, 4)], key="q1b")
    # Q2: third is honoured (+20), home's hygiene +5.
    today.move_to(at(2027, 6, 10))
    deed(cast, s, third, "HN1", dt.date(2027, 6, 1))
    deed(cast, s, s.home, "H1", dt.date(2027, 6, 2))
    today.move_to(at(2027, 6, 20))
    assert declarations.post_due() == 2
    redemption.redeem(actor=s.keeper, point=s.point, card="00003", lines=[(s.soap, 2)], key="q2")
    # Q3: other is vetoed (a member broke the law): out of the ranking, on the negative list.
    today.move_to(at(2027, 9, 5))
    declarations.veto(actor=cast.head_a, account=s.other.moral_account, item=s.item["V1"],
                      year=2027, reason="家庭成员因赌博被行政处罚")  # fmt: skip
    # Q4: home is reported for littering (−10).
    today.move_to(at(2027, 11, 3))
    on_notice(cast, s, "D1", household=s.home, happened_on=dt.date(2027, 11, 1), source="report",
              reporter="村民", channel="phone")  # fmt: skip
    today.move_to(at(2027, 11, 10))
    assert declarations.post_due() == 1

    home, other, third_acc = (h.moral_account for h in (s.home, s.other, third))
    assert ledger.balances(home, 2027) == ledger.Balances(savings=18, earned=18, available=-2)
    assert ledger.balances(other, 2027) == ledger.Balances(savings=3, earned=3, available=3)
    assert ledger.balances(third_acc, 2027) == ledger.Balances(20, 20, 10)
    for account in (home, other, third_acc):
        assert ledger.check(account) == []

    today.move_to(at(2027, 12, 31))
    ranked = queries.ranking(s.village, 2027)
    # third 20/4 = 5, home 18/3 = 6: home first; other vetoed, absent.
    assert [(r.rank, r.account.card, r.points, r.members, str(r.average)) for r in ranked] == [
        (1, "00001", 18, 3, "6"), (2, "00003", 20, 4, "5"),
    ]  # fmt: skip
    assert ranked[0].name == "王** · 00001"
    assert [v.account.card for v in queries.negative_list(s.village, 2027)] == ["00002"]
    assert [r["item"] for r in queries.honour_roll(s.village, 2027)] == ["干净人家", "干净人家"]

    # The new year: the savings stay, the points to redeem start again.
    today.move_to(at(2028, 1, 2))
    assert ledger.balances(home, 2028) == ledger.Balances(savings=18, earned=0, available=0)
    assert queries.ranking(s.village, 2028) == []
