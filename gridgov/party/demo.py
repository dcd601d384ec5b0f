"""The demo district's party network (plan 1): deterministic for a seed.

`build_party_network(seed=…)` runs after the demo district is seeded (grids, households,
residents). Per community a general branch; per grid a grid party branch with a secretary
and committee members, party groups with leaders, party central households by the norm
(one per 10–15 households), party members (heads of about one household in twelve), and the
contact pyramid mostly in range, with a few links left out or piled on so that the checks
have something to show. Bulk inserts, as the rest of the demo: no audit entries (nobody
did it), like the seeded registry.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import F

from gridgov.grids.models import Grid
from gridgov.registry.choices import Relation, ResidentStatus
from gridgov.registry.models import Household, Resident

from .choices import CentralKind, LinkLevel, OrgKind, PostRole
from .models import CentralHousehold, Link, PartyOrg, Post

# Plan 1 asked for the roster by 16 September; the demo network dates from then.
SINCE = dt.date(2024, 9, 16)
HOUSEHOLDS_PER_MEMBER = 12
CENTRALS_PER_GROUP = 4


def _link(level: str, src: str, source: Any, tgt: str, target: Any, code: str) -> Link:
    return Link(level=level, grid_code=code, since=SINCE, **{src: source, tgt: target})


def _grid_network(g: Grid, rng: random.Random, out: dict[str, list[Any]]) -> None:
    """One grid: its branch, groups, central households, members and their links."""
    heads = list(
        Resident.objects.filter(
            grid_code=g.code, relation=Relation.HEAD, status=ResidentStatus.ACTIVE
        )
        .select_related("household")
        .order_by("household_id", "id")
    )
    households = list(Household.objects.filter(grid_code=g.code).order_by("id"))
    if len(heads) < 24:
        return
    members = heads[::HOUSEHOLDS_PER_MEMBER]
    Resident.objects.filter(pk__in=[m.pk for m in members]).update(party_member=True)
    for m in members:
        m.party_member = True
    branch = PartyOrg.objects.create(
        kind=OrgKind.BRANCH,
        name=f"{g.name}党支部",
        grid=g,
        founded_on=SINCE,
        parent=out["general"][-1] if out["general"] else None,
    )
    n_centrals = max(1, math.ceil(len(households) / 15))
    n_groups = max(1, math.ceil(n_centrals / CENTRALS_PER_GROUP))
    groups = [
        PartyOrg.objects.create(
            kind=OrgKind.GROUP, name=f"第{i + 1}党小组", grid=g, parent=branch, founded_on=SINCE
        )
        for i in range(n_groups)
    ]
    # The branch committee: a secretary and enough members for 1–2 groups each.
    committee = [
        Post.objects.create(org=branch, role=PostRole.SECRETARY, resident=members[0], since=SINCE)
    ]
    for i in range(1, max(1, math.ceil(n_groups / 2))):
        committee.append(
            Post.objects.create(
                org=branch, role=PostRole.COMMITTEE, resident=members[i % len(members)], since=SINCE
            )
        )
    out["committees"].append(committee)
    for i, group in enumerate(groups):
        out["links"].append(
            _link(LinkLevel.GROUP, "source_post", committee[i // 2], "target_org", group, g.code)
        )
    # Central households: the households of members, spread over the groups.
    keepers = (members * 2)[:n_centrals]
    centrals = []
    for i, keeper in enumerate(keepers):
        group = groups[i // CENTRALS_PER_GROUP]
        if i >= len(members):  # more centrals than members: model posts of the same people
            centrals.append(
                CentralHousehold.objects.create(
                    kind=CentralKind.MODEL_POST,
                    group=group,
                    keeper=keeper,
                    name=f"党员示范岗{i + 1}",
                    since=SINCE,
                )
            )
        else:
            centrals.append(
                CentralHousehold.objects.create(
                    group=group, household=keeper.household, keeper=keeper, since=SINCE
                )
            )
    for j, group in enumerate(groups):
        leader = Post.objects.create(
            org=group,
            role=PostRole.GROUP_LEADER,
            resident=members[-1 - j % len(members)],
            since=SINCE,
        )
        mine = [c for c in centrals if c.group_id == group.pk]
        if len(mine) == 1 and rng.random() < 0.5:
            continue  # a leader left unlinked: the check shows one
        for c in mine:
            out["links"].append(
                _link(LinkLevel.CENTRAL, "source_post", leader, "target_central", c, g.code)
            )
    # Each central household links 5–10 members (members may be linked by several).
    for i, c in enumerate(centrals):
        k = rng.randint(5, 10) if rng.random() > 0.08 else rng.randint(1, 4)
        # Starting after the keeper: a central household links other members.
        for m in (members[i + 1 :] + members[: i + 1])[: min(k, len(members) - 1)]:
            out["links"].append(
                _link(LinkLevel.MEMBER, "source_central", c, "target_member", m, c.grid_code)
            )
    # Each member links the next twelve households; now and then one is left out or
    # takes on more, so that the check lists someone under, over and unlinked.
    for i, m in enumerate(members):
        share = households[i * HOUSEHOLDS_PER_MEMBER : (i + 1) * HOUSEHOLDS_PER_MEMBER]
        roll = rng.random()
        if roll < 0.04:
            share = []
        elif roll < 0.08:
            share = share[:6]
        elif roll < 0.1:
            share = households[i * HOUSEHOLDS_PER_MEMBER : (i + 1) * HOUSEHOLDS_PER_MEMBER + 6]
        for h in share:
            out["links"].append(
                _link(LinkLevel.HOUSEHOLD, "source_member", m, "target_household", h, m.grid_code)
            )
    out["branches"].append(branch)


@transaction.atomic
def build_party_network(*, seed: int = 7) -> dict[str, int]:
    """Give the demo district its party network. Returns how many of each were made.

    Does nothing (returns zeros) when a network is there already: `gridgov demo` may run
    again over the same data."""
    if PartyOrg.objects.exists():
        return {"organisations": 0, "posts": 0, "centrals": 0, "links": 0}
    rng = random.Random(seed)
    grids = list(
        Grid.objects.current()
        .filter(network__slug="comprehensive", depth=F("network__grid_depth"), kind="comprehensive")
        .select_related("parent")
        .order_by("code")
    )
    by_community: dict[Grid, list[Grid]] = defaultdict(list)
    for g in grids:
        if g.parent is not None:
            by_community[g.parent].append(g)
    for community, children in by_community.items():
        out: dict[str, list[Any]] = defaultdict(list)
        general = PartyOrg.objects.create(
            kind=OrgKind.GENERAL_BRANCH,
            name=f"{community.name}党总支",
            grid=community,
            founded_on=SINCE,
        )
        out["general"].append(general)
        for g in children:
            _grid_network(g, rng, out)
        if not out["branches"]:
            continue
        # The general branch's committee: the grid secretaries, each linking 1–2 branches.
        seats = out["committees"][: max(1, math.ceil(len(out["branches"]) / 2))]
        posts = [
            Post.objects.create(
                org=general,
                role=PostRole.SECRETARY if i == 0 else PostRole.COMMITTEE,
                resident=c[0].resident,
                since=SINCE,
            )
            for i, c in enumerate(seats)
        ]
        for i, branch in enumerate(out["branches"]):
            out["links"].append(
                _link(
                    LinkLevel.BRANCH,
                    "source_post",
                    posts[i // 2 % len(posts)],
                    "target_org",
                    branch,
                    general.grid_code,
                )
            )
        Link.objects.bulk_create(out["links"], batch_size=2000)
    return {
        "organisations": PartyOrg.objects.count(),
        "posts": Post.objects.count(),
        "centrals": CentralHousehold.objects.count(),
        "links": Link.objects.count(),
    }
