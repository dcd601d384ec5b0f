"""The fixed cast (STYLE.md "Tests"), built once per module.

Ground: county 640402 is the square 106.0–106.4 E × 36.0–36.4 N. Street A (640402001) is the
west half, street B (640402002) the east half; each has one community (…001) covering it.
Community A has grids A1 (west half) and A2 (east half); community B has grid B1 (all of it).

People: `worker_a1` (grid worker of A1), `head_a` (grid head of community A), `admin_a`
(grid administrator of street A), `worker_b1` (the outsider), `dispatcher` and `auditor` (on
the county), `admin` (superuser), `nobody` (no assignment).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

EPOCH = dt.date(2021, 1, 1)


def square(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
    }


def build_cast() -> SimpleNamespace:
    from gridgov.accounts.models import ApiToken, Assignment, User
    from gridgov.accounts.roles import Role
    from gridgov.demo.generate import ensure_networks
    from gridgov.grids.models import Grid
    from gridgov.grids.services import bump_boundary_stamp
    from gridgov.registry.models import Household

    net = ensure_networks()["comprehensive"]
    c = SimpleNamespace(network=net)

    def grid(code: str, name: str, parent: Grid | None, box: tuple[float, ...]) -> Grid:
        b = square(*box)
        return Grid.objects.create(
            network=net,
            parent=parent,
            depth=0 if parent is None else parent.depth + 1,
            code=code,
            name=name,
            valid_from=EPOCH,
            boundary=b,
            min_lon=box[0],
            min_lat=box[1],
            max_lon=box[2],
            max_lat=box[3],
        )

    c.county = grid("640402", "原州区", None, (106.0, 36.0, 106.4, 36.4))
    c.street_a = grid("640402001", "南关街道", c.county, (106.0, 36.0, 106.2, 36.4))
    c.street_b = grid("640402002", "古雁街道", c.county, (106.2, 36.0, 106.4, 36.4))
    c.community_a = grid("640402001001", "甲社区", c.street_a, (106.0, 36.0, 106.2, 36.4))
    c.community_b = grid("640402002001", "乙社区", c.street_b, (106.2, 36.0, 106.4, 36.4))
    c.a1 = grid("640402001001001", "甲社区第1网格", c.community_a, (106.0, 36.0, 106.1, 36.4))
    c.a2 = grid("640402001001002", "甲社区第2网格", c.community_a, (106.1, 36.0, 106.2, 36.4))
    c.b1 = grid("640402002001001", "乙社区第1网格", c.community_b, (106.2, 36.0, 106.4, 36.4))
    bump_boundary_stamp()
    # Households: A1 holds 350 (within standard), A2 120 (too few), B1 600 (too many).
    Household.objects.bulk_create(
        [
            Household(grid=g, grid_code=g.code, address=f"{g.name}{i}号", household_type="unit")
            for g, n in ((c.a1, 350), (c.a2, 120), (c.b1, 600))
            for i in range(n)
        ]
    )

    def person(username: str, node: Grid | None, role: str | None, **extra: Any) -> User:
        user = User.objects.create_user(username, password="pw", **extra)
        if node is not None and role is not None:
            Assignment.objects.create(user=user, grid=node, role=role, starts_on=EPOCH)
        return user

    c.worker_a1 = person("worker_a1", c.a1, Role.GRID_WORKER)
    c.head_a = person("head_a", c.community_a, Role.GRID_HEAD)
    c.admin_a = person("admin_a", c.street_a, Role.GRID_ADMIN)
    c.worker_b1 = person("worker_b1", c.b1, Role.GRID_WORKER)
    c.dispatcher = person("dispatcher", c.county, Role.DISPATCHER)
    c.auditor = person("auditor", c.county, Role.AUDITOR)
    c.admin = person("admin", None, None, is_superuser=True, is_staff=True)
    c.nobody = person("nobody", None, None)
    c.tokens = {
        u.username: ApiToken.issue(u, "test")[1]
        for u in (c.worker_a1, c.head_a, c.admin_a, c.worker_b1, c.dispatcher, c.admin, c.nobody)
    }
    return c


def log_in(client: Any, user: Any) -> Any:
    """`client.force_login`, with the session stamped as the login page stamps it (so that a
    query count measures a page, not the first request of a session)."""
    from django.utils import timezone

    from gridgov.accounts import security

    client.force_login(user)
    session = client.session
    now = int(timezone.now().timestamp())
    session[security.LOGIN_AT] = session[security.SEEN_AT] = now
    session[security.MUST_VERIFY] = False
    session.save()
    return client


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """LocaleMiddleware leaves the last request's language active in the thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="module")
def cast(django_db_setup: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    """The cast inside a transaction that is rolled back after the module's tests."""
    from gridgov.grids import index

    with django_db_blocker.unblock(), transaction.atomic():
        index.drop_all()
        yield build_cast()
        transaction.set_rollback(True)
    index.drop_all()
