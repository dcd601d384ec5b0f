"""Grid codes: the code is the path (docs/adr/0002-grid-codes.md).

County 6 digits → street/town 9 → community/village 12 (the national statistical division
code) → grid 15 (12 + a 3-digit sequence) → building 20 (15 + 5). A child's code starts with
its parent's, so a subtree is the half-open string range [code, code + ":") — ":" is the
character after "9" — which both SQLite and PostgreSQL answer from a plain b-tree index.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.translation import gettext as _

# Sequences 001–699 are comprehensive grids, 700–999 dedicated grids (docs/adr/0002).
DEDICATED_FIRST_SEQUENCE = 700
GRID_SEQUENCE_DIGITS = 3


class CodeError(ValueError):
    """A code that breaks a rule; `message` is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def subtree_range(code: str) -> tuple[str, str]:
    """Lower (inclusive) and upper (exclusive) bounds of every code under `code`."""
    return code, code + ":"


def statistical_code(code: str) -> str:
    """The 12-digit statistical division code of a county (6), street (9) or community (12)."""
    if len(code) in (6, 9, 12):
        return code.ljust(12, "0")
    raise CodeError(_("%(code)s is not a division code") % {"code": code})


def check_code(code: str, *, length: int, parent_code: str | None) -> None:
    """Raise CodeError unless `code` is digits of `length` under `parent_code`."""
    if not code.isascii() or not code.isdigit():
        raise CodeError(_("A code contains digits only."))
    if len(code) != length:
        raise CodeError(
            _("A code at this level has %(length)d digits, not %(got)d.")
            % {"length": length, "got": len(code)}
        )
    if parent_code is not None:
        if not code.startswith(parent_code):
            raise CodeError(
                _("A code starts with its parent's code %(parent)s.") % {"parent": parent_code}
            )
        if set(code[len(parent_code) :]) == {"0"}:
            raise CodeError(_("The part after the parent's code cannot be all zeros."))


def grid_sequence(code: str, parent_code: str) -> int:
    return int(code[len(parent_code) :])


def is_dedicated_sequence(sequence: int) -> bool:
    return sequence >= DEDICATED_FIRST_SEQUENCE


def next_code(parent_code: str, length: int, used: Sequence[str], *, dedicated: bool) -> str:
    """The next free code under `parent_code`; codes ever used (retired too) are skipped."""
    width = length - len(parent_code)
    if width <= 0:
        raise CodeError(_("This level has no room for child codes."))
    if width == GRID_SEQUENCE_DIGITS:
        low, high = (
            (DEDICATED_FIRST_SEQUENCE, 999) if dedicated else (1, DEDICATED_FIRST_SEQUENCE - 1)
        )
    else:
        low, high = 1, 10**width - 1
    taken = [
        int(c[len(parent_code) :]) for c in used if c.startswith(parent_code) and len(c) == length
    ]
    candidates = [s for s in taken if low <= s <= high]
    sequence = max(candidates, default=low - 1) + 1
    if sequence > high:
        raise CodeError(_("No free code is left under %(parent)s.") % {"parent": parent_code})
    return f"{parent_code}{sequence:0{width}d}"


def reading_order(points: Sequence[tuple[float, float]]) -> list[int]:
    """Indices of `points` (lon, lat) in reading order: north→south rows, west→east in a row.

    Rows are bands of equal height, as many as a square layout of the points would have;
    this is how grid numbers run inside a community (DB11 practice, docs/adr/0002).
    """
    if not points:
        return []
    lats = [p[1] for p in points]
    rows = max(1, round(math.sqrt(len(points))))
    top, bottom = max(lats), min(lats)
    height = (top - bottom) / rows or 1.0

    def key(i: int) -> tuple[int, float]:
        band = min(rows - 1, int((top - points[i][1]) / height))
        return band, points[i][0]

    return sorted(range(len(points)), key=key)
