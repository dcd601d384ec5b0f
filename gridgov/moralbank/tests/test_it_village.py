"""A village joins, records its meeting, adopts versioned rules and elects its review group;
refusals (404 out of scope, 403 without the right, 422 bad input, 409 twice) change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gridgov.moralbank.models import Account, RuleSet
from gridgov.moralbank.services import village

from .conftest import ITEMS
from .helpers import refused

pytestmark = pytest.mark.django_db


def test_it_opens_an_account_with_a_card_for_every_household(scheme: Any, cast: Any) -> None:
    accounts = Account.objects.filter(village=scheme.village)
    assert accounts.count() == 470
    assert Account.objects.get(household=scheme.home).card == "00001"
    assert Account.objects.get(household=scheme.other).card == "00002"
    assert scheme.village.next_card == 471


def test_it_refuses_joining_out_of_scope_without_right_or_twice(scheme: Any, cast: Any) -> None:
    day = dt.date(2027, 1, 1)
    assert (
        refused(village.join, actor=cast.worker_b1, grid=cast.community_a, starts_on=day)[0] == 404
    )
    assert (
        refused(village.join, actor=cast.dispatcher, grid=cast.community_a, starts_on=day)[0] == 403
    )
    assert refused(village.join, actor=cast.head_a, grid=cast.community_a, starts_on=day)[:2] == (
        409, "joined",
    )  # fmt: skip
    assert refused(village.join, actor=cast.head_a, grid=cast.a1, starts_on=day)[2] == "grid"


def test_it_opens_a_card_for_a_household_registered_later(scheme: Any, cast: Any) -> None:
    from gridgov.registry.models import Household

    late = Household.objects.create(
        grid=cast.a2, grid_code=cast.a2.code, address="新户", household_type="unit"
    )
    account = village.account_for(late)
    assert (account.card, account.village) == ("00471", scheme.village)


def test_it_keeps_rules_versioned_and_adopted_items_unchanged(
    scheme: Any, cast: Any, today: Any
) -> None:
    draft = village.draft_rules(
        actor=cast.head_a, village=scheme.village, title="评分细则(修订)", items=ITEMS[:2]
    )
    assert (draft.version, draft.adopted) == (2, False)
    assert village.rules_in_force(scheme.village, dt.date(2027, 3, 10)) == scheme.rules
    status, code, _ = refused(
        village.adopt_rules, actor=cast.head_a, rule_set=scheme.rules, meeting=scheme.meeting,
        published_on=dt.date(2026, 12, 21), applies_from=dt.date(2027, 1, 1),
    )  # fmt: skip
    assert (status, code) == (409, "adopted")


def test_it_refuses_rules_shown_after_they_apply(scheme: Any, cast: Any, today: Any) -> None:
    draft = RuleSet.objects.get(village=scheme.village, version=1)
    status, _, field = refused(
        village.adopt_rules, actor=cast.head_a, rule_set=draft, meeting=scheme.meeting,
        published_on=dt.date(2027, 1, 5), applies_from=dt.date(2027, 1, 5),
    )  # fmt: skip
    assert (status, field) == (422, "applies_from")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"points": 0}, "items.0.points"),
        ({"category": "veto", "points": 5}, "items.0.points"),
        ({"category": "bravery"}, "items.0.category"),
        ({"cap": 0, "cap_period": "year"}, "items.0.cap"),
        ({"title": "联系电话13912345678"}, "items.0.title"),
    ],
)
def test_it_refuses_an_item_naming_the_field(
    scheme: Any, cast: Any, change: dict[str, Any], field: str
) -> None:
    item = {**ITEMS[0], **change}
    status, _, got = refused(
        village.draft_rules, actor=cast.head_a, village=scheme.village, title="x", items=[item]
    )
    assert (status, got) == (422, field)


@pytest.mark.parametrize("size", [4, 8])
def test_it_refuses_a_review_group_of_other_than_5_to_7(scheme: Any, cast: Any, size: int) -> None:
    from gridgov.accounts.models import User

    people = [User.objects.get_or_create(username=f"p{i}")[0] for i in range(size)]
    status, code, field = refused(
        village.elect_group, actor=cast.head_a, village=scheme.village, meeting=scheme.meeting,
        starts_on=dt.date(2027, 1, 1), members=people,
    )  # fmt: skip
    assert (status, code, field) == (422, "group_size", "members")


def test_it_refuses_a_meeting_without_the_right(scheme: Any, cast: Any, today: Any) -> None:
    kwargs: dict[str, Any] = {
        "village": scheme.village, "held_on": dt.date(2027, 3, 1), "present": 20, "total": 25,
        "resolution": "决议",
    }  # fmt: skip
    assert refused(village.record_meeting, actor=cast.worker_b1, **kwargs)[0] == 404
    assert refused(village.record_meeting, actor=cast.dispatcher, **kwargs)[0] == 403
    kwargs["present"] = 26
    assert refused(village.record_meeting, actor=cast.head_a, **kwargs)[2] == "present"
