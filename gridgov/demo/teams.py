"""The demo district's people on its grids: a head at each level, a worker on (almost) every
grid, instructors, informants and heads of dedicated grids (R-STAFF-1, R-GRID-7).

A few grids are left without a worker on purpose, so that the 一格一員 report has something
to show. Generated names; the accounts have no usable password (only the printed demo
accounts log in). Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction

from gridgov.accounts.models import Assignment, User
from gridgov.accounts.roles import Role
from gridgov.grids.choices import GridKind
from gridgov.grids.models import Grid
from gridgov.registry.models import Organisation

from .names import GIVEN_CHARS, SURNAMES

# One comprehensive grid in this many has no worker (the report's examples).
UNCOVERED_EVERY = 17
START = dt.date(2025, 1, 1)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN_CHARS, k=rng.choice((1, 2))))


@transaction.atomic
def ensure_demo_team(seed: int = 7) -> int:
    """Give the demo's grids their people, once. Returns the assignments made (0 when the
    demo already has its team)."""
    if User.objects.filter(username__startswith="staff").exists():
        return 0
    rng = random.Random(seed)
    grids = list(
        Grid.objects.current().filter(network__slug="comprehensive").order_by("depth", "code")
    )
    unusable = make_password(None)  # one hash for all: these accounts never log in
    people: list[User] = []
    plan: list[tuple[int, Grid, str, Organisation | None]] = []  # (person index, grid, role)

    def person() -> int:
        people.append(User(username=f"staff{len(people) + 1:05d}", password=unusable))
        # The whole name in first_name: get_full_name() puts last_name after it, which is
        # the Western order, not the Chinese one.
        people[-1].first_name = _name(rng)
        return len(people) - 1

    dedicated = [g for g in grids if g.kind == GridKind.DEDICATED]
    # Each dedicated grid's unit, registered as an organisation on it (its informant answers
    # for it), unless the registry has it already.
    Organisation.objects.bulk_create(
        Organisation(grid=g, grid_code=g.code, name=g.name, kind="unit")
        for g in dedicated
        if not Organisation.objects.filter(grid=g).exists()
    )
    units: dict[int, list[Organisation]] = {}
    for o in Organisation.objects.filter(grid__in=dedicated):
        units.setdefault(o.grid_id, []).append(o)
    worker_grids = [g for g in grids if g.kind == GridKind.COMPREHENSIVE and g.depth == 3]
    skipped = {g.pk for i, g in enumerate(worker_grids) if i % UNCOVERED_EVERY == 5}
    for g in grids:
        if g.depth in (1, 2):  # plan 4: street party secretary, community secretary
            plan.append((person(), g, Role.GRID_HEAD, None))
            if g.depth == 1:
                plan.append((person(), g, Role.GRID_ADMIN, None))  # town full-time administrator
            else:
                plan.append((person(), g, Role.GRID_INSTRUCTOR, None))  # community police
        elif g.depth == 3 and g.kind == GridKind.COMPREHENSIVE:
            if g.pk not in skipped:
                plan.append((person(), g, Role.GRID_WORKER, None))
            if rng.random() < 0.5:
                plan.append((person(), g, Role.VOLUNTEER, None))
        elif g.depth == 3:  # a dedicated grid: its head and an informant per unit (plan 7)
            plan.append((person(), g, Role.DEDICATED_HEAD, None))
            for unit in units.get(g.pk, []):
                plan.append((person(), g, Role.GRID_INFORMANT, unit))
    User.objects.bulk_create(people)
    saved = {u.username: u for u in User.objects.filter(username__startswith="staff")}
    Assignment.objects.bulk_create(
        Assignment(
            user=saved[people[i].username],
            grid=g,
            grid_code=g.code,  # bulk_create skips save(), which copies it
            role=role,
            unit=unit,
            starts_on=START + dt.timedelta(days=rng.randrange(0, 300)),
        )
        for i, g, role, unit in plan
    )
    return len(plan)
