"""The detail and correction pages of places, components and organisations: what they
show, who may correct them, and that a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

from gridgov.core.models import AuditEntry
from gridgov.registry import services
from gridgov.registry.models import Component, Organisation, Place

from .test_pages import A1, as_, error, parse

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def things(cast: SimpleNamespace, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        actor = cast.worker_a1
        t = SimpleNamespace(
            place=services.register_place(actor=actor, grid_code=A1, name="便民超市",
                                          kind="shop", address="幸福路3号", lon=106.05, lat=36.1),
            component=services.register_component(actor=actor, grid_code=A1,
                                                  code="6404020101000001", name="井盖",
                                                  lon=106.05, lat=36.1),
            org=services.register_organisation(actor=actor, grid_code=A1, name="甲公司",
                                               kind="enterprise", phone="13800001111"),
        )  # fmt: skip
        t.urls = {
            "place": f"/registry/places/{t.place.pk}/",
            "component": "/registry/components/6404020101000001/",
            "org": f"/registry/organisations/{t.org.pk}/",
        }
        yield t
        transaction.set_rollback(True)


POSTS = {
    "place": {"name": "便民超市", "kind": "shop", "address": "幸福路5号", "lon": "106.05",
              "lat": "36.1"},
    "component": {"name": "雨水井盖", "lon": "106.06", "lat": "36.1"},
    "org": {"name": "甲公司", "kind": "enterprise", "credit_code": "", "address": "幸福路9号",
            "contact_name": "王经理", "phone": ""},
}  # fmt: skip


def world() -> tuple[Any, ...]:
    return (
        list(Place.objects.values_list("name", "address", "lon", "lat")),
        list(Component.objects.values_list("name", "lon", "lat")),
        list(Organisation.objects.values_list("name", "address", "contact_name", "phone_enc")),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("what", ["place", "component", "org"])
def test_it_shows_each_record_with_its_facts(cast: Any, things: Any, what: str) -> None:
    p = parse(as_(cast, "head_a").get(things.urls[what]))
    assert p.facts["网格"].startswith("甲社区第1网格")
    if what == "org":
        assert p.facts["电话"] == "138****1111"
        assert p.root.all("div", "map") == []  # organisations are not located
    else:
        assert p.root.one("div", "map").attrs["data-grid"] == A1


@pytest.mark.parametrize("what", ["place", "component", "org"])
@pytest.mark.parametrize(("who", "status"), [("worker_b1", 404), ("nobody", 404),
                                             ("dispatcher", 403), (None, 302)])  # fmt: skip
def test_it_refuses_corrections_and_changes_nothing(
    cast: Any, things: Any, what: str, who: str | None, status: int
) -> None:
    before = world()
    r = as_(cast, who).post(things.urls[what] + "edit/", POSTS[what])
    assert r.status_code == status
    assert world() == before
    if status == 404:
        assert as_(cast, who).get(things.urls[what]).status_code == 404


@pytest.mark.parametrize("what", ["place", "component", "org"])
def test_it_corrects_a_record_and_shows_it_in_the_history(
    cast: Any, things: Any, what: str
) -> None:
    client = as_(cast, "worker_a1")
    with transaction.atomic():
        r = client.post(things.urls[what] + "edit/", POSTS[what])
        assert (r.status_code, r.url) == (302, things.urls[what])
        p = parse(client.get(things.urls[what]))
        assert "修改" in p.root.all("table", "list")[-1].text
        transaction.set_rollback(True)


def test_it_keeps_or_removes_an_organisations_phone_but_never_shows_it(
    cast: Any, things: Any
) -> None:
    client = as_(cast, "worker_a1")
    edit = things.urls["org"] + "edit/"
    p = parse(client.get(edit))
    (phone,) = [i for i in p.root.all("input") if i.attrs.get("name") == "phone"]
    assert phone.attrs.get("value") is None  # the number never comes back to the page
    with transaction.atomic():
        client.post(edit, POSTS["org"])  # phone left empty: kept
        org = Organisation.objects.get(pk=things.org.pk)
        assert org.phone_masked == "138****1111"
        entry = AuditEntry.objects.get(action="organisation.update")
        assert "13800001111" not in str(entry.before) + str(entry.after)
        client.post(edit, {**POSTS["org"], "remove_phone": "on"})
        assert Organisation.objects.get(pk=things.org.pk).phone_enc == ""
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("what", "changes", "field"),
    [
        ("place", {"lon": "106.3"}, "lon"),  # in B1
        ("place", {"lat": ""}, "lat"),  # half a location
        ("component", {"lon": "106.3"}, "lon"),
        ("component", {"name": ""}, "name"),
        ("org", {"credit_code": "91640402MA76XXXXX1"}, "credit_code"),
        ("org", {"phone": "12"}, "phone"),
    ],
)
def test_it_shows_a_refused_correction_next_to_its_field(
    cast: Any, things: Any, what: str, changes: dict[str, str], field: str
) -> None:
    before = world()
    r = as_(cast, "worker_a1").post(things.urls[what] + "edit/", {**POSTS[what], **changes})
    assert error(parse(r, 422), field)
    assert world() == before
