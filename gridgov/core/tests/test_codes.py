"""gridgov.core.lib.codes: checking, allocating and ordering grid codes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from gridgov.core.lib.codes import (
    CodeError,
    check_code,
    next_code,
    reading_order,
    statistical_code,
    subtree_range,
)


@pytest.fixture(autouse=True)
def simplified_chinese() -> Iterator[None]:
    # Messages are checked in the default language; a page test run earlier in this thread
    # may have left another one active (LocaleMiddleware never deactivates).
    with translation.override("zh-hans"):
        yield


COMMUNITY = "640402001001"


# check_code


def test_it_accepts_a_code_under_its_parent() -> None:
    check_code("640402001001001", length=15, parent_code=COMMUNITY)
    check_code("640402", length=6, parent_code=None)


@pytest.mark.parametrize("code", ["64040200100100a", "640402001001 01", "６４０４０２", "-64040"])
def test_it_refuses_anything_but_ascii_digits(code: str) -> None:
    with pytest.raises(CodeError) as e:
        check_code(code, length=len(code), parent_code=None)
    assert e.value.message == "编码只能包含数字。"


@pytest.mark.parametrize(("code", "got"), [("64040200100101", 14), ("6404020010010011", 16)])
def test_it_refuses_the_wrong_length_for_the_level(code: str, got: int) -> None:
    with pytest.raises(CodeError) as e:
        check_code(code, length=15, parent_code=COMMUNITY)
    assert e.value.message == f"该层级的编码应为 15 位，而不是 {got} 位。"


def test_it_refuses_a_code_that_does_not_start_with_its_parents() -> None:
    with pytest.raises(CodeError) as e:
        check_code("640402002001001", length=15, parent_code=COMMUNITY)
    assert e.value.message == "编码应以上级编码 640402001001 开头。"


def test_it_refuses_an_all_zero_suffix() -> None:
    with pytest.raises(CodeError) as e:
        check_code("640402001001000", length=15, parent_code=COMMUNITY)
    assert e.value.message == "上级编码之后的部分不能全为零。"
    # One non-zero digit anywhere in the suffix is enough.
    check_code("640402001001100", length=15, parent_code=COMMUNITY)


# next_code


def test_it_takes_the_first_sequence_when_nothing_is_used() -> None:
    assert next_code(COMMUNITY, 15, [], dedicated=False) == "640402001001001"
    assert next_code(COMMUNITY, 15, [], dedicated=True) == "640402001001700"


def test_it_never_reuses_a_code_ever_used_even_retired() -> None:
    # Given 001 current and 002, 003 retired (every code ever used is passed in)
    used = ["640402001001001", "640402001001002", "640402001001003"]
    # When / then: the next is 004, not a gap left by a retired grid
    assert next_code(COMMUNITY, 15, used, dedicated=False) == "640402001001004"
    # and a gap below the highest used number is not filled either
    assert next_code(COMMUNITY, 15, ["640402001001005"], dedicated=False) == "640402001001006"


def test_it_keeps_comprehensive_and_dedicated_ranges_apart() -> None:
    used = ["640402001001003", "640402001001701"]
    assert next_code(COMMUNITY, 15, used, dedicated=False) == "640402001001004"
    assert next_code(COMMUNITY, 15, used, dedicated=True) == "640402001001702"


def test_it_ignores_codes_of_other_parents_and_other_levels() -> None:
    used = [
        "640402002001009",  # another community
        "64040200100100100001",  # a building under grid 001
        COMMUNITY,  # the parent itself
    ]
    assert next_code(COMMUNITY, 15, used, dedicated=False) == "640402001001001"


def test_it_refuses_when_a_range_is_full() -> None:
    full = [f"{COMMUNITY}699"]
    with pytest.raises(CodeError) as e:
        next_code(COMMUNITY, 15, full, dedicated=False)
    assert e.value.message == "640402001001 下已无可用编码。"
    # The dedicated range is still open.
    assert next_code(COMMUNITY, 15, full, dedicated=True) == "640402001001700"
    with pytest.raises(CodeError):
        next_code(COMMUNITY, 15, [f"{COMMUNITY}999"], dedicated=True)


def test_it_uses_the_whole_width_below_grid_level() -> None:
    # Buildings: 5 digits under a grid, no comprehensive/dedicated split.
    grid = "640402001001001"
    assert next_code(grid, 20, [], dedicated=False) == "64040200100100100001"
    assert next_code(grid, 20, [f"{grid}00998"], dedicated=False) == "64040200100100100999"


def test_it_refuses_a_level_without_room() -> None:
    with pytest.raises(CodeError):
        next_code(COMMUNITY, 12, [], dedicated=False)


# subtree_range and statistical_code


def test_it_bounds_a_subtree_by_the_character_after_nine() -> None:
    low, high = subtree_range("640402001")
    assert (low, high) == ("640402001", "640402001:")
    inside = ["640402001", "640402001001", "640402001999999", "64040200199999999999"]
    outside = ["640402002", "640402000999", "64040200", "640403"]
    assert [low <= c < high for c in inside] == [True] * 4
    assert [low <= c < high for c in outside] == [False] * 4


def test_it_pads_division_codes_to_twelve_digits() -> None:
    assert statistical_code("640402") == "640402000000"
    assert statistical_code("640402001") == "640402001000"
    assert statistical_code("640402001001") == "640402001001"
    with pytest.raises(CodeError):
        statistical_code("640402001001001")


# reading_order


def test_it_reads_rows_north_to_south_and_west_to_east() -> None:
    # Given a 3×3 layout listed in scrambled order (lon, lat)
    points = [
        (2.0, 0.0),  # 0: south-east
        (0.0, 2.0),  # 1: north-west
        (1.0, 1.0),  # 2: centre
        (2.0, 2.0),  # 3: north-east
        (0.0, 0.0),  # 4: south-west
        (1.0, 2.0),  # 5: north-centre
        (0.0, 1.0),  # 6: west
        (2.0, 1.0),  # 7: east
        (1.0, 0.0),  # 8: south-centre
    ]
    # When / then
    assert reading_order(points) == [1, 5, 3, 6, 2, 7, 4, 8, 0]


def test_it_treats_slightly_different_latitudes_as_one_row() -> None:
    # Two rows of two; the western point of the top row is a little lower.
    points = [(1.0, 1.0), (0.0, 0.9), (1.0, 0.0), (0.0, 0.1)]
    assert reading_order(points) == [1, 0, 3, 2]


def test_it_orders_empty_and_single_row_inputs() -> None:
    assert reading_order([]) == []
    assert reading_order([(3.0, 5.0), (1.0, 5.0), (2.0, 5.0)]) == [1, 2, 0]


# Properties

parents = st.sampled_from(["640402", "640402001", COMMUNITY])


@st.composite
def allocations(draw: st.DrawFn) -> tuple[str, int, list[str], bool]:
    parent = draw(parents)
    length = len(parent) + 3
    dedicated = draw(st.booleans())
    siblings = draw(st.lists(st.integers(1, 698), max_size=20))
    siblings += draw(st.lists(st.integers(700, 998), max_size=20))
    used = [f"{parent}{s:03d}" for s in siblings]
    noise = draw(st.lists(st.from_regex(r"\A\d{6,20}\Z"), max_size=10))
    return parent, length, used + noise, dedicated


@given(allocations())
def test_it_allocates_a_fresh_code_above_every_used_sibling(
    case: tuple[str, int, list[str], bool],
) -> None:
    parent, length, used, dedicated = case
    code = next_code(parent, length, used, dedicated=dedicated)
    assert code.startswith(parent)
    assert len(code) == length
    assert code not in used
    check_code(code, length=length, parent_code=parent)
    low, high = (700, 999) if dedicated else (1, 699)
    sequence = int(code[len(parent) :])
    assert low <= sequence <= high
    same_range = [
        int(c[len(parent) :])
        for c in used
        if c.startswith(parent) and len(c) == length and low <= int(c[len(parent) :]) <= high
    ]
    assert all(sequence > s for s in same_range)
    assert sequence == max(same_range, default=low - 1) + 1


# Coordinates on a 0.01° lattice: reading order is about rows, not float underflow.
coordinates = st.integers(-1000, 1000).map(lambda v: v / 100)


@given(st.lists(st.tuples(coordinates, coordinates), max_size=30))
def test_it_returns_every_index_once_north_rows_first(points: list[tuple[float, float]]) -> None:
    order = reading_order(points)
    assert sorted(order) == list(range(len(points)))
    lats = [p[1] for p in points]
    # With three points or more there are at least two rows, so a northernmost point is
    # read before every southernmost one.
    if len(points) >= 3 and max(lats) != min(lats):
        last_north = max(order.index(i) for i in range(len(points)) if lats[i] == max(lats))
        first_south = min(order.index(i) for i in range(len(points)) if lats[i] == min(lats))
        assert last_north < first_south
