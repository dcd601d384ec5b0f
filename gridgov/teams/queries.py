"""Who answers for a grid, on a day; which grids have no grid worker (一格一員)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.models import Assignment
from gridgov.accounts.roles import PARTY_ROLES, STAFF_ROLES, Role, title
from gridgov.grids.choices import GridKind
from gridgov.grids.models import Grid
from gridgov.registry.models import Organisation

# A grid counts as covered when one of these is held on it: a comprehensive grid needs a grid
# worker; a dedicated grid is run by its head (plan 7) or a worker.
COVERING_ROLES = (Role.GRID_WORKER, Role.DEDICATED_HEAD)


@dataclass
class Post:
    role: str
    title: str
    people: list[Assignment] = field(default_factory=list)


def team(grid: Grid, on: dt.date | None = None) -> list[Post]:
    """The roles held on `grid` on the day `on` (today by default), staff first, then the
    party's, then the rest; each with the people holding it."""
    held = (
        Assignment.objects.active(on)
        .filter(grid=grid)
        .select_related("user", "unit")
        .order_by("starts_on", "user__username")
    )
    by_role: dict[str, list[Assignment]] = defaultdict(list)
    for a in held:
        by_role[a.role].append(a)
    order = [
        *STAFF_ROLES,
        *PARTY_ROLES,
        *[r for r in Role.values if r not in (*STAFF_ROLES, *PARTY_ROLES)],
    ]
    return [Post(r, title(r, grid.depth), by_role[r]) for r in order if by_role.get(r)]


def history(grid: Grid) -> list[Assignment]:
    """Every assignment ever held on `grid`, newest first."""
    return list(
        Assignment.objects.filter(grid=grid).select_related("user").order_by("-starts_on", "-id")
    )


@dataclass
class Coverage:
    unit: Grid  # a community or street
    grids: int = 0
    uncovered: list[Grid] = field(default_factory=list)

    @property
    def covered(self) -> int:
        return self.grids - len(self.uncovered)


def uncovered(node: Grid, on: dt.date | None = None) -> list[Coverage]:
    """ "一格一員": per unit one level above the grids under `node`, how many current grids
    it has and which have no grid worker on the day `on`. Three queries however big."""
    day = on or timezone.localdate()
    depth = node.network.grid_depth
    grids = list(
        Grid.objects.current(day)
        .filter(network=node.network, depth=depth)
        .subtree(node.code)
        .select_related("parent")
        .order_by("code")
    )
    covered = set(
        Assignment.objects.active(day)
        .filter(grid__in=grids, role__in=COVERING_ROLES)
        .values_list("grid_id", flat=True)
    )
    rows: dict[int, Coverage] = {}
    for g in grids:
        unit = g.parent if g.parent is not None else g
        row = rows.setdefault(unit.pk, Coverage(unit))
        row.grids += 1
        if g.pk not in covered:
            row.uncovered.append(g)
    return list(rows.values())


@dataclass
class FourPost:
    """One of the four posts of "四包一" (plan 7) and who holds it."""

    label: str
    people: list[Assignment]


@dataclass
class FourInOne:
    posts: list[FourPost]
    units: list[tuple[Any, list[Assignment]]]  # (organisation, its informants)

    @property
    def missing(self) -> list[str]:
        return [p.label for p in self.posts if not p.people]


def four_in_one(grid: Grid, on: dt.date | None = None) -> FourInOne | None:
    """The team a dedicated grid answers to (四包一): its own head, the community police
    officer (the instructor, on it, its host or its community), the town's full-time grid
    administrator (on the street above) and the head of the comprehensive grid it lies in
    (its grid head, or its full-time grid worker, who is the level-3 head in plan 4); and an
    informant per unit. None for a comprehensive grid."""
    if grid.kind != GridKind.DEDICATED:
        return None
    street = grid.code[: grid.network.code_lengths[1]] if len(grid.network.code_lengths) > 1 else ""
    host = grid.host_id
    host_heads = (Role.GRID_HEAD, Role.GRID_WORKER)
    held = list(
        Assignment.objects.active(on)
        .filter(
            Q(grid=grid)
            | Q(grid_id=host, role__in=host_heads)
            # The community police officer instructs the community's grids, or this one.
            | Q(grid_id__in=(host, grid.parent_id), role=Role.GRID_INSTRUCTOR)
            | Q(grid__network=grid.network, grid_code=street, role=Role.GRID_ADMIN)
        )
        .select_related("user", "unit")
        .order_by("starts_on", "user__username")
    )

    def pick(where: Any) -> list[Assignment]:
        return [a for a in held if where(a)]

    posts = [
        FourPost(str(_("Dedicated-grid head")),
                 pick(lambda a: a.grid_id == grid.pk and a.role == Role.DEDICATED_HEAD)),
        FourPost(str(_("Community police officer")),
                 pick(lambda a: a.role == Role.GRID_INSTRUCTOR)),
        FourPost(str(_("Town full-time grid administrator")),
                 pick(lambda a: a.role == Role.GRID_ADMIN)),
        FourPost(str(_("Head of the comprehensive grid")),
                 pick(lambda a: a.grid_id == host and a.role in host_heads)),
    ]  # fmt: skip
    informants: dict[int, list[Assignment]] = defaultdict(list)
    for a in held:
        if a.grid_id == grid.pk and a.role == Role.GRID_INFORMANT and a.unit_id:
            informants[a.unit_id].append(a)
    units = [(o, informants.get(o.pk, [])) for o in Organisation.objects.filter(grid=grid)]
    return FourInOne(posts, units)
