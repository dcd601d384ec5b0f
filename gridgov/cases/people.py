"""Who answers for a case now: the people its clock and its changes are told to."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from gridgov.accounts.models import Assignment, User
from gridgov.accounts.roles import RIGHTS, Right, Role
from gridgov.grids.models import Network

from .models import Case


def _roles(right: str) -> list[str]:
    return [role for role, rights in RIGHTS.items() if right in rights]


class Holding(NamedTuple):
    """What decides who answers for a case: the level holding it and whom it went to."""

    network_id: int
    holder_code: str
    unit_id: int | None = None
    co_units: tuple[int, ...] = ()  # sorted
    assignee_code: str = ""


def holding(case: Case) -> Holding:
    co = tuple(sorted(case.co_units.values_list("pk", flat=True))) if case.unit_id else ()
    return Holding(case.grid.network_id, case.holder_code, case.unit_id, co, case.assignee_code)


def responsible(case: Case) -> list[User]:
    """Who is told about a case's clock: those who hold it (the nearest level at or above its
    holder with someone who may dispatch) and those who are to handle it (its unit's
    handlers, or the grid staff it went to)."""
    key = holding(case)
    return Responsible().resolve([key])[key]


class Responsible:
    """`responsible` for many holdings at once (the deadline sweep): the assignments of each
    grid code and unit, and each person, are read once however many cases share them."""

    def __init__(self) -> None:
        self.lengths: dict[int, list[int]] = {}
        self.dispatchers: dict[str, set[int]] = {}  # grid code → who may dispatch there
        self.handlers: dict[int, set[int]] = {}  # unit → its department handlers
        self.reporters: dict[str, set[int]] = {}  # grid code → its staff who report
        self.users: dict[int, User | None] = {}  # None: not active
        self.known: dict[Holding, list[User]] = {}

    def resolve(self, keys: Iterable[Holding]) -> dict[Holding, list[User]]:
        keys = set(keys)
        self._load([k for k in keys if k not in self.known])
        return {k: self.known[k] for k in keys}

    def _load(self, keys: list[Holding]) -> None:
        if not keys:
            return
        missing = {k.network_id for k in keys} - self.lengths.keys()
        if missing:
            self.lengths |= dict(
                Network.objects.filter(pk__in=missing).values_list("pk", "code_lengths")
            )
        above = {k: self._above(k) for k in keys}
        codes = {code for chain in above.values() for code in chain} - self.dispatchers.keys()
        self._read(self.dispatchers, codes, "grid_code", role__in=_roles(Right.DISPATCH))
        units = {u for k in keys if k.unit_id for u in (k.unit_id, *k.co_units)}
        self._read(self.handlers, units - self.handlers.keys(), "unit_id",
                   role=Role.DEPARTMENT_HANDLER)  # fmt: skip
        codes = {k.assignee_code for k in keys if not k.unit_id and k.assignee_code}
        self._read(self.reporters, codes - self.reporters.keys(), "grid_code",
                   role__in=_roles(Right.REPORT_CASE))  # fmt: skip
        ids = {k: self._ids(k, above[k]) for k in keys}
        unread = {pk for found in ids.values() for pk in found} - self.users.keys()
        if unread:
            self.users |= dict.fromkeys(unread)
            self.users |= User.objects.filter(pk__in=unread, is_active=True).in_bulk()
        for k, found in ids.items():
            people = [self.users[pk] for pk in found]
            self.known[k] = sorted((u for u in people if u), key=lambda u: u.username)

    def _read(self, into: dict[Any, set[int]], keys: set[Any], column: str, **roles: Any) -> None:
        if not keys:
            return
        for key in keys:
            into[key] = set()
        rows = Assignment.objects.active().filter(**{f"{column}__in": keys}, **roles)
        for key, user in rows.values_list(column, "user_id"):
            into[key].add(user)

    def _above(self, k: Holding) -> list[str]:
        lengths = self.lengths[k.network_id]
        return [k.holder_code[:n] for n in lengths if n <= len(k.holder_code)]

    def _ids(self, k: Holding, above: list[str]) -> set[int]:
        nearest = max((len(code) for code in above if self.dispatchers[code]), default=0)
        ids = {u for code in above if len(code) == nearest for u in self.dispatchers[code]}
        if k.unit_id:
            for unit in (k.unit_id, *k.co_units):
                ids |= self.handlers[unit]
        elif k.assignee_code:
            ids |= self.reporters[k.assignee_code]
        return ids
