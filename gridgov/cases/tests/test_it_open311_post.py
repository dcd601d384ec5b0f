"""POST /open311/v2/requests.json: the api_key (an API token with cases.report where the
point lies), the location from lat/long, no contact data kept; answers valid against the
GeoReport v2 schemas; nothing changes on a refusal."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.cases.models import Case, CaseEvent

from .open311_schema import check

pytestmark = pytest.mark.django_db
URL = "/open311/v2/requests.json"


def form(cast: Any, **change: Any) -> dict[str, Any]:
    return {
        "api_key": cast.tokens["worker_a1"],
        "service_code": "0101",
        "lat": "36.2",
        "long": "106.05",
        "description": "路边垃圾堆放",
        **change,
    }


def post(data: dict[str, Any], schema: str, status: int) -> Any:
    # enforce_csrf_checks: the endpoint must work for clients that have no cookie at all.
    r = Client(enforce_csrf_checks=True).post(URL, data)
    assert (r.status_code, r["Content-Type"]) == (status, "application/json"), r.content
    return check(schema, r.json())


def test_it_reports_a_case_as_the_keys_account_and_returns_id_and_token(
    cast: Any, dept: Any
) -> None:
    [body] = post(form(cast), "request-response", 200)
    case = Case.objects.get(number=body["service_request_id"])
    assert body["token"] == str(case.public_id)
    assert (case.grid_code, case.source, case.reporter, case.stage) == (
        cast.a1.code,
        "resident",
        cast.worker_a1,
        "reported",
    )
    assert (case.lon, case.lat, case.description) == (106.05, 36.2, "路边垃圾堆放")
    assert CaseEvent.objects.get(case=case).actor == cast.worker_a1
    # And it can be read back as the spec says.
    r = Client().get(f"/open311/v2/requests/{case.number}.json")
    assert check("requests", r.json())[0]["service_request_id"] == case.number


def test_it_refuses_a_missing_wrong_or_powerless_key_with_403(cast: Any, dept: Any) -> None:
    before = Case.objects.count()
    for key in ("", "gg_wrong", cast.tokens["nobody"]):
        body = post(form(cast, api_key=key), "errors", 403)
        assert body[0]["code"] == 403
    # The B1 worker's key is good, but not for a point in A1.
    assert post(form(cast, api_key=cast.tokens["worker_b1"]), "errors", 403)[0]["code"] == 403
    assert Case.objects.count() == before


def test_it_refuses_bad_requests_with_400_and_the_error_list(cast: Any, dept: Any) -> None:
    before = Case.objects.count()
    no_point = {"lat": "", "long": ""}
    for change in (
        {"service_code": "9999"},
        {"service_code": "01"},  # a major class
        {"service_code": ""},
        {**no_point, "address_string": "东门口"},  # an address alone: no grid
        {**no_point, "address_id": "A-1"},
        {"lat": "north"},
        {"lat": "91"},
        {"lat": "30.0", "long": "120.0"},  # outside the district
        {"description": "x" * 4001},
        {"description": "bad\x00text"},
    ):
        body = post(form(cast, **change), "errors", 400)
        assert body[0]["code"] == 400, change
    assert Case.objects.count() == before


def test_it_keeps_no_contact_data_and_ignores_attributes_and_media(cast: Any, dept: Any) -> None:
    contact = {
        "email": "li@example.com",
        "first_name": "李",
        "last_name": "四",
        "phone": "13912345678",
        "device_id": "dev-1",
        "account_id": "acc-1",
        "media_url": "http://example.com/p.jpg",
        "attribute[size]": "big",
        "address_string": "东门口",
    }
    [body] = post(form(cast, **contact), "request-response", 200)
    case = Case.objects.get(number=body["service_request_id"])
    stored = " ".join(
        str(v) for v in Case.objects.filter(pk=case.pk).values().first().values()
    ) + " ".join(CaseEvent.objects.filter(case=case).values_list("note", flat=True))
    for value in ("li@example.com", "13912345678", "dev-1", "acc-1", "example.com", "big"):
        assert value not in stored
    assert case.address == "东门口"
    assert body["account_id"] is None


def test_it_uses_the_service_name_when_there_is_no_description(cast: Any, dept: Any) -> None:
    [body] = post(form(cast, description=""), "request-response", 200)
    assert Case.objects.get(number=body["service_request_id"]).description == "暴露垃圾"
