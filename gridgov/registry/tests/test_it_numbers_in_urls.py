"""A whole ID number or phone is never searched for from a URL (page or API GET): server
and proxy logs keep URLs. The forms POST it."""

from __future__ import annotations

from typing import Any

import pytest

from .test_pages import as_, error, parse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("q", ["id", "13912345678"])
def test_it_refuses_a_whole_number_in_the_page_address(cast: Any, reg: Any, q: str) -> None:
    q = reg.zhang_id if q == "id" else q
    client = as_(cast, "head_a")
    p = parse(client.get("/registry/residents/", {"q": q}))
    assert error(p, "q")
    assert p.root.all("table", "list") == []
    dashed = parse(client.get("/registry/residents/", {"q": q[:3] + "-" + q[3:]}))
    assert error(dashed, "q")
    found = parse(client.post("/registry/residents/", {"q": q}))
    assert "张三" in found.root.one("table", "list").text


def test_it_still_takes_the_last_digits_in_the_address(cast: Any, reg: Any) -> None:
    p = parse(as_(cast, "head_a").get("/registry/residents/", {"q": "5678"}))
    assert not error(p, "q")
    assert "张三" in p.root.one("table", "list").text
