"""Reads shared by the pages and the API, so both list the same things the same way."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.scope import in_scope, scope_q

from . import index, reports
from .models import Grid, GridSuccession, Network


def network_by_slug(slug: str) -> Network:
    network = Network.objects.filter(slug=slug).first()
    if network is None:
        raise ServiceError(
            "unknown_network",
            _("No network %(slug)s.") % {"slug": slug},
            field="network",
            status=422,
        )
    return network


def grid_for(
    user: Any, code: str, refusal: str, *, field: str = "node", right: str = "view"
) -> Grid:
    """The current comprehensive grid `code` for a page or report about it: 404 out of the
    person's scope (or no such grid), 403 (`refusal`) in scope without `right`."""
    grid = None
    if code and in_scope(user, code):
        grid = (
            Grid.objects.select_related("network")
            .filter(network__slug="comprehensive", code=code)
            .first()
        )
    if grid is None:
        raise NotFound(_("No grid with code %(code)s.") % {"code": code}, field=field)
    if not in_scope(user, code, right):
        raise Forbidden(refusal)
    return grid


def home_code(user: Any, right: str = "view") -> str:
    """Where a page about a level opens: the person's outermost comprehensive grid with
    `right` (the root for a superuser; "" if none)."""
    from gridgov.accounts.roles import RIGHTS

    if user.is_superuser:
        top = Grid.objects.filter(network__slug="comprehensive", parent__isnull=True)
        return str(top.order_by("code").values_list("code", flat=True).first() or "")
    codes = sorted(
        c for c, role in user.assignments.active().values_list("grid_code", "role")
        if right in RIGHTS.get(role, ())
    )  # fmt: skip
    return min(codes, key=len) if codes else ""


def trail(user: Any, grid: Grid, right: str = "view") -> list[tuple[str, str]]:
    """(code, name) of the grid's ancestors the person may open (with `right`), then the
    grid itself: the breadcrumbs of a page about a level (one query)."""
    prefixes = [grid.code[:n] for n in grid.network.code_lengths if n < len(grid.code)]
    prefixes = [p for p in prefixes if in_scope(user, p, right)]
    names = dict(
        Grid.objects.filter(network_id=grid.network_id, code__in=prefixes).values_list(
            "code", "name"
        )
    )
    return [(p, names.get(p, p)) for p in prefixes] + [(grid.code, grid.name)]


@dataclass(frozen=True)
class Row:
    grid: Grid
    households: int

    @property
    def standard(self) -> str | None:
        if self.grid.is_grid_level and self.grid.kind == "comprehensive":
            return reports.standard_flag(self.households)
        return None


def top_grids(user: Any, network: Network) -> list[Grid]:
    """Where a person's tree starts: the roots for a superuser, else their assigned grids."""
    qs = Grid.objects.current().filter(network=network).select_related("network", "parent", "host")
    if user.is_superuser:
        return list(qs.filter(parent__isnull=True))
    codes = {a for a, _ in user.assignments.values_list("grid_code", "role")}
    # Keep the outermost grids only: an assignment under another adds nothing to the tree.
    outer = [c for c in codes if not any(c != o and c.startswith(o) for o in codes)]
    return list(qs.filter(code__in=outer))


def children(parent: Grid, at: dt.date | None = None, retired: bool = False) -> list[Row]:
    """The children of `parent` with their household counts (2 queries)."""
    qs = parent.children.select_related("network", "parent", "host").order_by("code")
    if not retired:
        qs = qs.current(at)
    kids = list(qs)
    if not kids:
        return []
    counts = reports.household_counts(parent.code, len(kids[0].code))
    return [Row(k, counts.get(k.code, 0)) for k in kids]


def successions(grid: Grid, user: Any) -> tuple[list[str], list[str]]:
    """Codes of the grids `grid` replaced and was replaced by, those in `user`'s scope only.

    A successor may lie outside the subtree of its predecessor (the actor who retired it saw
    both); a reader who sees only one side must not learn the other's code.
    """
    before = list(
        GridSuccession.objects.filter(
            scope_q(user, "predecessor__code"), successor=grid
        ).values_list("predecessor__code", flat=True)
    )
    after = list(
        GridSuccession.objects.filter(
            scope_q(user, "successor__code"), predecessor=grid
        ).values_list("successor__code", flat=True)
    )
    return before, after


def lookup(
    user: Any, network: Network, lon: float, lat: float, at: dt.date | None = None
) -> tuple[list[index.Hit], list[index.Hit]]:
    """The grids containing a point, at every level, within the user's scope."""
    hits = [h for h in index.for_network(network.pk).locate(lon, lat, at) if in_scope(user, h.code)]
    return (
        [h for h in hits if h.kind != "dedicated"],
        [h for h in hits if h.kind == "dedicated"],
    )
