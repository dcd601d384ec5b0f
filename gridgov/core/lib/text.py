"""Text as gridgov keeps it: one normalisation before anything is validated, stored or
searched, on every interface (pages, API, imports). docs/adr/0011-input-text.md says why
each class of character is refused or removed.

- NFKC: full-width letters and digits (Chinese input methods) become ASCII, compatibility
  ideographs their unified form, so that what is typed and what is stored compare equal.
- Removed, silently: invisible characters a person cannot see and so cannot fix (zero-width
  space and joiners, word joiner, BOM, soft hyphen, left-to-right/right-to-left marks and
  other format characters). They arrive by copy and paste and only break search.
- Whitespace controls (tab, CR, LF, vertical tab, form feed, NEL, line and paragraph
  separators) become one space in a single-line field; a multi-line field keeps newlines
  (CRLF and CR become LF) and tabs.
- Refused, with the field named: other control characters (NUL, ESC…: a sign of binary
  data; PostgreSQL refuses NUL outright), lone surrogates (not text), noncharacters, and
  bidirectional embeddings, overrides and isolates (U+202A–202E, U+2066–2069), which make
  text display in another order than it is stored (a spoofed name or address): removing
  them would silently change what the person saw, so they are told instead.
"""

from __future__ import annotations

import re
import unicodedata

# Bidirectional embeddings, overrides and isolates: refused.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Line breaks and tabs: one space in a single-line field.
WHITESPACE_CONTROLS = frozenset("\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029")
# Removed wherever they are: invisible, and not needed in names, addresses or notes. Besides
# these, every other format character (category Cf) that is not a bidi control is removed.
INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f"
    "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\u3164\ufe00\ufe01"
    "\ufe02\ufe03\ufe04\ufe05\ufe06\ufe07\ufe08\ufe09\ufe0a\ufe0b\ufe0c\ufe0d\ufe0e"
    "\ufe0f\ufeff\uffa0"
)

_SPACES = re.compile(r"[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE_PRINTABLE = re.compile("[" + re.escape("".join(sorted(INVISIBLE))) + "]")


class RefusedCharacter(ValueError):
    """A character text may not hold; `char` names it for the message."""

    def __init__(self, char: str, position: int) -> None:
        super().__init__(char, position)
        self.char = char
        self.position = position

    def __str__(self) -> str:
        return f"U+{ord(self.char):04X} at {self.position}"

    @property
    def label(self) -> str:
        """'U+202E RIGHT-TO-LEFT OVERRIDE': what a message shows of it (never the char)."""
        name = unicodedata.name(self.char, "")
        return f"U+{ord(self.char):04X} {name}".strip()


def _is_noncharacter(cp: int) -> bool:
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def _refused(ch: str) -> bool:
    cp = ord(ch)
    if ch in BIDI_CONTROLS:
        return True
    if 0xD800 <= cp <= 0xDFFF or _is_noncharacter(cp):
        return True
    category = unicodedata.category(ch)
    return category == "Cc" and ch not in WHITESPACE_CONTROLS


def _removed(ch: str) -> bool:
    return ch in INVISIBLE or (unicodedata.category(ch) == "Cf" and ch not in BIDI_CONTROLS)


def first_refused(value: str) -> RefusedCharacter | None:
    for i, ch in enumerate(value):
        if _refused(ch):
            return RefusedCharacter(ch, i)
    return None


def _pass(value: str, multiline: bool) -> str:
    value = "".join(ch for ch in value if not _removed(ch))
    value = unicodedata.normalize("NFKC", value)
    if multiline:
        value = value.replace("\r\n", "\n")
        value = "".join("\n" if ch in WHITESPACE_CONTROLS and ch != "\t" else ch for ch in value)
        lines = [_SPACES.sub(" ", line).rstrip() for line in value.split("\n")]
        # Tabs stay inside the text (indentation), not at its ends.
        return "\n".join(lines).strip("\n\t ")
    value = "".join(" " if ch in WHITESPACE_CONTROLS else ch for ch in value)
    return _SPACES.sub(" ", value).strip()


def _plain(value: str) -> bool:
    """Whether `value` holds nothing to refuse, remove or recompose, and no line break:
    every refused, format and whitespace-control character is unprintable (str.isprintable
    keeps the ASCII space only of the spaces), the few printable invisibles are looked for,
    and NFKC is asked in C. Most text typed is plain; checking it so costs a fraction of
    the character-by-character passes."""
    return (
        value.isprintable()
        and _INVISIBLE_PRINTABLE.search(value) is None
        and unicodedata.is_normalized("NFKC", value)
    )


def normalise(value: str, *, multiline: bool = False) -> str:
    """`value` as gridgov keeps it, or RefusedCharacter for the first character it may not
    hold. Idempotent: normalise(normalise(x)) == normalise(x)."""
    if _plain(value):
        return _SPACES.sub(" ", value).strip(" ")  # what the passes below would leave
    return _normalise(value, multiline)


def _normalise(value: str, multiline: bool) -> str:
    refused = first_refused(value)
    if refused is not None:
        raise refused
    # NFKC after removing invisibles can join what they separated (e + ZWSP + accent); a
    # second pass makes the result a fixed point. Two passes always suffice in the property
    # tests; the loop stays bounded all the same.
    for _ in range(4):
        out = _pass(value, multiline)
        if out == value:
            break
        value = out
    refused = first_refused(value)  # NFKC never makes one; kept as a guard
    if refused is not None:
        raise refused
    return value


def printable(value: str) -> str:
    """Stored text made safe to show or write to a spreadsheet, whatever it holds: refused
    and invisible characters dropped (for values stored before this module, or written
    around the services). Never raises."""
    kept = (ch for ch in value if not (_refused(ch) or _removed(ch)))
    # Spreadsheets (XML 1.0) hold tab, LF and CR only of the whitespace controls.
    return "".join(" " if ch in WHITESPACE_CONTROLS and ch not in "\t\n\r" else ch for ch in kept)
