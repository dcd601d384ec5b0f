"""GET and PATCH of one place, component or organisation through the API: only the given
fields change, refusals change nothing, a phone is never answered unmasked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from gridgov.core.models import AuditEntry
from gridgov.registry import services
from gridgov.registry.models import Component, Organisation, Place

from .test_api_buildings import A1, api

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def urls(cast: SimpleNamespace, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    with django_db_blocker.unblock(), transaction.atomic():
        actor = cast.worker_a1
        place = services.register_place(actor=actor, grid_code=A1, name="便民超市", kind="shop",
                                        lon=106.05, lat=36.1)  # fmt: skip
        services.register_component(actor=actor, grid_code=A1, code="6404020101000001",
                                    name="井盖", lon=106.05, lat=36.1)  # fmt: skip
        org = services.register_organisation(actor=actor, grid_code=A1, name="甲公司",
                                             kind="enterprise", phone="13800001111")  # fmt: skip
        yield {
            "place": f"/api/v1/registry/places/{place.pk}",
            "component": "/api/v1/registry/components/6404020101000001",
            "org": f"/api/v1/registry/organisations/{org.pk}",
        }
        transaction.set_rollback(True)


def patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


def world() -> tuple[Any, ...]:
    return (
        list(Place.objects.values_list("name", "kind", "address", "lon", "lat")),
        list(Component.objects.values_list("name", "lon", "lat")),
        list(Organisation.objects.values_list("name", "contact_name", "phone_enc")),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("what", ["place", "component", "org"])
@pytest.mark.parametrize(("who", "status"), [(None, 401), ("dispatcher", 403),
                                             ("worker_b1", 404), ("nobody", 404)])  # fmt: skip
def test_it_refuses_a_correction_and_changes_nothing(
    cast: Any, urls: dict[str, str], what: str, who: str | None, status: int
) -> None:
    before = world()
    assert patch(api(cast, who), urls[what], {"name": "改名"}).status_code == status
    assert world() == before
    if status == 404:
        assert api(cast, who).get(urls[what]).status_code == 404


def test_it_corrects_only_the_fields_given(cast: Any, urls: dict[str, str]) -> None:
    client = api(cast, "worker_a1")
    with transaction.atomic():
        r = patch(client, urls["place"], {"address": "幸福路5号"})
        assert (r.status_code, r.json()["name"], r.json()["address"]) == (200, "便民超市",
                                                                         "幸福路5号")  # fmt: skip
        r = patch(client, urls["place"], {"lon": None, "lat": None})
        assert (r.json()["lon"], r.json()["lat"]) == (None, None)
        r = patch(client, urls["component"], {"lat": 36.2})
        component = r.json()
        assert (component["lat"], component["lon"]) == (36.2, 106.05)
        assert component["code"] == "6404020101000001"
        r = patch(client, urls["org"], {"contact_name": "王经理"})
        assert (r.json()["contact_name"], r.json()["phone_masked"]) == ("王经理", "138****1111")
        assert "13800001111" not in r.content.decode()
        r = patch(client, urls["org"], {"phone": ""})
        assert r.json()["phone_masked"] == ""
        assert AuditEntry.objects.filter(action__endswith=".update").count() == 5
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("what", "body", "field"),
    [
        ("place", {"lon": 106.3}, "lon"),
        ("place", {"lat": None, "lon": 106.05}, "lat"),  # half a location
        ("component", {"lon": 106.3}, "lon"),
        ("org", {"credit_code": "91640402MA76XXXXX1"}, "credit_code"),
        ("org", {"phone": "12"}, "phone"),
    ],
)
def test_it_names_the_field_of_a_bad_correction(
    cast: Any, urls: dict[str, str], what: str, body: dict[str, Any], field: str
) -> None:
    before = world()
    r = patch(api(cast, "worker_a1"), urls[what], body)
    assert (r.status_code, r.json()["field"]) == (422, field)
    assert world() == before
