"""gridgov.core.lib.idnumbers: GB 11643 resident identity numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from gridgov.core.lib.idnumbers import IdNumberError, check_char, make, mask, parse


@pytest.fixture(autouse=True)
def simplified_chinese() -> Iterator[None]:
    # Messages are checked in the default language; a page test run earlier in this thread
    # may have left another one active (LocaleMiddleware never deactivates).
    with translation.override("zh-hans"):
        yield


TODAY = dt.date(2024, 6, 1)
# The standard's own example: 11010519491231002X (born 1949-12-31, a woman).
EXAMPLE = "11010519491231002X"

addresses = st.from_regex(r"\A[1-9][0-9]{5}\Z")  # ASCII: \d would admit other scripts
births = st.dates(min_value=dt.date(1880, 1, 1), max_value=TODAY)
sequences = st.integers(0, 999)


def error_of(value: str) -> str:
    with pytest.raises(IdNumberError) as e:
        parse(value, today=TODAY)
    return e.value.message


def test_it_parses_the_standards_example() -> None:
    assert check_char("11010519491231002") == "X"
    assert parse(EXAMPLE, today=TODAY) == (dt.date(1949, 12, 31), "f")


def test_it_accepts_a_lower_case_x_and_surrounding_spaces() -> None:
    assert parse(" 11010519491231002x ", today=TODAY) == (dt.date(1949, 12, 31), "f")


def test_it_reads_sex_from_the_parity_of_the_sequence() -> None:
    assert parse(make("640402", dt.date(1990, 5, 17), 123), today=TODAY)[1] == "m"
    assert parse(make("640402", dt.date(1990, 5, 17), 124), today=TODAY)[1] == "f"


def test_it_masks_all_but_the_first_four_and_last_four() -> None:
    assert mask("640402199005171234") == "6404**********1234"
    assert mask("1234567") == "*******"
    assert mask("12345678") == "12345678"


def test_it_refuses_a_birth_date_in_the_future() -> None:
    tomorrow = make("640402", TODAY + dt.timedelta(days=1), 1)
    assert error_of(tomorrow) == "身份证号码中的出生日期晚于今天或过早。"
    # Born today is fine.
    assert parse(make("640402", TODAY, 1), today=TODAY)[0] == TODAY


def test_it_refuses_a_birth_date_before_1880() -> None:
    assert error_of(make("640402", dt.date(1879, 12, 31), 1)) == (
        "身份证号码中的出生日期晚于今天或过早。"
    )


def test_it_refuses_seventeen_and_nineteen_characters() -> None:
    assert error_of(EXAMPLE[:17]) == "身份证号码应为 18 位。"
    assert error_of(EXAMPLE + "1") == "身份证号码应为 18 位。"


def test_it_refuses_letters_other_than_a_final_x() -> None:
    assert error_of("1101051949123100X2") == "身份证号码应为 17 位数字加 1 位数字或 X。"
    assert error_of("11010519491231002Y") == "身份证号码应为 17 位数字加 1 位数字或 X。"


def test_it_refuses_a_wrong_check_character() -> None:
    assert error_of("110105194912310021") == "身份证号码校验位错误。"


@pytest.mark.parametrize("date", ["19900230", "19890229", "19901301", "19900100", "19900431"])
def test_it_refuses_impossible_birth_dates(date: str) -> None:
    body = f"640402{date}123"
    assert error_of(body + check_char(body)) == "身份证号码中的出生日期不存在。"


def test_it_accepts_the_29th_of_february_in_a_leap_year() -> None:
    body = "64040220000229123"
    assert parse(body + check_char(body), today=TODAY) == (dt.date(2000, 2, 29), "m")


@given(addresses, births, sequences)
def test_it_round_trips_birth_date_and_sex(address: str, birth: dt.date, sequence: int) -> None:
    value = make(address, birth, sequence)
    assert len(value) == 18
    assert parse(value, today=TODAY) == (birth, "m" if sequence % 2 else "f")


@given(addresses, births, sequences, st.integers(0, 16), st.integers(1, 9))
def test_it_detects_any_single_changed_digit(
    address: str, birth: dt.date, sequence: int, position: int, shift: int
) -> None:
    # Given a valid number with one of its first 17 digits changed
    value = make(address, birth, sequence)
    digit = (int(value[position]) + shift) % 10
    changed = value[:position] + str(digit) + value[position + 1 :]
    # Then the check character (or, for a date digit, the date itself) gives it away
    with pytest.raises(IdNumberError) as e:
        parse(changed, today=TODAY)
    assert e.value.message in {
        "身份证号码校验位错误。",
        "身份证号码中的出生日期不存在。",
        "身份证号码中的出生日期晚于今天或过早。",
    }
    if position < 6 or position > 13:
        assert e.value.message == "身份证号码校验位错误。"
