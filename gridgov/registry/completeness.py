"""四清 per grid (R-REG-3): how complete the registry is, for a node and for each child.

Plan 1 asks every grid to be "四清" (people, facilities, housing and hidden conflicts clear).
What the registry can measure of that is how much of it is filled in:
- households with at least one member living in them (an empty household is a registration
  left half done);
- residents living here with a validated identity document (the services validate every
  number and store its keyed hash: a row without the hash was never checked), and with a
  phone to reach them by;
- buildings located on the map (longitude and latitude present);
- attention tags (R-REG-2) still in force that were reviewed in the last REVIEW_MONTHS.

Each measure is one GROUP BY over a prefix of `grid_code` (DESIGN idea 1): a node costs the
query for its children and four more, whatever the number of children, and the node's
figures are the sum of its children's, so the panel and the table cannot disagree.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from gridgov.core.lib import codes as codelib
from gridgov.grids.models import Grid

from .choices import ResidentStatus
from .models import Building, Household, Resident, Tag

# A tag counts as known when someone confirmed it within this many months. A constant rather
# than a setting: the plans set no period for re-checking the groups that need attention,
# and half a year is what must-visit rounds (R-CASE-4) reach twice over; a locality that
# wants another period is asking for a different measure, not a different default.
REVIEW_MONTHS = 6


@dataclass(frozen=True)
class Measure:
    """`done` of `total` records are complete."""

    done: int = 0
    total: int = 0

    @property
    def percent(self) -> int | None:
        # Floored, so that 100 % means nothing is missing; None when there is nothing to count.
        return None if not self.total else self.done * 100 // self.total

    def __add__(self, other: Measure) -> Measure:
        return Measure(self.done + other.done, self.total + other.total)


@dataclass(frozen=True)
class Completeness:
    """The four measures of one node (the ID and phone shares both count residents)."""

    households: Measure = field(default_factory=Measure)
    ids: Measure = field(default_factory=Measure)
    phones: Measure = field(default_factory=Measure)
    buildings: Measure = field(default_factory=Measure)
    tags: Measure = field(default_factory=Measure)

    def __add__(self, other: Completeness) -> Completeness:
        return Completeness(
            self.households + other.households,
            self.ids + other.ids,
            self.phones + other.phones,
            self.buildings + other.buildings,
            self.tags + other.tags,
        )

    @property
    def measures(self) -> list[tuple[str, Measure]]:
        return [
            ("households", self.households),
            ("ids", self.ids),
            ("phones", self.phones),
            ("buildings", self.buildings),
            ("tags", self.tags),
        ]

    @property
    def is_empty(self) -> bool:
        return not any(m.total for _, m in self.measures)


def total(parts: Iterable[Completeness]) -> Completeness:
    out = Completeness()
    for p in parts:
        out = out + p
    return out


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, or the month's last day when it has no such day."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def by_prefix(code: str, length: int, today: dt.date | None = None) -> dict[str, Completeness]:
    """The measures of every `length`-character code prefix under `code`, in four queries."""
    today = today or timezone.localdate()
    low, high = codelib.subtree_range(code)
    under = Q(grid_code__gte=low, grid_code__lt=high)
    prefix = Substr("grid_code", 1, length)

    def grouped(qs: Any, **counts: Any) -> dict[str, dict[str, int]]:
        # order_by() drops Meta.ordering, which would otherwise join the GROUP BY.
        rows = qs.filter(under).annotate(prefix=prefix).values("prefix").annotate(**counts)
        return {r["prefix"]: r for r in rows.order_by()}

    households = grouped(
        # member_count is kept by the services in the moves' own transactions.
        Household.objects,
        total=Count("id"),
        done=Count("id", filter=Q(member_count__gt=0)),
    )
    residents = grouped(
        Resident.objects.filter(status=ResidentStatus.ACTIVE),
        total=Count("id"),
        ids=Count("id", filter=~Q(id_number_hash="")),
        phones=Count("id", filter=~Q(phone_hash="")),
    )
    buildings = grouped(
        Building.objects,
        total=Count("id"),
        done=Count("id", filter=Q(lon__isnull=False, lat__isnull=False)),
    )
    tags = grouped(
        Tag.objects.filter(Q(end__isnull=True) | Q(end__gte=today)),
        total=Count("id"),
        done=Count("id", filter=Q(reviewed_at__gte=months_before(today, REVIEW_MONTHS))),
    )
    out: dict[str, Completeness] = {}
    for key in {*households, *residents, *buildings, *tags}:
        h, r = households.get(key, {}), residents.get(key, {})
        b, t = buildings.get(key, {}), tags.get(key, {})
        out[key] = Completeness(
            Measure(h.get("done", 0), h.get("total", 0)),
            Measure(r.get("ids", 0), r.get("total", 0)),
            Measure(r.get("phones", 0), r.get("total", 0)),
            Measure(b.get("done", 0), b.get("total", 0)),
            Measure(t.get("done", 0), t.get("total", 0)),
        )
    return out


@dataclass(frozen=True)
class NodeCompleteness:
    """A node's completeness, its current children's, and what lies under none of them."""

    node: Grid
    overall: Completeness
    children: list[tuple[Grid, Completeness]]
    # Records filed under retired children (R-GRID-5 keeps them there): counted in `overall`.
    elsewhere: Completeness

    @property
    def review_months(self) -> int:
        return REVIEW_MONTHS


def for_node(node: Grid, today: dt.date | None = None) -> NodeCompleteness:
    """Completeness of `node`'s subtree and of each current child: five queries in all."""
    kids = list(node.children.current(today).order_by("code"))
    length = len(kids[0].code) if kids else len(node.code)
    parts = by_prefix(node.code, length, today)
    rows = [(k, parts.get(k.code, Completeness())) for k in kids]
    codes = {k.code for k in kids}
    elsewhere = total(v for key, v in parts.items() if kids and key not in codes)
    return NodeCompleteness(node, total(parts.values()), rows, elsewhere)
