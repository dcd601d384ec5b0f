"""四清 (R-REG-3): completeness per node and per child, its query count, and its panel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from gridgov.conftest import EPOCH
from gridgov.grids.tests.test_pages import Node, Page
from gridgov.registry.completeness import Completeness, Measure, for_node, months_before

from .test_pages import A1, COMMUNITY_A, as_, build_registry

pytestmark = pytest.mark.django_db

A2, COUNTY = "640402001001002", "640402"


@pytest.fixture(scope="module")
def reg(cast: SimpleNamespace, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    """The pages' registry, plus: a tag reviewed 7 months ago, an ended one, two buildings in
    A1, and 王五 moved out (no longer counted)."""
    from gridgov.registry import services
    from gridgov.registry.models import Building, Tag

    with django_db_blocker.unblock(), transaction.atomic():
        r = build_registry(cast)
        today = timezone.localdate()
        r.stale = services.add_tag(actor=cast.worker_a1, kind="unemployed",
                                   start=dt.date(2024, 1, 1), resident=r.zhang)  # fmt: skip
        Tag.objects.filter(pk=r.stale.pk).update(reviewed_at=months_before(today, 7))
        services.add_tag(actor=cast.worker_a1, kind="floating", start=dt.date(2024, 1, 1),
                         end=dt.date(2024, 6, 1), resident=r.li)  # fmt: skip
        for n in (1, 2):
            Building.objects.create(grid=cast.a1, grid_code=A1, code=f"{A1}0000{n}",
                                    name=f"{n}号楼", lon=106.05, lat=36.2)  # fmt: skip
        services.move_resident(actor=cast.worker_a1, resident=r.wang, to=None, date=today)
        yield r
        transaction.set_rollback(True)


def m(done: int, total: int) -> Measure:
    return Measure(done, total)


# A1: 1 household of 352 has members (the cast's 350 are empty, and 王五's emptied when he
# moved out), 张三 and 李四 have IDs, only 张三 a phone, both buildings located, 2 of the 3
# current tags were reviewed in the last 6 months.
A1_FIGURES = Completeness(m(1, 352), m(2, 2), m(1, 2), m(2, 2), m(2, 3))
A2_FIGURES = Completeness(households=m(0, 120))
B1_FIGURES = Completeness(households=m(1, 601), ids=m(1, 1), phones=m(0, 1))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 8, 31), 6, dt.date(2025, 2, 28)),
        (dt.date(2024, 8, 31), 6, dt.date(2024, 2, 29)),
        (dt.date(2025, 3, 15), 6, dt.date(2024, 9, 15)),
        (dt.date(2025, 1, 1), 12, dt.date(2024, 1, 1)),
        (dt.date(2025, 6, 30), 0, dt.date(2025, 6, 30)),
    ],
)
def test_it_counts_months_back_to_the_last_day_that_exists(
    day: dt.date, months: int, expected: dt.date
) -> None:
    assert months_before(day, months) == expected


def test_it_floors_percentages_and_has_none_for_nothing() -> None:
    assert [m(2, 3).percent, m(199, 200).percent, m(5, 5).percent, m(0, 0).percent] == [
        66, 99, 100, None
    ]  # fmt: skip


def test_it_measures_a_community_and_each_of_its_grids(
    cast: Any, reg: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(5):
        # 1 the current children, 2 households, 3 residents, 4 buildings, 5 tags (each one
        # GROUP BY on the code prefix of the children).
        c = for_node(cast.community_a)
    assert [(g.code, part) for g, part in c.children] == [(A1, A1_FIGURES), (A2, A2_FIGURES)]
    assert c.overall == A1_FIGURES + A2_FIGURES
    assert c.elsewhere == Completeness()


def test_it_measures_a_grid_on_its_own(cast: Any, reg: Any) -> None:
    c = for_node(cast.a1)
    assert (c.overall, c.children) == (A1_FIGURES, [])
    assert [p.percent for _, p in c.overall.measures] == [0, 100, 50, 100, 66]


def test_it_rolls_up_streets_over_their_whole_subtree(cast: Any, reg: Any) -> None:
    c = for_node(cast.county)
    assert [(g.code, part) for g, part in c.children] == [
        ("640402001", A1_FIGURES + A2_FIGURES),
        ("640402002", B1_FIGURES),
    ]


@pytest.mark.parametrize("extra", [0, 5])
def test_it_costs_the_same_queries_whatever_the_number_of_children(
    cast: Any, reg: Any, django_assert_num_queries: Any, extra: int
) -> None:
    from gridgov.grids.models import Grid

    for n in range(extra):
        Grid.objects.create(network=cast.network, parent=cast.community_a, depth=3,
                            code=f"{COMMUNITY_A}{n + 3:03d}", name=f"新网格{n}",
                            valid_from=EPOCH)  # fmt: skip
    with django_assert_num_queries(5):
        c = for_node(cast.community_a)
    assert len(c.children) == 2 + extra


def test_it_keeps_what_retired_grids_hold_in_the_total(cast: Any, reg: Any) -> None:
    from gridgov.grids.models import Grid
    from gridgov.registry.models import Household

    old = Grid.objects.create(network=cast.network, parent=cast.community_a, depth=3,
                              code=f"{COMMUNITY_A}009", name="旧网格", valid_from=EPOCH,
                              valid_to=dt.date(2022, 1, 1))  # fmt: skip
    Household.objects.create(grid=old, grid_code=old.code, address="旧路1号", household_type="unit")

    c = for_node(cast.community_a)

    assert c.elsewhere == Completeness(households=m(0, 1))
    assert c.overall == A1_FIGURES + A2_FIGURES + c.elsewhere
    assert [g.code for g, _ in c.children] == [A1, A2]


# ---------------------------------------------------------------- the panel


def url(code: str, network: str = "comprehensive") -> str:
    return f"/registry/completeness/{network}/{code}/"


def test_it_sends_anonymous_visitors_to_log_in(cast: Any) -> None:
    r = Client().get(url(A1))
    assert (r.status_code, r["Location"]) == (302, f"/login/?next={url(A1)}")


@pytest.mark.parametrize(
    ("who", "code", "network"),
    [
        ("nobody", COUNTY, "comprehensive"),
        ("worker_b1", A1, "comprehensive"),
        ("worker_a1", COMMUNITY_A, "comprehensive"),  # above the worker's grid
        ("admin", "640402009", "comprehensive"),
        ("admin", COUNTY, "party"),  # households are filed under comprehensive grids only
    ],
)
def test_it_answers_not_found_outside_the_scope(
    cast: Any, who: str, code: str, network: str
) -> None:
    assert as_(cast, who).get(url(code, network)).status_code == 404


def test_it_answers_live_requests_with_the_panel_only(
    cast: Any, reg: Any, django_assert_num_queries: Any
) -> None:
    client = as_(cast, "head_a")
    client.get(url(A1))
    with django_assert_num_queries(10):
        # 1 session, 2 user, 3 network by slug, 4 assignments, 5 the grid within scope,
        # 6 its current children, 7–10 the four measures.
        r = client.get(url(COMMUNITY_A), HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and "<html" not in html
    section = Page(html).root.one("section")
    assert section.attrs["id"] == "completeness"
    percents = [li.one("span", "pct").text for li in section.one("ul", "meters").all("li")]
    assert percents == ["0%", "100%", "50%", "100%", "66%"]
    rows = section.one("table", "figures").one("tbody").all("tr")
    cells = [[c.text for c in tr.children if isinstance(c, Node)] for tr in rows]
    assert cells == [
        [f"甲社区第1网格 {A1}", "0%", "100%", "50%", "100%", "66%"],
        [f"甲社区第2网格 {A2}", "0%", "—", "—", "—", "—"],
    ]


def test_it_opens_the_panel_as_a_page_without_scripts(cast: Any, reg: Any) -> None:
    r = as_(cast, "worker_a1").get(url(A1))
    p = Page(r.content.decode())
    assert r.status_code == 200
    assert p.root.one("p", "back").one("a").attrs["href"] == f"/grids/comprehensive/{A1}/"
    assert p.root.all("table", "figures") == []  # a grid has no units under it


def test_it_shows_nothing_to_count_where_nothing_is_registered(cast: Any) -> None:
    from gridgov.grids.models import Grid

    Grid.objects.create(network=cast.network, parent=cast.community_b, depth=3,
                        code="640402002001002", name="乙社区第2网格", valid_from=EPOCH)  # fmt: skip
    r = as_(cast, "dispatcher").get(url("640402002001002"), HTTP_HX_REQUEST="true")
    assert Page(r.content.decode()).root.all("ul", "meters") == []


def test_it_loads_the_panel_on_the_grid_page(cast: Any) -> None:
    p = Page(as_(cast, "worker_a1").get(f"/grids/comprehensive/{A1}/").content.decode())
    (panel,) = [s for s in p.root.all("section") if s.attrs.get("id") == "completeness"]
    assert (panel.attrs["hx-get"], panel.attrs["hx-trigger"]) == (url(A1), "load")
    assert panel.one("a").attrs["href"] == url(A1)
