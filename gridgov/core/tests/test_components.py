"""gridgov.core.lib.components: managed component ids (GB/T 30428)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from gridgov.core.lib.components import ComponentCodeError, make, validate


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


COUNTY = "640402"
counties = st.builds(
    str.__add__, st.sampled_from("123456789"), st.text("0123456789", min_size=5, max_size=5)
)
classes = st.integers(1, 99).map(lambda n: f"{n:02d}")
serials = st.integers(1, 999_999)


def error_of(value: str, county: str | None = COUNTY) -> str:
    with pytest.raises(ComponentCodeError) as e:
        validate(value, county=county)
    return e.value.message


def test_it_splits_an_id_into_its_parts() -> None:
    assert validate("6404020102000017") == ("640402", "01", "02", 17)
    assert validate("6404020102000017", county=COUNTY) == ("640402", "01", "02", 17)


def test_it_accepts_surrounding_spaces() -> None:
    assert validate(" 6404020102000017\n", county=COUNTY) == ("640402", "01", "02", 17)


def test_it_accepts_local_major_classes() -> None:
    assert validate("6404029901000001", county=COUNTY)[1] == "99"


@pytest.mark.parametrize(
    "value", ["", "640402010200001", "64040201020000170", "64040201020000I7", "６404020102000017"]
)
def test_it_refuses_anything_but_sixteen_ascii_digits(value: str) -> None:
    assert error_of(value) == "A component id has 16 digits."


def test_it_refuses_an_id_of_another_county() -> None:
    assert error_of("6404220102000017") == "A component id starts with the county code 640402."
    # Without a county to check against, any county is fine.
    assert validate("6404220102000017", county=None)[0] == "640422"


def test_it_refuses_zero_classes_and_a_zero_serial() -> None:
    assert error_of("6404020002000017") == "Digits 7–8 are the major class, 01 to 99."
    assert error_of("6404020100000017") == "Digits 9–10 are the minor class, 01 to 99."
    assert error_of("6404020102000000") == ("The serial number (last 6 digits) cannot be 000000.")


@given(counties, classes, classes, serials)
def test_it_round_trips_what_make_builds(county: str, major: str, minor: str, serial: int) -> None:
    code = make(county, major, minor, serial)
    assert len(code) == 16 and code.isdigit()
    assert validate(code, county=county) == (county, major, minor, serial)


@given(counties, counties, classes, classes, serials)
def test_it_refuses_every_other_county(
    county: str, other: str, major: str, minor: str, serial: int
) -> None:
    code = make(county, major, minor, serial)
    if other == county:
        assert validate(code, county=other)[0] == county
    else:
        assert error_of(code, county=other) == (
            f"A component id starts with the county code {other}."
        )


@given(st.text(max_size=20))
def test_it_answers_any_text_with_parts_or_a_reason(value: str) -> None:
    try:
        county, major, minor, serial = validate(value)
    except ComponentCodeError as e:
        assert e.message
    else:
        assert make(county, major, minor, serial) == value.strip()
