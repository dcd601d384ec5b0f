"""The household, place, component and organisation pages, and the access log: lists with
their filters, registration forms, and who may read what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from gridgov.grids.tests.test_pages import Node, Page

from .test_pages import A1, B1, as_, error, parse, snapshot, urls

pytestmark = pytest.mark.django_db


def body(p: Page) -> list[list[str]]:
    """The rows of the page's one list table; none when it has no table."""
    tables = p.root.all("table", "list")
    if not tables:
        return []
    (table,) = tables
    return [
        [c.text for c in r.children if isinstance(c, Node)] for r in table.one("tbody").all("tr")
    ]


# ---------------------------------------------------------------- households


def test_it_lists_households_fifty_a_page_with_the_grid_and_address_filters(
    cast: Any, reg: Any, django_assert_num_queries: Any
) -> None:
    client = as_(cast, "worker_a1")
    client.get("/registry/households/")
    with django_assert_num_queries(7):
        # 1 session, 2 user, 3 assignments, 4 the grids of the filter, 5 the count,
        # 6 the page of households with their grids.
        # 7 the unread notices in the header (notices.context): one COUNT.
        p = parse(client.get("/registry/households/", {"grid": A1, "page": "8"}))
    # A1 holds the cast's 350 households and two of ours: 352, the 8th page has the last 2.
    assert len(body(p)) == 2
    previous = [a.attrs["href"] for a in p.root.one("nav", "pager").all("a")]
    assert previous == [f"?grid={A1}&page=7"]
    first = body(parse(client.get("/registry/households/")))
    assert [row[0] for row in first[:2]] == ["幸福路1号", "幸福路2号"]
    p = parse(client.get("/registry/households/", {"address": "幸福路"}))
    assert [(row[0], row[3]) for row in body(p)] == [("幸福路1号", "2"), ("幸福路2号", "1")]


@pytest.mark.parametrize(("who", "found"), [("worker_b1", ["古雁路9号"]), ("nobody", [])])
def test_it_lists_only_households_in_scope(cast: Any, reg: Any, who: str, found: list) -> None:
    p = parse(as_(cast, who).get("/registry/households/", {"address": "路"}))
    assert [row[0] for row in body(p)] == found


def test_it_shows_a_household_with_members_tags_and_moves(cast: Any, reg: Any) -> None:
    p = parse(as_(cast, "head_a").get(urls(reg)["household"]))
    assert p.root.one("h1").text == "幸福路1号"
    assert p.facts["户类型"] == "单位院落"
    tables = p.root.all("table", "list")
    members = [
        [c.text for c in tr.children if isinstance(c, Node)] for tr in tables[0].all("tr")[1:]
    ]
    assert members == [
        ["张三", "户主", reg.zhang.id_masked, "139****5678"],
        ["李四", "配偶", reg.li.id_masked, "—"],
    ]
    (tag,) = p.root.one("ul", "taglist").all("li")
    assert tag.one("strong").text == "困难家庭"


def test_it_registers_a_household_in_a_grid_of_the_worker(cast: Any, reg: Any) -> None:
    from gridgov.registry.models import Household

    data = {"grid": A1, "address": "幸福路3号", "household_type": "property_managed", "floor": "3"}
    r = as_(cast, "worker_a1").post("/registry/households/new/", data)
    h = Household.objects.get(address="幸福路3号")
    assert r["Location"] == f"/registry/households/{h.public_id}/"
    assert (h.grid_code, h.household_type, h.floor) == (A1, "property_managed", 3)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"grid": B1, "address": "x", "household_type": "unit"}, "grid"),  # not the worker's
        ({"grid": A1, "address": "", "household_type": "unit"}, "address"),
        ({"grid": A1, "address": "x", "household_type": "palace"}, "household_type"),
        ({"grid": A1, "address": "x", "household_type": "unit", "building": "9"}, "building"),
    ],
)
def test_it_refuses_a_bad_household_and_saves_nothing(
    cast: Any, reg: Any, data: dict[str, str], field: str
) -> None:
    before = snapshot()
    p = parse(as_(cast, "worker_a1").post("/registry/households/new/", data), 422)
    assert error(p, field) is not None
    assert snapshot() == before


def test_it_offers_the_grids_the_person_may_register_in(cast: Any) -> None:
    p = parse(as_(cast, "head_a").get("/registry/households/new/"))
    (select,) = [s for s in p.root.all("select") if s.attrs.get("id") == "id_grid"]
    options = select.all("option")
    assert [o.attrs["value"] for o in options] == [A1, "640402001001002"]


# ---------------------------------------------------------------- places, components, units


def test_it_registers_and_lists_places_components_and_organisations(cast: Any) -> None:
    from gridgov.registry.models import Component, Organisation, Place

    client = as_(cast, "worker_a1")
    r = client.post("/registry/places/new/", {"grid": A1, "name": "便民超市", "kind": "shop"})
    assert r["Location"] == f"/registry/places/{Place.objects.get().pk}/"
    component = {"grid": A1, "code": "6404020101000001", "name": "井盖", "lon": "106.05",
                 "lat": "36.1"}  # fmt: skip
    r = client.post("/registry/components/new/", component)
    assert r["Location"] == "/registry/components/6404020101000001/"
    r = client.post("/registry/organisations/new/", {"grid": A1, "name": "甲公司",
                    "kind": "enterprise", "phone": "13800001111"})  # fmt: skip
    assert r["Location"] == f"/registry/organisations/{Organisation.objects.get().pk}/"
    assert Place.objects.get().kind == "shop"
    assert (Component.objects.get().major, Component.objects.get().minor) == ("01", "01")
    assert Organisation.objects.get().phone_masked == "138****1111"

    assert body(parse(client.get("/registry/places/", {"grid": A1})))[0][:2] == ["便民超市", "商铺"]
    assert body(parse(client.get("/registry/components/")))[0][:2] == ["6404020101000001", "井盖"]
    org = body(parse(client.get("/registry/organisations/")))[0]
    assert (org[0], org[4]) == ("甲公司", "138****1111")
    # The outsider sees none of them.
    for url in ("/registry/places/", "/registry/components/", "/registry/organisations/"):
        assert body(parse(as_(cast, "worker_b1").get(url))) == []


@pytest.mark.parametrize(
    ("url", "data", "field"),
    [
        ("/registry/components/new/", {"code": "6404020101000000", "name": "x"}, "code"),
        ("/registry/components/new/", {"code": "1404020101000001", "name": "x"}, "code"),
        ("/registry/organisations/new/", {"name": "x", "kind": "enterprise",
                                          "credit_code": "91640402MA76XXXXX1"}, "credit_code"),
        ("/registry/organisations/new/", {"name": "x", "kind": "unit", "phone": "1"}, "phone"),
        ("/registry/places/new/", {"name": "x", "kind": "castle"}, "kind"),
    ],
)  # fmt: skip
def test_it_refuses_bad_registrations_and_saves_nothing(
    cast: Any, url: str, data: dict[str, str], field: str
) -> None:
    from gridgov.registry.models import Component, Organisation, Place

    data = {"grid": A1, "lon": "106.05", "lat": "36.1", **data}
    p = parse(as_(cast, "worker_a1").post(url, data), 422)
    assert error(p, field) is not None
    counts = (Place.objects.count(), Component.objects.count(), Organisation.objects.count())
    assert counts == (0, 0, 0)


# ---------------------------------------------------------------- access log


def reveal(cast: Any, reg: Any, reason: str) -> None:
    from gridgov.registry import services

    services.reveal(actor=cast.head_a, resident=reg.zhang, field="phone", reason=reason)


@pytest.mark.parametrize("who", ["worker_a1", "head_a", "dispatcher", "nobody"])
def test_it_shows_the_access_log_to_auditors_only(cast: Any, reg: Any, who: str) -> None:
    assert as_(cast, who).get("/registry/access-log/").status_code == 403


def test_it_shows_who_saw_whose_number_when_and_why(cast: Any, reg: Any) -> None:
    reveal(cast, reg, "入户走访核对")
    p = parse(as_(cast, "auditor").get("/registry/access-log/"))
    ((when, who, whose, what, why, channel),) = body(p)
    assert (who, whose, what, why, channel) == (
        "head_a",
        f"张三 {reg.zhang.id_masked}",
        "电话",
        "入户走访核对",
        "网页",  # zh-hans (channel)
    )
    assert when.startswith(timezone.localdate().isoformat())
    assert "13912345678" not in p.root.text


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"actor": "head"}, 1),
        ({"actor": "worker"}, 0),
        ({"since": "today"}, 1),
        ({"until": "yesterday"}, 0),
        ({"since": "tomorrow"}, 0),
    ],
)
def test_it_searches_the_access_log_by_actor_and_dates(
    cast: Any, reg: Any, params: dict[str, str], count: int
) -> None:
    reveal(cast, reg, "核对")
    today = timezone.localdate()
    days = {"today": today, "yesterday": today - dt.timedelta(days=1),
            "tomorrow": today + dt.timedelta(days=1)}  # fmt: skip
    params = {k: days[v].isoformat() if v in days else v for k, v in params.items()}
    p = parse(as_(cast, "auditor").get("/registry/access-log/", params))
    assert len(body(p)) == count


def test_it_refuses_an_end_date_before_the_start(cast: Any) -> None:
    p = parse(as_(cast, "auditor").get("/registry/access-log/",
                                       {"since": "2025-02-01", "until": "2025-01-01"}))  # fmt: skip
    assert error(p, "until") is not None
    assert p.root.all("table") == []
