"""/open311/v2/ reading: discovery, services, requests with their filters, tokens; every
answer valid against the GeoReport v2 schemas; nothing personal or sensitive shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.cases import services
from gridgov.cases.choices import Stage
from gridgov.cases.models import Case, Category

from .open311_schema import check

pytestmark = pytest.mark.django_db
V2 = "/open311/v2"


def reported(cast: Any, code: str = "0101", text: str = "路边垃圾堆放", **kw: Any) -> Case:
    return services.report(
        actor=cast.worker_a1, category=Category.objects.get(code=code), grid=cast.a1,
        description=text, lon=106.05, lat=36.2, address="东门口", **kw,
    )  # fmt: skip


def get(path: str, schema: str, expect: int = 200, **params: Any) -> Any:
    r = Client().get(f"{V2}/{path}", params)
    assert (r.status_code, r["Content-Type"]) == (expect, "application/json"), r.content
    return check(schema, r.json())


def test_it_describes_itself_in_discovery() -> None:
    body = get("discovery.json", "discovery")
    assert body["endpoints"][0]["url"] == "http://testserver/open311/v2/"
    assert body["endpoints"][0]["formats"] == ["application/json"]


def test_it_offers_one_service_per_leaf_category_grouped_by_major_class(dept: Any) -> None:
    body = get("services.json", "services")
    leaves = Category.objects.filter(active=True, parent__isnull=False, children__isnull=True)
    assert [s["service_code"] for s in body] == list(leaves.values_list("code", flat=True))
    litter = next(s for s in body if s["service_code"] == "0101")
    assert litter == {
        "service_code": "0101",
        "service_name": "暴露垃圾",
        "description": "公共区域可见垃圾堆放",
        "metadata": False,
        "type": "realtime",
        "keywords": "市容环境,环卫部门",
        "group": "市容环境",
    }


def test_it_defines_no_attributes_and_404s_an_unknown_service(dept: Any) -> None:
    assert get("services/0101.json", "service-definition") == {
        "service_code": "0101",
        "attributes": [],
    }
    for code in ("9999", "01"):  # unknown; a major class is no service
        body = get(f"services/{code}.json", "errors", 404)
        assert body[0]["code"] == 404


def test_it_shows_a_request_with_its_stage_and_deadline(cast: Any, dept: Any) -> None:
    case = reported(cast)
    [body] = get(f"requests/{case.number}.json", "requests")
    assert body["service_request_id"] == case.number
    assert (body["status"], body["status_notes"]) == ("open", str(Stage.REPORTED.label))
    assert dt.datetime.fromisoformat(body["expected_datetime"]) == case.deadline
    assert body["requested_datetime"].endswith("+08:00")
    assert (body["lat"], body["long"], body["address"]) == (36.2, 106.05, "东门口")
    assert body["description"] == "路边垃圾堆放"
    assert get("requests/20990101000000.json", "errors", 404)[0]["code"] == 404


def test_it_says_closed_for_every_ended_stage(cast: Any, dept: Any) -> None:
    case = reported(cast)
    services.act(case=case, actor=cast.head_a, action="reject", note="不属实")
    [body] = get(f"requests/{case.number}.json", "requests")
    assert (body["status"], body["status_notes"], body["expected_datetime"]) == (
        "closed",
        str(Stage.NOT_FILED.label),
        None,
    )


def test_it_filters_requests_by_id_code_status_and_dates(cast: Any, dept: Any) -> None:
    litter, fire, old = reported(cast), reported(cast, "0501", "起火"), reported(cast)
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=100))
    services.act(case=fire, actor=cast.head_a, action="reject", note="误报")

    def numbers(**params: Any) -> list[str]:
        return [r["service_request_id"] for r in get("requests.json", "requests", **params)]

    # Newest first; the default window is the last 90 days.
    assert numbers() == [fire.number, litter.number]
    assert numbers(service_code="0101") == [litter.number]
    assert numbers(status="open") == [litter.number]
    assert numbers(status="closed") == [fire.number]
    start = (timezone.now() - dt.timedelta(days=120)).isoformat()
    assert numbers(start_date=start) == [fire.number, litter.number, old.number]
    end = (timezone.now() - dt.timedelta(days=50)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert numbers(start_date=start, end_date=end) == [old.number]
    # With ids, the other filters are ignored (the spec).
    ids = f"{old.number}, {litter.number}"
    assert sorted(numbers(service_request_id=ids, status="closed")) == sorted(
        [old.number, litter.number]
    )


def test_it_refuses_bad_filters_with_the_error_list(cast: Any) -> None:
    for params in (
        {"start_date": "yesterday"},
        {"end_date": "2026-13-01"},
        {"status": "pending"},
        {"start_date": "2026-02-01T00:00:00+08:00", "end_date": "2026-01-01T00:00:00+08:00"},
    ):
        body = get("requests.json", "errors", 400, **params)
        assert body[0]["code"] == 400, params


def test_it_never_shows_sensitive_categories_reporters_or_numbers(cast: Any, dept: Any) -> None:
    family = reported(cast, "0702", "张三家夫妻吵架")
    litter = reported(cast, text="垃圾堆了三天，联系13912345678，身份证110101199003071234")
    listed = get("requests.json", "requests")
    assert [r["service_request_id"] for r in listed] == [litter.number]
    assert listed[0]["description"] == "垃圾堆了三天，联系[redacted]，身份证[redacted]"
    assert get(f"requests/{family.number}.json", "errors", 404)
    raw = Client().get(f"{V2}/requests.json").content.decode()
    for secret in ("worker_a1", "13912345678", "110101199003071234", "张三"):
        assert secret not in raw


def test_it_turns_a_token_into_the_request_id(cast: Any, dept: Any) -> None:
    case = reported(cast)
    assert get(f"tokens/{case.public_id}.json", "token") == [
        {"service_request_id": case.number, "token": str(case.public_id)}
    ]
    for token in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        assert get(f"tokens/{token}.json", "errors", 404)[0]["code"] == 404


def test_it_answers_other_paths_and_formats_with_the_error_list() -> None:
    for path in ("services.xml", "requests/1.xml", "nothing"):
        assert get(path, "errors", 404)[0]["code"] == 404
