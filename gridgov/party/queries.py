"""Reading the party network: the tree of a grid, the pyramid check, the central-household
norm. Counts come from the database in a fixed number of queries; verdicts from
party.pyramid (pure). Every function takes the user's scope and a grid code (a subtree)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Right
from gridgov.core.scope import scope_q
from gridgov.grids.models import Grid
from gridgov.registry.choices import ResidentStatus
from gridgov.registry.models import Household, Resident

from . import pyramid
from .choices import COMMITTEE_ROLES, LinkLevel, OrgKind, PostRole
from .models import CentralHousehold, Link, PartyOrg, Post

VERDICT_LABELS = {
    pyramid.OK: _("in range"),
    pyramid.UNDER: _("too few"),
    pyramid.OVER: _("too many"),
    pyramid.UNLINKED: _("unlinked"),
}

# How many problems of each kind a check lists (the counts are always whole).
LISTED = 200


def orgs(user: Any, grid: str = "") -> QuerySet[PartyOrg]:
    return PartyOrg.objects.visible_to(user, Right.VIEW).current().under(grid)


@dataclass
class Node:
    org: PartyOrg
    posts: list[Post] = field(default_factory=list)
    centrals: list[CentralHousehold] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)


def tree(user: Any, grid: str = "") -> list[Node]:
    """The current organisations under `grid` the user may see, as a forest (3 queries:
    organisations, posts with holders, central households with keepers)."""
    found = list(orgs(user, grid).select_related("grid"))
    nodes = {o.pk: Node(o) for o in found}
    posts = (
        Post.objects.current().filter(org__in=list(nodes))
        .select_related("resident", "user").order_by("org_id", "role", "id")
    )  # fmt: skip
    for p in posts:
        nodes[p.org_id].posts.append(p)
    centrals = (
        CentralHousehold.objects.current().filter(group__in=list(nodes))
        .select_related("keeper", "household")
    )  # fmt: skip
    for c in centrals:
        nodes[c.group_id].centrals.append(c)
    roots: list[Node] = []
    for o in found:
        parent = nodes.get(o.parent_id) if o.parent_id else None
        (parent.children if parent else roots).append(nodes[o.pk])
    return roots


# ---------------------------------------------------------------- the pyramid check


@dataclass
class Row:
    """A source of links and where it stands."""

    level: str
    key: int
    label: str
    grid_code: str
    count: int
    verdict: str

    @property
    def verdict_label(self) -> str:
        return str(VERDICT_LABELS[self.verdict])


@dataclass
class LevelCheck:
    level: str
    range: pyramid.Range
    tally: dict[str, int]
    problems: list[Row]

    @property
    def level_label(self) -> str:
        return str(LinkLevel(self.level).label)


@dataclass
class Check:
    levels: list[LevelCheck]
    households: int
    unlinked_households: int
    unlinked_household_rows: list[Household]
    members: int
    members_without_central: int
    member_rows: list[Resident]


def _count_links(level: str, col: str, ids: list[int]) -> dict[int, int]:
    rows = (
        Link.objects.current().filter(level=level, **{f"{col}__in": ids})
        .values(col).annotate(n=Count("id")).order_by()
    )  # fmt: skip
    return {r[col]: r["n"] for r in rows}


def _level(level: str, rng: pyramid.Range, sources: list[tuple[int, str, str]],
           counts: dict[int, int]) -> LevelCheck:  # fmt: skip
    by_key = {key: counts.get(key, 0) for key, _label, _code in sources}
    verdicts = pyramid.check(by_key, rng)
    problems = [
        Row(level, key, label, code, by_key[key], verdicts[key])
        for key, label, code in sources
        if verdicts[key] != pyramid.OK
    ]
    return LevelCheck(level, rng, pyramid.tally(verdicts.values()), problems[:LISTED])


def _members(user: Any, grid: str) -> QuerySet[Resident]:
    return (
        Resident.objects.visible_to(user, Right.VIEW)
        .filter(party_member=True, status=ResidentStatus.ACTIVE)
        .filter(grid_code__startswith=grid)
    )


def check(user: Any, grid: str = "") -> Check:
    """Every source of every level under `grid`, its link count and verdict; households no
    party member is linked to; party members no central household is linked to."""
    table = pyramid.ranges()
    levels = []
    posts = list(
        Post.objects.visible_to(user, Right.VIEW).current().under(grid)
        .select_related("org", "resident", "user").order_by("grid_code", "id")
    )  # fmt: skip
    for level, roles, org_kind in (
        (LinkLevel.BRANCH, COMMITTEE_ROLES, OrgKind.GENERAL_BRANCH),
        (LinkLevel.GROUP, COMMITTEE_ROLES, OrgKind.BRANCH),
        (LinkLevel.CENTRAL, (PostRole.GROUP_LEADER,), OrgKind.GROUP),
    ):
        mine = [p for p in posts if p.role in roles and p.org.kind == org_kind]
        sources = [(p.pk, f"{p.org.name} · {p.holder_name}", p.grid_code) for p in mine]
        counts = _count_links(level, "source_post", [p.pk for p in mine])
        levels.append(_level(level, table[level], sources, counts))
    centrals = list(
        CentralHousehold.objects.visible_to(user, Right.VIEW).current().under(grid)
        .select_related("keeper").order_by("grid_code", "id")
    )  # fmt: skip
    counts = _count_links(LinkLevel.MEMBER, "source_central", [c.pk for c in centrals])
    sources = [(c.pk, c.label, c.grid_code) for c in centrals]
    levels.append(_level(LinkLevel.MEMBER, table["member"], sources, counts))
    members = list(_members(user, grid).only("id", "name", "grid_code").order_by("grid_code", "id"))
    counts = _count_links(LinkLevel.HOUSEHOLD, "source_member", [m.pk for m in members])
    sources = [(m.pk, m.name, m.grid_code) for m in members]
    levels.append(_level(LinkLevel.HOUSEHOLD, table["household"], sources, counts))

    reached = Link.objects.current().filter(
        level=LinkLevel.HOUSEHOLD, target_household=OuterRef("pk")
    )
    households = Household.objects.visible_to(user, Right.VIEW).filter(grid_code__startswith=grid)
    lonely = households.filter(~Exists(reached))
    kept = Link.objects.current().filter(level=LinkLevel.MEMBER, target_member=OuterRef("pk"))
    loose = _members(user, grid).filter(~Exists(kept))
    return Check(
        levels=levels,
        households=households.count(),
        unlinked_households=lonely.count(),
        unlinked_household_rows=list(lonely.order_by("grid_code", "id")[:LISTED]),
        members=len(members),
        members_without_central=loose.count(),
        member_rows=list(loose.order_by("grid_code", "id")[:LISTED]),
    )


# ---------------------------------------------------------------- central household norm


@dataclass
class NormRow:
    grid: Grid
    norm: pyramid.Norm

    @property
    def verdict_label(self) -> str:
        return str(VERDICT_LABELS[self.norm.verdict])


def norms(user: Any, grid: str = "") -> list[NormRow]:
    """Per grid proper under `grid`: households, current central households, the norm (3
    queries: grids, households per grid, central households per grid)."""
    rng = pyramid.ranges()["households_per_central"]
    grids = list(
        Grid.objects.current()
        .filter(scope_q(user, "code", Right.VIEW), code__startswith=grid,
                network__slug="comprehensive")
        .select_related("network").order_by("code")
    )  # fmt: skip
    grids = [g for g in grids if g.is_grid_level][:2000]
    households: dict[str, int] = defaultdict(int)
    for row in (
        Household.objects.visible_to(user, Right.VIEW).filter(grid_code__startswith=grid)
        .values("grid_code").annotate(n=Count("id")).order_by()
    ):  # fmt: skip
        households[row["grid_code"]] = row["n"]
    centrals: dict[str, int] = defaultdict(int)
    for row in (
        CentralHousehold.objects.visible_to(user, Right.VIEW).current().under(grid)
        .filter(kind="household").values("grid_code").annotate(n=Count("id")).order_by()
    ):  # fmt: skip
        centrals[row["grid_code"]] = row["n"]
    return [
        NormRow(g, pyramid.central_norm(households[g.code], centrals[g.code], rng)) for g in grids
    ]
