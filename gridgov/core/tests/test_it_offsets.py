"""Every list of the API bounds its offset (a fuzzer's 2**70 once reached the database as a
500): an offset past the bound is a 422 naming the field, on each list without path
parameters that the OpenAPI document says takes one."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_refuses_an_offset_past_the_bound(cast: Any) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens['admin']}")
    spec = client.get("/api/v1/openapi.json").json()
    lists = [
        path for path, ops in spec["paths"].items()
        if "{" not in path and "get" in ops
        and any(p["name"] == "offset" for p in ops["get"].get("parameters", []))
    ]  # fmt: skip
    assert len(lists) >= 5
    for path in lists:
        r = client.get(f"{path}?offset={2**70}")
        assert (r.status_code, r.json()["field"]) == (422, "offset"), (path, r.content)
