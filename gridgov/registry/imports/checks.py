"""Checking a row of a file: its cells read one by one, each bad cell a Problem; the
vocabularies of the choice columns; and rows that the file holds twice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from gridgov.core.inputs import normalised_cells

from .. import xlsx
from ..xlsx import CellError, Problem


@dataclass
class _AtAddress:
    """A row about a household at an address: households are matched by grid, address,
    unit and room."""

    row: int
    grid: str
    address: str
    unit: str
    room: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.grid, self.address, self.unit, self.room)


class _Cells:
    """Reads one row's cells, collecting a Problem per bad cell instead of stopping."""

    def __init__(self, number: int, values: dict[str, Any], problems: list[Problem]):
        self.number, self.problems = number, problems
        self.bad: set[str] = set()
        # Every cell's text normalised once, here (docs/adr/0011-input-text.md).
        self.values, refused = normalised_cells(values)
        for key, message in refused.items():
            self.add(key, message)

    def add(self, key: str, message: str) -> None:
        if key not in self.bad:
            self.bad.add(key)
            self.problems.append(Problem(self.number, key, message))

    def get(self, key: str, parse: Callable[[Any], Any], default: Any = None) -> Any:
        try:
            return parse(self.values.get(key))
        except CellError as e:
            self.add(key, e.message)
            return default

    def text(self, key: str, max_length: int = 0, required: str = "") -> str:
        value = xlsx.text(self.values.get(key))
        if not value and required:
            self.add(key, required)
        elif max_length and len(value) > max_length:
            self.add(key, _("At most %(n)s characters.") % {"n": max_length})
        return value[:max_length] if max_length else value

    def grid(self) -> str:
        code = xlsx.text(self.values.get("grid"))
        if not code:
            self.add("grid", _("The grid code is required."))
        elif not code.isdigit():
            self.add("grid", _("A grid code has digits only."))
        return code


class Vocab:
    """The accepted spellings of every choice column, built once per import."""

    def __init__(self) -> None:
        self.maps = {kind: xlsx.vocabulary(kind) for kind in [*xlsx.CHOICES, *xlsx.DETAIL_CHOICES]}

    def parser(self, kind: str) -> Callable[[Any], str]:
        vocab = self.maps[kind]
        return lambda v: xlsx.choice(v, kind, vocab)


def _duplicates(rows: list[Any], key: Callable[[Any], Any], column: str, problems: list[Problem],
                message: str) -> list[Any]:  # fmt: skip
    """Rows whose key another row of the file also has are all refused: which one is right
    is for the person to say."""
    seen: dict[Any, list[int]] = defaultdict(list)
    for r in rows:
        seen[key(r)].append(r.row)
    keep = []
    for r in rows:
        others = [n for n in seen[key(r)] if n != r.row]
        if others:
            problems.append(
                Problem(r.row, column, message % {"rows": "、".join(str(n) for n in others)})
            )
        else:
            keep.append(r)
    return keep
