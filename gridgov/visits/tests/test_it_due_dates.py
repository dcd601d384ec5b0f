"""Due dates (ADR 0023): the shortest round of a household's obligations, calendar months,
never before an obligation began, rules per grid subtree; kept per household by `compute`,
`refresh` and `rebuild`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from gridgov.registry.models import Tag
from gridgov.visits import schedule
from gridgov.visits.models import Schedule, VisitRule
from gridgov.visits.schedule import Rule, Rules, next_due

from .conftest import at

pytestmark = pytest.mark.django_db
D = dt.date
WEEKLY = Rule("elderly_alone", 1, "week", True)
MONTHLY = Rule("hardship", 1, "month", True)
YEARLY = Rule("everyone", 1, "year", False)
RULES = {"everyone": YEARLY, "elderly_alone": WEEKLY, "hardship": MONTHLY}


def test_it_takes_the_shortest_round_of_the_household_and_its_residents() -> None:
    due, must = next_due(
        rules=RULES, registered=D(2026, 1, 1), last=D(2027, 1, 31),
        tags=[("hardship", D(2026, 1, 1)), ("elderly_alone", D(2026, 1, 1))],
    )  # fmt: skip
    assert (due, must) == (D(2027, 2, 7), True)
    due, must = next_due(
        rules=RULES, registered=D(2026, 1, 1), last=D(2027, 1, 31),
        tags=[("hardship", D(2026, 1, 1))],
    )  # fmt: skip
    assert (due, must) == (D(2027, 2, 28), True)
    due, must = next_due(rules=RULES, registered=D(2026, 1, 1), last=D(2027, 1, 31), tags=[])
    assert (due, must) == (D(2028, 1, 31), False)


def test_it_is_due_at_once_when_never_visited_or_newly_tagged() -> None:
    assert next_due(rules=RULES, registered=D(2026, 6, 1), last=None, tags=[]) == (
        D(2026, 6, 1), False,
    )  # fmt: skip
    # A tag older than the registration: due on the registration, not before.
    tags = [("elderly_alone", D(2020, 1, 1))]
    assert next_due(rules=RULES, registered=D(2026, 6, 1), last=None, tags=tags)[0] == D(2026, 6, 1)
    # Tagged on 1 March, last visited in January (yearly): due on 1 March.
    tags = [("elderly_alone", D(2027, 3, 1))]
    assert next_due(rules=RULES, registered=D(2026, 6, 1), last=D(2027, 1, 10), tags=tags)[0] == D(
        2027, 3, 1
    )


def test_it_ignores_kinds_without_a_rule_and_never_falls_due_without_any() -> None:
    tags = [("floating", D(2026, 1, 1))]
    assert next_due(rules=RULES, registered=D(2026, 1, 1), last=D(2027, 1, 1), tags=tags) == (
        D(2028, 1, 1), False,
    )  # fmt: skip
    assert next_due(rules={}, registered=D(2026, 1, 1), last=None, tags=tags) == (
        schedule.NEVER, False,
    )  # fmt: skip


def test_it_takes_the_rule_of_the_longest_code_and_lets_a_subtree_switch_a_kind_off() -> None:
    rows = [
        VisitRule(grid_code="", kind="hardship", every=1, unit="month"),
        VisitRule(grid_code="640402001", kind="hardship", every=2, unit="week"),
        VisitRule(grid_code="640402002", kind="hardship", every=1, unit="week", active=False),
    ]
    rules = Rules(rows)
    assert rules.on("640402001001001")["hardship"].every == 2
    assert rules.on("640402003001001")["hardship"].unit == "month"
    assert "hardship" not in rules.on("640402002001001")


def test_it_keeps_each_households_due_date_and_its_tags(homes: Any) -> None:
    with time_machine.travel(at(2027, 1, 4), tick=False):
        written = schedule.compute({"__in": [homes.alone.pk, homes.poor.pk, homes.plain.pk]})
    assert written == 3
    rows = {s.household_id: s for s in Schedule.objects.all()}
    assert (rows[homes.alone.pk].next_due, rows[homes.alone.pk].tags) == (
        D(2026, 6, 1), "elderly_alone",
    )  # fmt: skip
    assert rows[homes.alone.pk].must_visit and rows[homes.poor.pk].must_visit
    assert not rows[homes.plain.pk].must_visit and rows[homes.plain.pk].tags == ""
    # Nothing changed: nothing written.
    with time_machine.travel(at(2027, 1, 4), tick=False):
        assert schedule.compute({"__in": [homes.alone.pk, homes.poor.pk]}) == 0


def test_it_refreshes_the_households_whose_tags_changed_and_rebuilds_all(homes: Any) -> None:
    with time_machine.travel(at(2027, 1, 4), tick=False):
        schedule.refresh()  # the first run: everything
    assert Schedule.objects.get(pk=homes.plain.pk).tags == ""
    with time_machine.travel(at(2027, 1, 5), tick=False):
        Tag.objects.create(
            household=homes.plain, grid_code=homes.plain.grid_code, kind="unemployed",
            start=D(2027, 1, 5),
        )  # fmt: skip
    with time_machine.travel(at(2027, 1, 5, 10, 10), tick=False):
        assert schedule.refresh() == 1
    row = Schedule.objects.get(pk=homes.plain.pk)
    assert (row.tags, row.must_visit) == ("unemployed", True)
    # A tag that ends is seen the day after, without any row changing.
    Tag.objects.filter(household=homes.poor).update(end=D(2027, 1, 5))
    with time_machine.travel(at(2027, 1, 6), tick=False):
        assert schedule.refresh() == 1
    assert Schedule.objects.get(pk=homes.poor.pk).must_visit is False
    VisitRule.objects.filter(grid_code="", kind="unemployed").update(every=2, active=False)
    with time_machine.travel(at(2027, 1, 6), tick=False):
        schedule.rebuild()
    assert Schedule.objects.get(pk=homes.plain.pk).must_visit is False
