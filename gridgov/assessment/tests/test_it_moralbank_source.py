"""The village moral bank as an indicator an administrator adds to a set (plan 8: it counts
in the village's assessment): community A takes part; of A1's first ten households with an
account, four were awarded points in March 2025 (one twice, one only in April), and A2's
five accounts none → A1 4 / 10 = 40 %, A2 0 / 5, the community 4 / 15."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from gridgov.assessment import queries
from gridgov.assessment.tests.conftest import MARCH

pytestmark = pytest.mark.django_db
P = queries.period_of("month", MARCH)
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def bank(cast: Any, django_db_blocker: Any) -> Iterator[None]:
    from gridgov.assessment.models import Indicator, IndicatorSet
    from gridgov.moralbank.models import Account, Entry, Village
    from gridgov.registry.models import Household

    with django_db_blocker.unblock(), transaction.atomic():
        village = Village.objects.create(
            grid=cast.community_a, grid_code=cast.community_a.code, name="甲村",
            starts_on=dt.date(2025, 1, 1),
        )  # fmt: skip
        accounts = []
        for g, n in ((cast.a1, 10), (cast.a2, 5)):
            for h in Household.objects.filter(grid_code=g.code).order_by("pk")[:n]:
                accounts.append(Account.objects.create(
                    village=village, household=h, grid_code=h.grid_code,
                    card=f"{len(accounts) + 1:04d}",
                ))  # fmt: skip
        for i, (a, day) in enumerate(
            [(accounts[0], 3), (accounts[0], 9), (accounts[1], 12), (accounts[2], 20),
             (accounts[3], 31), (accounts[4], 40)]
        ):  # fmt: skip
            Entry.objects.create(
                account=a, grid_code=a.grid_code, kind="award", year=2025, savings_delta=5,
                redeemable_delta=5, key=f"t{i}",
                booked_at=dt.datetime(2025, 3, 1, 10, tzinfo=TZ) + dt.timedelta(days=day - 1),
            )  # fmt: skip
        s = IndicatorSet.objects.get(slug="grid-head")
        Indicator.objects.create(set=s, position=30, metric="moral_awarded_share", weight=10,
                                 floor=0, target=100)  # fmt: skip
        yield
        transaction.set_rollback(True)


def test_it_scores_the_households_awarded(cast: Any, bank: None) -> None:
    def figure(card: Any) -> tuple[Any, ...]:
        f = next(x for x in card.figures if x.indicator.metric == "moral_awarded_share")
        return f.numerator, f.denominator, f.raw, f.link

    ranked = {c.key: c for c in queries.cards(cast.community_a, "grid", P)}
    assert figure(ranked[cast.a1.code])[:3] == (4, 10, 40.0)
    assert figure(ranked[cast.a2.code])[:3] == (0, 5, 0.0)
    whole = queries.grid_card(cast.community_a, P)
    assert figure(whole) == (4, 15, 26.67, f"/moralbank/overview/?grid={cast.community_a.code}")
