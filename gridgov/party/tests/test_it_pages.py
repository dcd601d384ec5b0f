"""Party network pages: the rights matrix (anonymous / no role / out of scope / no right /
in scope) on every page, refusals changing nothing, what the tree and the check show, and
query-count baselines."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.conftest import log_in
from gridgov.core.models import AuditEntry
from gridgov.party.models import CentralHousehold, Link, PartyOrg, Post

pytestmark = pytest.mark.django_db


def client(cast: Any, who: str | None) -> Client:
    c = Client()
    return log_in(c, getattr(cast, who)) if who else c


def state() -> tuple[int, ...]:
    return (
        PartyOrg.objects.filter(dissolved_on__isnull=True).count(),
        Post.objects.filter(until__isnull=True).count(),
        CentralHousehold.objects.filter(until__isnull=True).count(),
        Link.objects.filter(until__isnull=True).count(),
        AuditEntry.objects.count(),
    )


def gets(net: Any) -> list[str]:
    return ["/party/", "/party/check/", f"/party/orgs/{net.group.pk}/"]


def posts(cast: Any, net: Any) -> list[tuple[str, dict[str, str]]]:
    """Every change a page makes, with a valid body, on something of A1."""
    return [
        (
            "/party/orgs/new/",
            {
                "kind": "group",
                "name": "新党小组",
                "grid": cast.a1.code,
                "parent": str(net.branch.pk),
            },
        ),
        (
            f"/party/orgs/{net.group.pk}/posts/",
            {"role": "group_leader", "resident": str(net.yi.public_id)},
        ),
        (
            f"/party/orgs/{net.group.pk}/centrals/",
            {"kind": "model_post", "keeper": str(net.yi.public_id), "name": "示范岗"},
        ),
        (
            "/party/links/new/",
            {
                "level": "household",
                "source": str(net.yi.public_id),
                "target": str(net.a1_households[40].public_id),
            },
        ),
        (f"/party/links/{net.l_yi.pk}/end/", {}),
        (f"/party/posts/{net.committee.pk}/end/", {}),
        (f"/party/centrals/{net.central.pk}/end/", {}),
        (f"/party/orgs/{net.branch_b.pk}/dissolve/", {}),
    ]


def test_it_sends_anonymous_visitors_to_log_in(cast: Any, net: Any) -> None:
    before = state()
    for url in gets(net):
        assert client(cast, None).get(url).status_code == 302
    for url, data in posts(cast, net):
        assert client(cast, None).post(url, data).status_code == 302
    assert client(cast, None).post("/party/roster.xlsx").status_code == 302
    assert state() == before


def test_it_refuses_someone_without_a_role(cast: Any, net: Any) -> None:
    before = state()
    c = client(cast, "nobody")
    assert [c.get(url).status_code for url in gets(net)] == [403, 403, 404]
    assert [c.post(url, data).status_code for url, data in posts(cast, net)] == [
        403,
        404,
        404,
        403,
        404,
        404,
        404,
        404,
    ]
    assert c.post("/party/roster.xlsx").status_code == 403
    assert state() == before


def test_it_hides_another_communitys_network(cast: Any, net: Any) -> None:
    before = state()
    c = client(cast, "worker_b1")
    assert c.get(f"/party/orgs/{net.group.pk}/").status_code == 404
    assert c.get("/party/", {"grid": cast.a1.code}).status_code == 404
    assert c.get("/party/check/", {"grid": cast.a1.code}).status_code == 404
    statuses = [c.post(url, data).status_code for url, data in posts(cast, net)[1:-1]]
    # The link form is refused before anything is looked up: B1's worker may link nowhere.
    assert statuses == [404, 404, 403, 404, 404, 404]
    assert c.post("/party/roster.xlsx", {"grid": cast.a1.code}).status_code == 404
    page = c.get("/party/").content.decode()
    assert "乙社区第1网格党支部" in page and "甲社区" not in page
    assert state() == before


def test_it_shows_but_refuses_changes_without_the_right(cast: Any, net: Any) -> None:
    before = state()
    c = client(cast, "worker_a1")
    assert [c.get(url).status_code for url in gets(net)] == [200, 200, 200]
    assert "第一党小组" in c.get("/party/").content.decode()
    statuses = [c.post(url, data).status_code for url, data in posts(cast, net)[:-1]]
    assert statuses == [403] * 7
    assert state() == before


def test_it_lets_the_grid_head_change_the_network(cast: Any, net: Any) -> None:
    c = client(cast, "head_a")
    before = state()
    for url, data in posts(cast, net)[:4]:
        r = c.post(url, data)
        assert r.status_code == 302, (url, r.content[:300])
    # A group, a post, a model post, a link: one more each, four audit entries.
    assert state() == tuple(a + b for a, b in zip(before, (1, 1, 1, 1, 4), strict=True))
    assert (
        Link.objects.filter(
            source_member=net.yi, until__isnull=True, target_household=net.a1_households[40]
        ).count()
        == 1
    )


def test_it_shows_a_refusal_on_the_page(cast: Any, net: Any) -> None:
    c = client(cast, "head_a")
    data = {"level": "member", "source": str(net.central.pk), "target": str(net.ding.public_id)}
    before = state()
    r = c.post("/party/links/new/", data)
    assert r.status_code == 200
    assert (
        "This cannot be linked to at this level." in r.content.decode()
        or "不能" in r.content.decode()
    )
    assert state() == before


def test_it_lists_who_is_out_of_range_on_the_check_page(cast: Any, net: Any) -> None:
    page = client(cast, "worker_a1").get("/party/check/", {"grid": cast.a1.code}).content.decode()
    # 党丙 links 3 households (under), 党甲 none (unlinked); 群众丁 is no party member.
    assert "党丙" in page and "党甲" in page
    assert "群众丁" not in page


def test_it_renders_the_tree_in_a_fixed_number_of_queries(
    cast: Any, net: Any, django_assert_num_queries: Any
) -> None:
    c = client(cast, "head_a")
    c.get("/party/")
    with django_assert_num_queries(8):
        # 1 session, 2 user, 3 assignments, 4 "holds a role anywhere", 5 organisations with
        # their grids, 6 posts with holders, 7 central households with keepers and
        # households: whatever the size of the network.
        # 8 the unread notices in the header (notices.context): one COUNT.
        r = c.get("/party/")
    assert r.status_code == 200


def test_it_checks_the_pyramid_in_a_fixed_number_of_queries(
    cast: Any, net: Any, django_assert_num_queries: Any
) -> None:
    c = client(cast, "head_a")
    c.get("/party/check/")
    with django_assert_num_queries(21):
        # 1 session, 2 user, 3 assignments, 4 "holds a role anywhere"; the check: 5 posts,
        # 6-8 link counts of the three post levels, 9 central households, 10 their member
        # links, 11 party members, 12 their household links, 13 households, 14-15 those no
        # member links (count, page), 16-17 members no central links (count, page); the
        # norm: 18 grids, 19 households per grid, 20 central households per grid.
        # 21 the unread notices in the header (notices.context): one COUNT.
        r = c.get("/party/check/")
    assert r.status_code == 200
