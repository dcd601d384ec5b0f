"""The grid pages: home, detail, map.geojson and report — the matrix and exact content."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from gridgov.conftest import log_in, square

pytestmark = pytest.mark.django_db

COUNTY, COMMUNITY_A = "640402", "640402001001"
A1, A2, B1 = "640402001001001", "640402001001002", "640402002001001"


def detail_url(code: str) -> str:
    return f"/grids/comprehensive/{code}/"


def geojson_url(code: str) -> str:
    return f"/grids/comprehensive/{code}/map.geojson"


def report_url(code: str) -> str:
    return f"/grids/comprehensive/{code}/report/"


def as_(cast: Any, who: str | None) -> Client:
    client = Client()
    if who is not None:
        log_in(client, getattr(cast, who))
    return client


class Node:
    """An element of a parsed page: enough of a DOM to find things and read their text."""

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag, self.attrs = tag, attrs
        self.children: list[Node | str] = []

    def all(self, tag: str, cls: str | None = None) -> list[Node]:
        found = []
        for c in self.children:
            if isinstance(c, Node):
                if c.tag == tag and (cls is None or cls in c.attrs.get("class", "").split()):
                    found.append(c)
                found += c.all(tag, cls)
        return found

    def one(self, tag: str, cls: str | None = None) -> Node:
        (found,) = self.all(tag, cls)
        return found

    @property
    def text(self) -> str:
        parts = [c.text if isinstance(c, Node) else c for c in self.children]
        return " ".join("".join(parts).split())


class Page(HTMLParser):
    """A parsed page, read the way a person reads it: tables, crumbs, facts."""

    VOID = {"meta", "link", "input", "br", "img", "hr"}

    def __init__(self, html: str) -> None:
        super().__init__()
        self.root = Node("root", {})
        self.stack = [self.root]
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        while len(self.stack) > 1 and self.stack.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def table(self, caption: str) -> list[list[str]]:
        """The body rows of the table with this caption, each a list of cell texts."""
        (table,) = [t for t in self.root.all("table") if t.one("caption").text == caption]
        rows = table.one("tbody").all("tr")
        return [[c.text for c in r.children if isinstance(c, Node)] for r in rows]

    @property
    def crumbs(self) -> list[tuple[str, str | None]]:
        items = self.root.one("nav", "crumbs").all("li")
        return [(li.text, li.all("a")[0].attrs["href"] if li.all("a") else None) for li in items]

    @property
    def facts(self) -> dict[str, str]:
        dl = self.root.one("dl")
        return {dt.text: dd.text for dt, dd in zip(dl.all("dt"), dl.all("dd"), strict=True)}


def page(response: Any) -> Page:
    assert response.status_code == 200
    return Page(response.content.decode())


# Anonymous, no role, out of scope.


@pytest.mark.parametrize(
    "url", ["/grids/", detail_url(A1), geojson_url(A1), report_url(COMMUNITY_A)]
)
def test_it_sends_anonymous_visitors_to_log_in(cast: Any, url: str) -> None:
    r = as_(cast, None).get(url)
    assert r.status_code == 302
    assert r["Location"] == f"/login/?next={url}"


def test_it_tells_a_person_without_a_role_that_they_hold_none(cast: Any) -> None:
    p = page(as_(cast, "nobody").get("/grids/"))
    assert p.root.one("p", "empty").text == "您尚未在任何网格任职，请联系管理员分配。"
    assert p.root.all("ul", "plain") == []


@pytest.mark.parametrize("url", [detail_url(COUNTY), geojson_url(COUNTY), report_url(COUNTY)])
def test_it_hides_every_grid_from_a_person_without_a_role(cast: Any, url: str) -> None:
    assert as_(cast, "nobody").get(url).status_code == 404


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("worker_b1", detail_url(A1)),
        ("worker_b1", geojson_url(A1)),
        ("worker_b1", report_url(COMMUNITY_A)),
        ("worker_a1", detail_url(A2)),
        ("worker_a1", detail_url(COMMUNITY_A)),
        ("head_a", report_url(COUNTY)),
        ("admin", "/grids/nosuchnetwork/640402/"),
        ("admin", detail_url("640402009")),
    ],
)
def test_it_answers_not_found_outside_the_scope(cast: Any, who: str, url: str) -> None:
    assert as_(cast, who).get(url).status_code == 404


# Home.


@pytest.mark.parametrize(
    ("who", "code"), [("worker_a1", A1), ("head_a", COMMUNITY_A), ("admin", COUNTY)]
)
def test_it_opens_the_only_top_grid_straight_away(cast: Any, who: str, code: str) -> None:
    r = as_(cast, who).get("/grids/")
    assert r.status_code == 302
    assert r["Location"] == detail_url(code)


def test_it_lists_each_top_grid_when_there_are_several(cast: Any) -> None:
    from gridgov.accounts.models import Assignment
    from gridgov.accounts.roles import Role

    Assignment.objects.create(user=cast.nobody, grid=cast.b1, role=Role.GRID_WORKER)
    Assignment.objects.create(user=cast.nobody, grid=cast.a2, role=Role.GRID_WORKER)

    p = page(as_(cast, "nobody").get("/grids/"))

    items = p.root.one("ul", "plain").all("li")
    assert [(li.text, li.one("a").attrs["href"]) for li in items] == [
        (f"甲社区第2网格 {A2}", detail_url(A2)),
        (f"乙社区第1网格 {B1}", detail_url(B1)),
    ]


# Detail.


def test_it_shows_a_community_with_its_grids_in_code_order(
    cast: Any, django_assert_num_queries: Any
) -> None:
    client = as_(cast, "head_a")
    with django_assert_num_queries(13):
        # 1 session, 2 user, 3 network by slug, 4 the user's assignments (scope, read once),
        # 5 the grid within scope, 6 its current children, 7 households per child (one
        # GROUP BY on the code prefix), 8 predecessors, 9 successors, 10 households of the
        # node, 11 its change history, 12 every ancestor at once (by code prefix).
        # 13 the unread notices in the header (notices.context): one COUNT.
        r = client.get(detail_url(COMMUNITY_A))
    p = page(r)
    assert p.root.one("h1").text == "甲社区"
    assert p.facts["编码"] == COMMUNITY_A
    assert p.facts["层级"] == "社区/村"
    assert p.facts["户数"] == "470"
    assert p.table("下辖单元") == [
        ["甲社区第1网格", A1, "网格", "350", "符合标准"],
        ["甲社区第2网格", A2, "网格", "120", "户数偏少"],
    ]
    assert p.root.one("div", "map").attrs["data-geojson"] == geojson_url(COMMUNITY_A)
    assert p.root.one("p", "hint").text == "点击地图上的区域或下方列表中的一行即可进入。"


def test_it_shows_a_grid_with_its_households_against_the_standard(
    cast: Any, django_assert_num_queries: Any
) -> None:
    client = as_(cast, "worker_a1")
    with django_assert_num_queries(13):
        # 1 session, 2 user, 3 network, 4 assignments, 5 the grid, 6 its children (none, so
        # no household GROUP BY), 7 predecessors, 8 successors, 9 its buildings (a grid
        # level node), 10 households of the node, 11 change history, 12 the ancestors.
        # 13 the unread notices in the header (notices.context): one COUNT.
        r = client.get(detail_url(A1))
    p = page(r)
    assert p.root.one("h1").text == "甲社区第1网格"
    assert p.facts["编码"] == A1
    assert p.facts["户数"] == "350 符合标准"
    # Nothing under it: no table, and no hint pointing at areas or rows to click.
    assert p.root.all("table") == []
    assert p.root.all("p", "hint") == []


@pytest.mark.parametrize(
    ("who", "code", "households"),
    [("head_a", A2, "120 户数偏少"), ("worker_b1", B1, "600 户数偏多")],
)
def test_it_flags_grids_out_of_standard(cast: Any, who: str, code: str, households: str) -> None:
    assert page(as_(cast, who).get(detail_url(code))).facts["户数"] == households


def test_it_lists_streets_without_the_standard_column(cast: Any) -> None:
    p = page(as_(cast, "dispatcher").get(detail_url(COUNTY)))
    assert p.crumbs == [("原州区", None)]
    assert p.table("下辖单元") == [
        ["南关街道", "640402001", "街道/乡镇", "470"],
        ["古雁街道", "640402002", "街道/乡镇", "600"],
    ]


def test_it_links_only_the_ancestors_the_person_may_open(cast: Any) -> None:
    mine = page(as_(cast, "worker_a1").get(detail_url(A1))).crumbs
    theirs = page(as_(cast, "admin").get(detail_url(A1))).crumbs

    assert mine == [
        ("原州区", None),
        ("南关街道", None),
        ("甲社区", None),
        ("甲社区第1网格", None),
    ]
    assert theirs == [
        ("原州区", detail_url(COUNTY)),
        ("南关街道", detail_url("640402001")),
        ("甲社区", detail_url(COMMUNITY_A)),
        ("甲社区第1网格", None),
    ]


# map.geojson


def feature(code: str, name: str, role: str) -> dict[str, str]:
    """The properties the map script reads off a grid's feature."""
    return {
        "code": code,
        "name": name,
        "role": role,
        "kind": "comprehensive",
        "url": detail_url(code),
    }


def test_it_draws_the_node_and_its_children_on_the_map(
    cast: Any, django_assert_num_queries: Any
) -> None:
    client = as_(cast, "head_a")
    with django_assert_num_queries(6):
        # 1 session, 2 user, 3 network, 4 assignments, 5 the grid, 6 its current children
        # (no household counts: the map does not show them).
        r = client.get(geojson_url(COMMUNITY_A))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/json"
    body = r.json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"] for f in body["features"]] == [
        feature(COMMUNITY_A, "甲社区", "node"),
        feature(A1, "甲社区第1网格", "child"),
        feature(A2, "甲社区第2网格", "child"),
    ]
    assert body["features"][1]["geometry"] == square(106.0, 36.0, 106.1, 36.4)


def test_it_draws_a_grid_alone_when_it_has_no_children(
    cast: Any, django_assert_num_queries: Any
) -> None:
    client = as_(cast, "worker_a1")
    with django_assert_num_queries(7):
        # 1 session, 2 user, 3 network, 4 assignments, 5 the grid, 6 its children (none),
        # 7 its buildings (a grid-level node; none in the cast).
        r = client.get(geojson_url(A1))
    assert r.json() == {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": square(106.0, 36.0, 106.1, 36.4),
                "properties": feature(A1, "甲社区第1网格", "node"),
            }
        ],
    }


# Report.


def test_it_reports_the_grids_out_of_standard_and_clean_coverage(
    cast: Any, django_assert_num_queries: Any
) -> None:
    client = as_(cast, "dispatcher")
    with django_assert_num_queries(9):
        # 1 session, 2 user, 3 network, 4 assignments, 5 the grid, 6 its comprehensive
        # children (coverage), 7 every grid-level grid under it (size), 8 households per
        # grid (one GROUP BY). The county is a root: no ancestors to read.
        # 9 the unread notices in the header (notices.context): one COUNT.
        r = client.get(report_url(COUNTY))
    p = page(r)
    assert p.root.one("h1").text == "覆盖与规模报告：原州区"
    coverage = p.root.all("section", "card")[0]
    assert coverage.all("p")[0].text == "已检查 2 个有边界的单元。 全覆盖、无缝隙、无重叠"
    assert p.root.all("section", "card")[1].all("p")[0].text == "3 个网格中有 2 个不符合标准。"
    assert p.table("不符合标准的网格") == [
        ["甲社区第2网格", A2, "120", "户数偏少"],
        ["乙社区第1网格", B1, "600", "户数偏多"],
    ]


def test_it_lists_overlaps_instead_of_claiming_clean_coverage(cast: Any) -> None:
    from gridgov.grids.models import Grid

    Grid.objects.filter(pk=cast.a2.pk).update(boundary=square(106.05, 36.0, 106.2, 36.4))

    r = as_(cast, "head_a").get(report_url(COMMUNITY_A))

    assert "全覆盖、无缝隙、无重叠" not in r.content.decode()
    # A2 now reaches 0.05° into A1: 4.5 km × 44 km, centred on 106.075 E 36.2 N.
    assert page(r).table("缝隙与重叠") == [
        ["重叠", "198659066", "106.075000, 36.200000", f"{A1} {A2}"]
    ]


def test_it_claims_no_coverage_for_a_grid_with_nothing_under_it(cast: Any) -> None:
    p = page(as_(cast, "worker_a1").get(report_url(A1)))

    coverage = p.root.all("section", "card")[0]
    assert coverage.all("p")[0].text == "已检查 0 个有边界的单元。"
    assert coverage.all("span", "ok") == []


def test_it_claims_no_coverage_when_no_child_has_a_boundary(cast: Any) -> None:
    from gridgov.grids.models import Grid

    Grid.objects.filter(pk__in=[cast.a1.pk, cast.a2.pk]).update(boundary=None)

    p = page(as_(cast, "head_a").get(report_url(COMMUNITY_A)))

    coverage = p.root.all("section", "card")[0]
    assert [x.text for x in coverage.all("p")] == [
        "已检查 0 个有边界的单元。",
        f"没有边界的单元： {A1} 甲社区第1网格, {A2} 甲社区第2网格",
    ]
    assert coverage.all("span", "ok") == []


# Languages.


def switch(client: Client, language: str, url: str) -> None:
    r = client.post("/i18n/setlang/", {"language": language, "next": url})
    assert r.status_code == 302
    assert r["Location"] == url


def test_it_speaks_simplified_chinese_by_default(cast: Any) -> None:
    p = page(as_(cast, "worker_a1").get(detail_url(A1)))
    assert p.root.one("html").attrs["lang"] == "zh-hans"
    assert p.root.one("a", "skip").text == "跳到正文"


def test_it_switches_to_english(cast: Any) -> None:
    client = as_(cast, "head_a")
    switch(client, "en", detail_url(COMMUNITY_A))

    p = page(client.get(detail_url(COMMUNITY_A)))

    assert p.root.one("html").attrs["lang"] == "en"
    assert p.facts["Households"] == "470"
    assert p.table("Units under this grid") == [
        ["甲社区第1网格", A1, "网格", "350", "Within standard"],
        ["甲社区第2网格", A2, "网格", "120", "Too few households"],
    ]
    # Without a choice made, pages stay in Simplified Chinese whatever the browser asks.
    home = page(as_(cast, "nobody").get("/grids/", HTTP_ACCEPT_LANGUAGE="en"))
    assert home.root.one("p", "empty").text == "您尚未在任何网格任职，请联系管理员分配。"


def test_it_switches_to_traditional_chinese(cast: Any) -> None:
    client = as_(cast, "dispatcher")
    switch(client, "zh-hant", report_url(COUNTY))

    p = page(client.get(report_url(COUNTY)))

    assert p.root.one("html").attrs["lang"] == "zh-hant"
    assert p.root.one("span", "ok").text == "全覆蓋、無縫隙、無重疊"
    assert p.table("不符合標準的網格") == [
        ["甲社区第2网格", A2, "120", "戶數偏少"],
        ["乙社区第1网格", B1, "600", "戶數偏多"],
    ]
    assert page(client.get(detail_url(B1))).facts["戶數"] == "600 戶數偏多"
