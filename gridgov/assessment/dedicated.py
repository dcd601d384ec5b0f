"""Dedicated grids' cards (專屬網格, plan 7): each dedicated grid under a node, scored on its
own checks — the scheduled inspections done on time and the findings put right by their
deadline (inspections' coverage, ADR 0025) — and the grid instructor's periodic evaluation
(網格指導員定期評估: the head's score, which instructors holding their role there may
enter)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from gridgov.core.lib.codes import subtree_range

from .choices import Metric


class InspectionRow:
    """A dedicated grid's inspection figures in the shape the cards read."""

    def __init__(self, due: int, on_time: int, findings: int, late: int) -> None:
        self.due, self.on_time = due, on_time
        self.findings, self.rectified = findings, max(0, findings - late)


PARTS = {
    Metric.INSPECTED_ON_TIME_SHARE: ("on_time", "due"),
    Metric.RECTIFIED_SHARE: ("rectified", "findings"),
}


def instructs(user: Any, code: str) -> bool:
    """Whether `user` is the grid instructor (網格指導員) of the dedicated grid `code`:
    holding that role on it or above it. Plan 7 has the instructor evaluate it."""
    from gridgov.accounts.roles import Role
    from gridgov.inspections.services import holds_role

    return holds_role(user, code, Role.GRID_INSTRUCTOR)


def grids_under(grid: Any) -> list[Any]:
    """The dedicated grids in force under `grid` (or `grid` itself, if it is one)."""
    from gridgov.grids.choices import GridKind
    from gridgov.grids.models import Grid

    low, high = subtree_range(grid.code)
    return list(
        Grid.objects.current()
        .filter(network_id=grid.network_id, kind=GridKind.DEDICATED, code__gte=low, code__lt=high)
        .order_by("code")
    )  # fmt: skip


def row(dgrid: Any, start: Any, end: Any) -> InspectionRow:
    from gridgov.inspections import queries as inspection_queries

    _rows, total = inspection_queries.summary(dgrid, start, end)
    return InspectionRow(total.due, total.on_time, total.findings, total.late_rectifications)


def link(code: str, start: Any, end: Any) -> str:
    query = urlencode({"node": code, "start": start.isoformat(), "end": end.isoformat()})
    return f"{reverse('inspections:coverage')}?{query}"
