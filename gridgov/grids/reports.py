"""Read-only figures about grids: household counts, size standard, coverage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import Substr

from gridgov.core.lib import codes as codelib
from gridgov.core.lib import geo
from gridgov.registry.models import Household

from .choices import GridKind
from .models import Grid


def household_counts(parent_code: str, child_code_length: int) -> dict[str, int]:
    """Households per child of `parent_code`, in one GROUP BY over the code prefix."""
    low, high = codelib.subtree_range(parent_code)
    rows = (
        Household.objects.filter(grid_code__gte=low, grid_code__lt=high)
        .annotate(prefix=Substr("grid_code", 1, child_code_length))
        .values("prefix")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["prefix"]: r["n"] for r in rows}


def household_counts_under(codes: list[str]) -> dict[str, int]:
    """Households under each of `codes` (subtrees of any depth), in one query.

    One conditional count per code over the union of their ranges: a list of a person's
    top grids costs one query however many assignments they hold.
    """
    if not codes:
        return {}
    ranges = [codelib.subtree_range(c) for c in codes]
    anywhere = Q(pk__in=[])
    for low, high in ranges:
        anywhere |= Q(grid_code__gte=low, grid_code__lt=high)
    totals = Household.objects.filter(anywhere).aggregate(
        **{
            f"n{i}": Count("id", filter=Q(grid_code__gte=low, grid_code__lt=high))
            for i, (low, high) in enumerate(ranges)
        }
    )
    return {c: totals[f"n{i}"] or 0 for i, c in enumerate(codes)}


def household_count(code: str) -> int:
    low, high = codelib.subtree_range(code)
    return Household.objects.filter(grid_code__gte=low, grid_code__lt=high).count()


def standard_flag(households: int) -> str:
    """ "low", "ok" or "high" against the configured size standard (R-GRID-4)."""
    if households < settings.GRID_HOUSEHOLDS_MIN:
        return "low"
    if households > settings.GRID_HOUSEHOLDS_MAX:
        return "high"
    return "ok"


@dataclass(frozen=True)
class SizeRow:
    grid: Grid
    households: int
    flag: str


def size_report(node: Grid) -> list[SizeRow]:
    """Every current comprehensive grid under `node` with its households and flag."""
    depth = node.network.grid_depth
    grids = list(
        Grid.objects.current()
        .filter(network=node.network, depth=depth, kind=GridKind.COMPREHENSIVE)
        .subtree(node.code)
        .select_related("parent")
    )
    if not grids:
        return []
    counts = household_counts(node.code, len(grids[0].code))
    return [SizeRow(g, counts.get(g.code, 0), standard_flag(counts.get(g.code, 0))) for g in grids]


@dataclass(frozen=True)
class CoverageReport:
    node: Grid
    checked: int
    missing_boundary: list[Grid]
    patches: list[geo.Patch]

    @property
    def gaps(self) -> list[geo.Patch]:
        return [p for p in self.patches if p.kind == "gap"]

    @property
    def overlaps(self) -> list[geo.Patch]:
        return [p for p in self.patches if p.kind == "overlap"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.node.code,
            "children_checked": self.checked,
            "children_without_boundary": [g.code for g in self.missing_boundary],
            "gaps": [p.__dict__ for p in self.gaps],
            "overlaps": [p.__dict__ for p in self.overlaps],
        }


def coverage_report(node: Grid) -> CoverageReport:
    """Do the current comprehensive children cover `node` without gap or overlap (R-GRID-3)?

    Dedicated grids lie inside comprehensive ones by design and are left out.
    """
    children = list(node.children.current().filter(kind=GridKind.COMPREHENSIVE).order_by("code"))
    with_boundary = {c.code: c.geometry for c in children if c.boundary}
    missing = [c for c in children if not c.boundary]
    patches: list[geo.Patch] = []
    if node.boundary and with_boundary:
        patches = geo.coverage(
            node.geometry,
            with_boundary,
            settings.GRID_COVERAGE_MIN_AREA_M2,
            settings.GRID_COVERAGE_MIN_WIDTH_M,
        )
    return CoverageReport(node, len(with_boundary), missing, patches)
