"""A dedicated grid's team (四包一, plan 7): the four posts and an informant per unit, on the
team page and through the API."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from gridgov.accounts.models import Assignment, User
from gridgov.accounts.roles import Role
from gridgov.conftest import EPOCH, log_in, square
from gridgov.grids.models import Grid
from gridgov.registry.models import Organisation

pytestmark = pytest.mark.django_db
HOSPITAL = "640402001001701"


@pytest.fixture(scope="module")
def d(cast: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    """A hospital's dedicated grid inside A1 with its head, a police officer on A1 and two
    units, one with an informant."""
    with django_db_blocker.unblock(), transaction.atomic():
        grid = Grid.objects.create(
            network=cast.network, parent=cast.community_a, depth=3, code=HOSPITAL,
            name="人民医院专属网格", kind="dedicated", subtype="hospital", host=cast.a1,
            valid_from=EPOCH, boundary=square(106.02, 36.1, 106.04, 36.12),
            min_lon=106.02, min_lat=36.1, max_lon=106.04, max_lat=36.12,
        )  # fmt: skip
        people = {n: User.objects.create_user(n, password="pw") for n in ("doc", "police", "info")}
        ward = Organisation.objects.create(
            grid=grid, grid_code=grid.code, name="住院部", kind="unit"
        )
        Organisation.objects.create(grid=grid, grid_code=grid.code, name="门诊部", kind="unit")
        for user, node, role, unit in [
            (people["doc"], grid, Role.DEDICATED_HEAD, None),
            (people["police"], cast.a1, Role.GRID_INSTRUCTOR, None),
            (people["info"], grid, Role.GRID_INFORMANT, ward),
        ]:
            Assignment.objects.create(user=user, grid=node, role=role, unit=unit, starts_on=EPOCH)
        yield SimpleNamespace(grid=grid)
        transaction.set_rollback(True)


def test_it_names_who_holds_each_of_the_four_posts_and_each_units_informant(
    cast: Any, d: Any
) -> None:
    r = log_in(Client(), cast.head_a).get(f"/teams/comprehensive/{HOSPITAL}/")
    four = r.context["four"]
    assert [[a.user.username for a in p.people] for p in four.posts] == [
        ["doc"],
        ["police"],
        ["admin_a"],
        ["worker_a1"],
    ]
    assert four.missing == []
    assert [(u.name, [a.user.username for a in i]) for u, i in four.units] == [
        ("住院部", ["info"]),
        ("门诊部", []),
    ]
    assert "四包一" in r.content.decode()


def test_it_answers_the_same_through_the_api_in_scope_only(cast: Any, d: Any) -> None:
    url = f"/api/v1/teams/comprehensive/{HOSPITAL}/four-in-one"
    assert Client().get(url).status_code == 401
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {cast.tokens['worker_b1']}"}
    assert Client().get(url, **bearer).status_code == 404
    # worker_a1 answers for A1, not for the dedicated grid beside it under community A.
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {cast.tokens['worker_a1']}"}
    assert Client().get(url, **bearer).status_code == 404
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {cast.tokens['head_a']}"}
    body = Client().get(url, **bearer).json()
    assert [len(p["people"]) for p in body["posts"]] == [1, 1, 1, 1]
    assert [(u["name"], len(u["informants"])) for u in body["units"]] == [
        ("住院部", 1),
        ("门诊部", 0),
    ]
    on_a1 = Client().get("/api/v1/teams/comprehensive/640402001001001/four-in-one", **bearer)
    assert (on_a1.status_code, on_a1.json()["field"]) == (404, "code")


def test_it_shows_a_vacant_post(cast: Any, d: Any) -> None:
    Assignment.objects.filter(user__username="doc").update(ends_on=EPOCH)
    r = log_in(Client(), cast.head_a).get(f"/teams/comprehensive/{HOSPITAL}/")
    assert len(r.context["four"].missing) == 1
