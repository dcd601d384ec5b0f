"""gridgov.core.lib.uscc: unified social credit codes (GB 32100)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from gridgov.core.lib.uscc import ALPHABET, CreditCodeError, check_char, make, validate


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    # Messages are checked as their English msgids, whatever the last test activated.
    with translation.override("en"):
        yield


# A code printed on real business licences (the standard's worked example).
EXAMPLE = "91350100M000100Y43"

# 1 authority + 1 type + 6-digit division code + 9-character organisation code.
first17s = st.builds(
    lambda head, division, org: head + division + org,
    st.text(ALPHABET, min_size=2, max_size=2),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(ALPHABET, min_size=9, max_size=9),
)


def error_of(value: str) -> str:
    with pytest.raises(CreditCodeError) as e:
        validate(value)
    return e.value.message


def test_it_accepts_the_example_and_computes_its_check_character() -> None:
    assert check_char(EXAMPLE[:17]) == "3"
    assert validate(EXAMPLE) == EXAMPLE


def test_it_accepts_lower_case_and_surrounding_spaces_and_returns_upper_case() -> None:
    assert validate(" 91350100m000100y43\t") == EXAMPLE


def test_it_accepts_full_width_characters_as_their_ascii_forms() -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in EXAMPLE)
    assert validate(full_width) == EXAMPLE


@pytest.mark.parametrize("value", ["", EXAMPLE[:17], EXAMPLE + "1"])
def test_it_refuses_any_length_but_eighteen(value: str) -> None:
    assert error_of(value) == "A unified social credit code has 18 characters."


@pytest.mark.parametrize("char", ["I", "O", "S", "V", "Z", "-", "*"])
def test_it_refuses_characters_outside_the_alphabet(char: str) -> None:
    value = EXAMPLE[:9] + char + EXAMPLE[10:]
    assert error_of(value) == (f"Character {char} cannot appear in a unified social credit code.")


def test_it_refuses_a_division_code_with_letters() -> None:
    first17 = "91A50100M000100Y4"
    assert error_of(make(first17)) == "Characters 3–8 of the code are a division code (digits)."


def test_it_refuses_a_wrong_check_character() -> None:
    assert error_of(EXAMPLE[:17] + "4") == "The check character of this credit code is wrong."


@given(first17s)
def test_it_round_trips_what_make_builds(first17: str) -> None:
    code = make(first17)
    assert len(code) == 18
    assert code[:17] == first17
    assert validate(code) == code


@given(first17s)
def test_it_accepts_lower_case_and_normalises_it(first17: str) -> None:
    code = make(first17)
    assert validate(code.lower()) == code


@given(first17s, st.integers(0, 17), st.integers(1, len(ALPHABET) - 1))
def test_it_detects_any_single_changed_character(first17: str, position: int, shift: int) -> None:
    # Given a valid code with one character replaced by another of the alphabet
    code = make(first17)
    other = ALPHABET[(ALPHABET.index(code[position]) + shift) % len(ALPHABET)]
    changed = code[:position] + other + code[position + 1 :]
    # Then it is refused: by the check character, or (a letter among digits 3–8) by the
    # division-code rule, which is checked first
    message = error_of(changed)
    if 2 <= position <= 7 and not other.isdigit():
        assert message == "Characters 3–8 of the code are a division code (digits)."
    else:
        assert message == "The check character of this credit code is wrong."


@given(st.text(max_size=20))
def test_it_answers_any_text_with_a_code_or_a_reason(value: str) -> None:
    try:
        code = validate(value)
    except CreditCodeError as e:
        assert e.message
    else:
        assert len(code) == 18 and set(code) <= set(ALPHABET)
        assert check_char(code[:17]) == code[17]
