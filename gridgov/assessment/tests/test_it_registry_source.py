"""The registry's completeness (四清) as an indicator an administrator adds to a set: A1's
350 households, 35 of them with members (nothing else registered there) → 35 / 350 = 10 %,
on the grid's card and on its worker's, linked to the completeness page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from gridgov.assessment import queries
from gridgov.assessment.tests.conftest import MARCH

pytestmark = pytest.mark.django_db
P = queries.period_of("month", MARCH)


@pytest.fixture(scope="module")
def registry(cast: Any, django_db_blocker: Any) -> Iterator[None]:
    from gridgov.assessment.models import Indicator, IndicatorSet
    from gridgov.registry.models import Household

    with django_db_blocker.unblock(), transaction.atomic():
        first = Household.objects.filter(grid_code=cast.a1.code).order_by("pk")[:35]
        Household.objects.filter(pk__in=list(first.values_list("pk", flat=True))).update(
            member_count=1
        )
        for slug in ("grid-head", "grid-worker"):
            Indicator.objects.create(
                set=IndicatorSet.objects.get(slug=slug), position=20,
                metric="registry_complete_share", weight=10, floor=0, target=100,
            )  # fmt: skip
        yield
        transaction.set_rollback(True)


def test_it_scores_the_registry_as_of_today(cast: Any, registry: None) -> None:
    card = queries.grid_card(cast.a1, P)
    f = next(x for x in card.figures if x.indicator.metric == "registry_complete_share")
    assert (f.numerator, f.denominator, f.raw, f.score) == (35, 350, 10.0, 10.0)
    assert f.link == f"/registry/completeness/comprehensive/{cast.a1.code}/"
    ranked = queries.cards(cast.community_a, "grid", P)
    a2 = next(c for c in ranked if c.key == cast.a2.code)
    g = next(x for x in a2.figures if x.indicator.metric == "registry_complete_share")
    assert (g.numerator, g.denominator) == (0, 120)
    worker = queries.cards(cast.community_a, "worker", P)[0]
    w = next(x for x in worker.figures if x.indicator.metric == "registry_complete_share")
    assert (w.numerator, w.denominator) == (35, 350)
