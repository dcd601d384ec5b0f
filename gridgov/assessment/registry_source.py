"""The registry's completeness (四清, R-REG-3) as an assessment figure: the share of the
registry's records under a subject that are complete — households with members, residents
with a checked ID and a phone, buildings on the map, attention tags reviewed — as of the day
asked (registry.completeness; the registry keeps no history of its gaps, so a past period
reads today's state)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from .choices import Metric
from .grouping import per_worker

PARTS = {Metric.REGISTRY_COMPLETE_SHARE: ("complete", "records")}


@dataclass
class RegistryRow:
    complete: int = 0
    records: int = 0

    def add(self, c: Any) -> None:
        for _name, m in c.measures:
            self.complete += m.done
            self.records += m.total


def rows(grid: Any, by: str, day: dt.date) -> dict[str, RegistryRow]:
    """Per child grid (`by` "grid") or per grid worker (their grids' records)."""
    from gridgov.registry.completeness import by_prefix
    from gridgov.visits.queries import child_length

    if by == "grid":
        out: dict[str, RegistryRow] = {}
        for key, c in by_prefix(grid.code, child_length(grid.code, grid.network), day).items():
            out.setdefault(key, RegistryRow()).add(c)
        return out
    if by != "worker":
        return {}
    per_grid = by_prefix(grid.code, max(grid.network.code_lengths), day)
    return per_worker(grid, day, per_grid, lambda _key: RegistryRow())


def node_row(grid: Any, day: dt.date) -> RegistryRow:
    from gridgov.registry.completeness import by_prefix

    row = RegistryRow()
    for c in by_prefix(grid.code, len(grid.code), day).values():
        row.add(c)
    return row


def link(grid: Any, code: str) -> str:
    return reverse("registry:grid_completeness", args=[grid.network.slug, code])
