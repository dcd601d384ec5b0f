"""gridgov.core.lib.phones: normalising and masking phone numbers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from gridgov.core.lib.phones import PhoneError, mask, normalise


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


MESSAGE = "A phone number is an 11-digit mobile number or 0 + area code + number."
digits = "0123456789"
mobiles = st.builds(
    lambda second, rest: "1" + second + rest,
    st.sampled_from("3456789"),
    st.text(digits, min_size=9, max_size=9),
)
# 0 + area (2–3 more digits) + number (7–8 digits), with or without the dash.
landlines = st.builds(
    lambda area, number: (area, number),
    # Chinese area codes: 0, a digit 1–9, one or two more digits (010, 0954).
    st.builds(
        lambda first, rest: "0" + first + rest,
        st.sampled_from("123456789"),
        st.text(digits, min_size=1, max_size=2),
    ),
    st.text(digits, min_size=7, max_size=8),
)


def error_of(value: str) -> str:
    with pytest.raises(PhoneError) as e:
        normalise(value)
    return e.value.message


@pytest.mark.parametrize(
    "typed",
    [
        "13912345678",
        " 139 1234 5678 ",
        "139-1234-5678",
        "+8613912345678",
        "+86 139 1234 5678",
        "008613912345678",
        "(139)12345678",
        "１３９１２３４５６７８",  # full width, as Chinese input methods type it
    ],
)
def test_it_reads_a_mobile_typed_in_any_usual_way(typed: str) -> None:
    assert normalise(typed) == "13912345678"


@pytest.mark.parametrize("typed", ["0954-1234567", "09541234567", "(0954)1234567", "0954 1234567"])
def test_it_gives_one_form_of_a_landline_however_typed(typed: str) -> None:
    # One form per number: the lookup hash is of this form.
    assert normalise(typed) == "09541234567"


def test_it_reads_a_three_digit_area_code_with_an_eight_digit_number() -> None:
    assert normalise("010-12345678") == "01012345678"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "1391234567",  # 10 digits
        "139123456789",  # 12 digits
        "12912345678",  # no mobile starts 12
        "23912345678",
        "139123456７8a",
        "13९12345678",  # a Devanagari digit is no digit of a phone
        "095-123456",  # number too short
        "0954-123456789",  # too long
    ],
)
def test_it_refuses_what_is_no_phone(value: str) -> None:
    assert error_of(value) == MESSAGE


def test_it_masks_all_but_the_first_three_and_last_four() -> None:
    assert mask("13912345678") == "139****5678"
    assert mask("09541234567") == "095****4567"
    assert mask("0954-1234567") == "095****4567"
    assert mask("01012345678") == "010****5678"
    assert mask("1234567") == "*******"


@given(mobiles)
def test_it_keeps_a_mobile_as_it_is(number: str) -> None:
    assert normalise(number) == number
    assert normalise(f"+86 {number[:3]} {number[3:7]} {number[7:]}") == number
    assert mask(number) == number[:3] + "****" + number[-4:]


@given(landlines, st.booleans())
def test_it_normalises_landlines_to_digits(landline: tuple[str, str], dash: bool) -> None:
    area, number = landline
    canonical = area + number
    assert normalise(area + ("-" if dash else "") + number) == canonical
    masked = mask(canonical)
    assert len(masked) == len(canonical)
    assert masked[:3] == canonical[:3] and masked[-4:] == canonical[-4:]
    assert set(masked[3:-4]) == {"*"}


@given(st.text(max_size=20))
def test_it_is_idempotent_and_gives_ascii_digits_only(value: str) -> None:
    try:
        number = normalise(value)
    except PhoneError as e:
        assert e.message == MESSAGE
    else:
        assert number.isascii() and number.isdigit()
        assert normalise(number) == number
        # The mask never shows more than seven of the digits.
        assert sum(c.isdigit() for c in mask(number)) == 7


def test_it_reads_0086_as_the_country_prefix_never_as_an_area_code() -> None:
    assert normalise("008613912345678") == "13912345678"
    assert normalise("0086-0954-1234567") == "09541234567"
    with pytest.raises(PhoneError):
        normalise("00860000000")  # 0086 + 7 digits: no area code
