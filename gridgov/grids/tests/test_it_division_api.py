"""/api/v1/grids/…/division: propose, read, move a block, accept, discard — the matrix of
callers, bad input naming the field, nothing changed by a refusal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from gridgov.conftest import build_cast
from gridgov.core.models import AuditEntry
from gridgov.grids import index
from gridgov.grids.division import drafts
from gridgov.grids.division.partition import Bounds
from gridgov.grids.models import DivisionDraft, Grid, GridSuccession
from gridgov.grids.tests.division_ground import add_ground, border_move
from gridgov.registry.models import Building

pytestmark = pytest.mark.django_db

COMMUNITY_A, A1, A2 = "640402001001", "640402001001001", "640402001001002"
# The head of community A may see it but not change grids; grid A1's worker does not see
# the community at all.
REFUSED = [("head_a", 403), ("worker_a1", 404), ("worker_b1", 404), ("nobody", 404)]


@pytest.fixture(scope="module")
def cast(django_db_setup: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        index.drop_all()
        c = build_cast()
        add_ground(c)
        # A draft of four grids of 240 made once; tests that change it roll back.
        c.draft = drafts.propose(
            actor=c.admin_a, parent=c.community_a, bounds=Bounds(200, 300, 240)
        )
        yield c
        transaction.set_rollback(True)
    index.drop_all()


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    index.drop_all()
    yield
    index.drop_all()


def api(cast: Any, who: str | None) -> Client:
    if who is None:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}")


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def world() -> tuple[Any, ...]:
    return (
        list(Grid.objects.order_by("code").values_list("code", "boundary", "valid_to")),
        list(DivisionDraft.objects.order_by("id").values_list("labels", "status", "version")),
        list(Building.objects.order_by("id").values_list("grid_code", flat=True)),
        AuditEntry.objects.count(),
        GridSuccession.objects.count(),
    )


def _url(cast: Any, tail: str = "") -> str:
    return f"/api/v1/grids/division/{cast.draft.public_id}{tail}"


@pytest.mark.parametrize(("who", "status"), [(None, 401), *REFUSED])
def test_it_refuses_to_propose_without_the_right_and_saves_nothing(
    cast: Any, who: str | None, status: int
) -> None:
    before = world()
    r = post(api(cast, who), f"/api/v1/grids/{COMMUNITY_A}/division", {})
    assert r.status_code == status
    assert world() == before


@pytest.mark.parametrize(("who", "status"), [(None, 401), *REFUSED])
def test_it_refuses_every_draft_call_without_the_right(
    cast: Any, who: str | None, status: int
) -> None:
    before = world()
    client = api(cast, who)
    assert client.get(_url(cast)).status_code == status
    body = {"block": 0, "to": 2, "version": cast.draft.version}
    assert post(client, _url(cast, "/move"), body).status_code == status
    assert post(client, _url(cast, "/accept"), {"version": 1}).status_code == status
    assert post(client, _url(cast, "/discard"), {"version": 1}).status_code == status
    assert world() == before


def test_it_proposes_with_the_default_standard_keeping_both_grids(cast: Any) -> None:
    r = post(api(cast, "admin_a"), f"/api/v1/grids/{COMMUNITY_A}/division", {})
    assert r.status_code == 201
    body = r.json()
    assert [g["households"] for g in body["grids"]] == [480, 480]
    assert [g["keeps_code"] for g in body["grids"]] == [A1, A2]
    assert body["households_changing_grid"] == 0
    assert body["grids_in_range"] == 2
    assert body["road_share"] == 1.0
    assert len(body["blocks"]) == 16


@pytest.mark.parametrize(
    ("body", "field"),
    [({"min": 500, "target": 400, "max": 600}, "target"), ({"min": 0}, "min")],
)
def test_it_names_the_field_of_bad_bounds(cast: Any, body: dict[str, Any], field: str) -> None:
    before = world()
    r = post(api(cast, "admin_a"), f"/api/v1/grids/{COMMUNITY_A}/division", body)
    assert r.status_code == 422
    assert field in json.dumps(r.json())
    assert world() == before


def test_it_reads_a_draft_with_its_figures(cast: Any) -> None:
    r = api(cast, "admin_a").get(_url(cast))
    assert r.status_code == 200
    body = r.json()
    assert sorted(g["households"] for g in body["grids"]) == [240, 240, 240, 240]
    assert all(g["contiguous"] and g["in_range"] for g in body["grids"])
    assert all(g["boundary"]["type"] == "Polygon" for g in body["grids"])
    assert body["households_changing_grid"] == 960


def test_it_moves_a_block_and_recomputes_the_figures(cast: Any) -> None:
    # Bounds 100–400: a grid may give one block of 60 to another.
    draft = drafts.propose(
        actor=cast.admin_a, parent=cast.community_a, bounds=Bounds(100, 400, 240)
    )
    before = [r.households for r in drafts.view(draft).rows]
    block, to = border_move(draft, legal=True)
    fr = draft.labels[block]
    url = f"/api/v1/grids/division/{draft.public_id}/move"
    r = post(api(cast, "admin_a"), url, {"block": block, "to": to, "version": 1})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["version"] == 2
    assert body["blocks"][block]["grid"] == to
    after = list(before)
    after[fr] -= 60
    after[to - 1] += 60
    assert [g["households"] for g in body["grids"]] == after


def test_it_refuses_moves_that_break_a_bound_or_come_late(cast: Any) -> None:
    before = world()
    client = api(cast, "admin_a")
    block, to = border_move(cast.draft)
    cases = [
        ({"block": block, "to": to, "version": 1}, 422, "block"),  # 240 - 60 < 200
        ({"block": block, "to": to, "version": 7}, 409, "version"),
        ({"block": 999, "to": to, "version": 1}, 422, "block"),
        ({"block": block, "to": 99, "version": 1}, 422, "to"),
    ]
    for body, status, field in cases:
        r = post(client, _url(cast, "/move"), body)
        assert (r.status_code, r.json()["field"]) == (status, field), body
    assert world() == before


def test_it_accepts_in_one_transaction_retiring_both_grids_with_successors(cast: Any) -> None:
    r = post(api(cast, "admin_a"), _url(cast, "/accept"), {"version": 1, "date": "2025-07-01"})
    assert r.status_code == 200, r.json()
    codes = [g["code"] for g in r.json()]
    assert len(codes) == 4
    assert Grid.objects.get(code=A1).valid_to.isoformat() == "2025-07-01"
    assert set(
        GridSuccession.objects.filter(predecessor__code=A2).values_list(
            "successor__code", flat=True
        )
    ) <= set(codes)
    again = post(api(cast, "admin_a"), _url(cast, "/accept"), {"version": 2})
    assert again.status_code == 409


def test_it_refuses_to_accept_a_draft_whose_ground_changed(cast: Any) -> None:
    Building.objects.filter(pk=Building.objects.order_by("id").first().pk).update(
        grid_code=COMMUNITY_A
    )
    before = world()
    r = post(api(cast, "admin_a"), _url(cast, "/accept"), {"version": 1})
    assert (r.status_code, r.json()["code"]) == (409, "stale")
    assert world() == before
