"""The ranges of the contact pyramid (party.pyramid), by property: every verdict follows
from the count and the range alone, and the central-household norm from the counts."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridgov.party import pyramid
from gridgov.party.pyramid import OK, OVER, UNDER, UNLINKED, Range


@st.composite
def ranges(draw: st.DrawFn) -> Range:
    low = draw(st.integers(1, 50))
    return Range(low, draw(st.integers(low, 60)))


counts = st.integers(0, 500)


def test_it_holds_plan_1s_table_by_default() -> None:
    table = pyramid.ranges({})
    assert {k: (r.low, r.high) for k, r in table.items()} == {
        "branch": (1, 2), "group": (1, 2), "central": (2, 5), "member": (5, 10),
        "household": (10, 15), "households_per_central": (10, 15),
    }  # fmt: skip


def test_it_reads_the_households_per_central_norm_from_settings(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PARTY_HOUSEHOLDS_PER_CENTRAL_MIN, settings.PARTY_HOUSEHOLDS_PER_CENTRAL_MAX = 8, 20
    settings.PARTY_PYRAMID_RANGES = {"member": (4, 9)}
    table = pyramid.ranges()
    assert (table["households_per_central"].low, table["households_per_central"].high) == (8, 20)
    assert (table["member"].low, table["member"].high) == (4, 9)
    assert (table["household"].low, table["household"].high) == (10, 15)


@pytest.mark.parametrize("low,high", [(0, 3), (3, 2), (-1, 5)])
def test_it_refuses_a_range_that_cannot_hold(low: int, high: int) -> None:
    with pytest.raises(ValueError):
        Range(low, high)


@given(counts, ranges())
def test_it_gives_exactly_one_verdict_by_where_the_count_falls(n: int, rng: Range) -> None:
    v = pyramid.verdict(n, rng)
    assert v == (UNLINKED if n == 0 else UNDER if n < rng.low else OVER if n > rng.high else OK)


@given(ranges())
def test_it_accepts_both_ends_of_a_range_and_nothing_past_them(rng: Range) -> None:
    assert pyramid.verdict(rng.low, rng) == OK
    assert pyramid.verdict(rng.high, rng) == OK
    assert pyramid.verdict(rng.high + 1, rng) == OVER
    assert pyramid.verdict(rng.low - 1, rng) in (UNDER, UNLINKED)


@given(st.dictionaries(st.integers(1, 10_000), counts, max_size=50), ranges())
def test_it_checks_every_source_and_tallies_them_all(by_key: dict[int, int], rng: Range) -> None:
    verdicts = pyramid.check(by_key, rng)
    assert set(verdicts) == set(by_key)
    tally = pyramid.tally(verdicts.values())
    assert set(tally) == {OK, UNDER, OVER, UNLINKED}
    assert sum(tally.values()) == len(by_key)
    assert tally[UNLINKED] == sum(1 for n in by_key.values() if n == 0)


@given(st.integers(1, 5000), ranges())
def test_it_finds_the_norm_satisfiable_by_its_own_fewest(households: int, rng: Range) -> None:
    norm = pyramid.central_norm(households, 0, rng)
    assert norm.verdict == UNLINKED
    assert norm.fewest == math.ceil(households / rng.high)
    assert norm.fewest <= norm.most
    # The fewest asked for never leaves a central household with more than `high`.
    assert households / norm.fewest <= rng.high
    assert pyramid.central_norm(households, norm.fewest, rng).verdict == OK
    assert pyramid.central_norm(households, norm.most, rng).verdict == OK
    assert pyramid.central_norm(households, norm.most + 1, rng).verdict == OVER
    if norm.fewest > 1:
        assert pyramid.central_norm(households, norm.fewest - 1, rng).verdict == UNDER


@given(st.integers(1, 5000), st.integers(1, 500), ranges())
def test_it_calls_a_norm_ok_when_each_central_stands_for_households_in_range(
    households: int, centrals: int, rng: Range
) -> None:
    per = households / centrals
    if rng.low <= per <= rng.high:
        assert pyramid.central_norm(households, centrals, rng).verdict == OK


def test_it_reads_plan_1s_norm_for_plain_numbers() -> None:
    rng = Range(10, 15)
    assert pyramid.central_norm(120, 10, rng).verdict == OK  # 12 each
    assert pyramid.central_norm(120, 7, rng).verdict == UNDER  # 17 each
    assert pyramid.central_norm(120, 13, rng).verdict == OVER  # 9 each
    assert pyramid.central_norm(16, 2, rng).verdict == OK  # 16 fits no whole number: ceil
    assert pyramid.central_norm(0, 0, rng).verdict == OK
    assert pyramid.central_norm(0, 1, rng).verdict == OVER


def test_it_refuses_negative_counts() -> None:
    with pytest.raises(ValueError):
        pyramid.verdict(-1, Range(1, 2))
    with pytest.raises(ValueError):
        pyramid.central_norm(-1, 0, Range(1, 2))
