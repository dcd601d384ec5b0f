"""Division pages: propose, the draft on the map with its figures, move, accept, discard —
anonymous sent to log in, no right 403, out of scope 404, refusals change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from gridgov.conftest import build_cast, log_in
from gridgov.grids import index
from gridgov.grids.division import drafts
from gridgov.grids.division.partition import Bounds
from gridgov.grids.models import DivisionDraft, Grid
from gridgov.grids.tests.division_ground import add_ground

pytestmark = pytest.mark.django_db

BASE = "/grids/comprehensive/640402001001/division/"


@pytest.fixture(scope="module")
def cast(django_db_setup: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        index.drop_all()
        c = build_cast()
        add_ground(c)
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


def client(cast: Any, who: str | None) -> Client:
    c = Client()
    return log_in(c, getattr(cast, who)) if who else c


def world() -> tuple[Any, ...]:
    return (
        list(Grid.objects.order_by("code").values_list("code", "valid_to")),
        list(DivisionDraft.objects.order_by("id").values_list("labels", "status", "version")),
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("head_a", 403), ("worker_a1", 404), ("worker_b1", 404), ("nobody", 404)],
)
def test_it_refuses_every_page_without_the_right(cast: Any, who: str | None, status: int) -> None:
    before = world()
    c = client(cast, who)
    here = f"{BASE}{cast.draft.public_id}/"
    assert c.get(BASE).status_code == status
    assert c.post(BASE, {"minimum": 300, "target": 400, "maximum": 500}).status_code == status
    assert c.get(here).status_code == status
    assert c.get(here + "map.geojson").status_code == status
    assert c.post(here + "move", {"block": 0, "to": 2, "version": 1}).status_code == status
    assert c.post(here + "accept", {"version": 1}).status_code == status
    assert c.post(here + "discard", {"version": 1}).status_code == status
    assert world() == before


def test_it_offers_division_on_the_grid_page_to_those_who_may(cast: Any) -> None:
    assert (
        BASE.encode() in client(cast, "admin_a").get("/grids/comprehensive/640402001001/").content
    )
    assert (
        BASE.encode()
        not in client(cast, "head_a").get("/grids/comprehensive/640402001001/").content
    )


def test_it_proposes_from_the_form_and_shows_the_draft(cast: Any) -> None:
    c = client(cast, "admin_a")
    r = c.post(BASE, {"minimum": 300, "target": 400, "maximum": 500})
    assert r.status_code == 302
    draft = DivisionDraft.objects.order_by("-id").first()
    assert r["Location"] == f"{BASE}{draft.public_id}/"
    page = c.get(r["Location"]).content.decode()
    assert "640402001001001" in page and "640402001001002" in page
    assert 'id="division-map"' in page


def test_it_says_which_bound_is_wrong(cast: Any) -> None:
    before = world()
    r = client(cast, "admin_a").post(BASE, {"minimum": 500, "target": 400, "maximum": 600})
    assert r.status_code == 400
    assert r.context["form"].errors["target"]
    assert world() == before


def test_it_draws_today_and_the_proposal_on_the_map(cast: Any) -> None:
    r = client(cast, "admin_a").get(f"{BASE}{cast.draft.public_id}/map.geojson")
    roles = [f["properties"]["role"] for f in r.json()["features"]]
    assert (roles.count("today"), roles.count("proposed"), roles.count("block")) == (2, 4, 16)


def test_it_reports_a_refused_move_and_changes_nothing(cast: Any) -> None:
    before = world()
    c = client(cast, "admin_a")
    r = c.post(
        f"{BASE}{cast.draft.public_id}/move", {"block": 0, "to": 4, "version": 1}, follow=True
    )
    assert r.status_code == 200
    assert [m.level_tag for m in r.context["messages"]] == ["error"]
    assert world() == before


def test_it_accepts_and_opens_the_grid(cast: Any) -> None:
    c = client(cast, "admin_a")
    r = c.post(f"{BASE}{cast.draft.public_id}/accept", {"version": 1})
    assert r.status_code == 302
    assert r["Location"] == "/grids/comprehensive/640402001001/"
    assert Grid.objects.current().filter(parent=cast.community_a).count() == 4


def test_it_discards(cast: Any) -> None:
    r = client(cast, "admin_a").post(f"{BASE}{cast.draft.public_id}/discard", {"version": 1})
    assert r.status_code == 302
    assert DivisionDraft.objects.get(pk=cast.draft.pk).status == "discarded"
