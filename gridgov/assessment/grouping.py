"""Grouping a source's per-grid figures by grid worker, as the worker cards need them: a
worker's row is the sum of the rows of the grids they hold (survey, registry, moral bank)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from gridgov.core.lib.codes import subtree_range

R = TypeVar("R")


def worker_grids(grid: Any, day: dt.date) -> dict[str, list[str]]:
    """The grids each grid worker holds under `grid` on `day` (keyed as the cards are)."""
    from gridgov.accounts.models import Assignment
    from gridgov.accounts.roles import Role

    low, high = subtree_range(grid.code)
    out: dict[str, list[str]] = {}
    for user_id, code in (
        Assignment.objects.active(day)
        .filter(role=Role.GRID_WORKER, grid_code__gte=low, grid_code__lt=high)
        .values_list("user_id", "grid_code")
    ):  # fmt: skip
        out.setdefault(str(user_id), []).append(code)
    return out


def per_worker(
    grid: Any, day: dt.date, per_grid: dict[str, Any], empty: Callable[[str], R]
) -> dict[str, R]:
    """Each worker's row: `empty(key)`, to which `add` is called with the figures of every
    grid code in `per_grid` under one of the grids they hold."""
    out: dict[str, R] = {}
    for key, codes in worker_grids(grid, day).items():
        row = out.setdefault(key, empty(key))
        for code, figures in per_grid.items():
            if any(code.startswith(held) for held in codes):
                row.add(figures)  # type: ignore[attr-defined]
    return out
