"""gridgov.core.lib.text: one normalisation, idempotent, never holding what it refuses or
removes, NFKC-stable; over random Unicode (hypothesis)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gridgov.core.lib import text

ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
ODD = (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202e\u2066\u2069"
    "\x00\x1b\x7f\x85\x9b\t\n\r\v\u2028\u3000\u00a0\uff21\uff11\uf900\ud800\uffff"
)


def _outcome(value: str, multiline: bool) -> str | None:
    try:
        return text.normalise(value, multiline=multiline)
    except text.RefusedCharacter:
        return None


@settings(max_examples=600)
@given(ANY_TEXT, st.booleans())
@example("e\u200b\u0301", False)
@example("a\u202eb", False)
@example("\ufeff张三\u200b", False)
@example("\t0", True)  # a tab opening a multi-line text was kept
def test_it_is_idempotent_and_nfkc_stable(value: str, multiline: bool) -> None:
    out = _outcome(value, multiline)
    if out is None:
        return
    assert text.normalise(out, multiline=multiline) == out
    assert unicodedata.normalize("NFKC", out) == out
    assert out == out.strip()


@settings(max_examples=600)
@given(ANY_TEXT | st.text(st.sampled_from(" ab张三\u3164\u0301\uff21\u00a0"), max_size=12))
@example("  张三  ")
@example(" \u0301a")
def test_it_takes_the_short_way_only_where_it_ends_as_the_long_one(value: str) -> None:
    for multiline in (False, True):
        try:
            slow: str | None = text._normalise(value, multiline)
        except text.RefusedCharacter:
            slow = None
        if text._plain(value):
            assert text.normalise(value, multiline=multiline) == slow


@settings(max_examples=600)
@given(ANY_TEXT, st.booleans())
def test_it_never_keeps_a_refused_or_removed_character(value: str, multiline: bool) -> None:
    out = _outcome(value, multiline)
    if out is None:
        assert text.first_refused(value) is not None
        return
    for ch in out:
        assert not text._refused(ch) and not text._removed(ch), hex(ord(ch))
        if not multiline:
            assert ch not in text.WHITESPACE_CONTROLS
        else:
            assert ch in "\t\n" or ch not in text.WHITESPACE_CONTROLS


@settings(max_examples=300)
@given(st.text(st.sampled_from(ODD + "张三a "), max_size=20))
def test_it_refuses_exactly_bidi_controls_other_controls_surrogates_and_nonchars(
    value: str,
) -> None:
    refused = [c for c in value if c in "\u202a\u202e\u2066\u2069\x00\x1b\x7f\x9b\ud800\uffff"]
    out = _outcome(value, False)
    assert (out is None) == bool(refused)


@settings(max_examples=300)
@given(ANY_TEXT)
def test_it_makes_any_stored_text_printable(value: str) -> None:
    out = text.printable(value)
    assert text.first_refused(out) is None
    assert not any(text._removed(c) for c in out)
    assert text.printable(out) == out


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("\ufeff张\u200b三\u00ad", "张三"),
        ("ＡＢＣ１２３", "ABC123"),
        ("  王　五  ", "王 五"),
        ("a\r\nb\tc", "a b c"),
        ("\u2f00", "一"),  # a Kangxi radical is the unified ideograph
    ],
)
def test_it_normalises_single_line_text(typed: str, kept: str) -> None:
    assert text.normalise(typed) == kept


def test_it_keeps_newlines_and_tabs_in_multiline_text() -> None:
    assert text.normalise("一\r\n二\r三\u2028\t四  \n", multiline=True) == "一\n二\n三\n\t四"


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("abc\u202egnp.exe", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("a\x00b", "U+0000"),
        ("\u2066x", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ],
)
def test_it_names_the_refused_character(typed: str, label: str) -> None:
    with pytest.raises(text.RefusedCharacter) as caught:
        text.normalise(typed)
    assert caught.value.label == label
