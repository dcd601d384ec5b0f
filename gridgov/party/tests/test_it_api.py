"""/api/v1/party: the rights matrix on every endpoint (anonymous 401, no role, out of scope
404, no right 403, in scope), refusals changing nothing, the check's content, and query
counts of the lists."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from gridgov.core.models import AuditEntry
from gridgov.party.models import CentralHousehold, Link, PartyOrg, Post

pytestmark = pytest.mark.django_db
API = "/api/v1/party"


def call(cast: Any, who: str | None, method: str, url: str, body: Any = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {cast.tokens[who]}"} if who else {}
    c = Client()
    if method == "get":
        return c.get(API + url, body or {}, **headers)
    return c.post(API + url, json.dumps(body or {}), content_type="application/json", **headers)


def state() -> tuple[int, ...]:
    return (
        PartyOrg.objects.filter(dissolved_on__isnull=True).count(),
        Post.objects.filter(until__isnull=True).count(),
        CentralHousehold.objects.filter(until__isnull=True).count(),
        Link.objects.filter(until__isnull=True).count(),
        AuditEntry.objects.count(),
    )


def reads(cast: Any, net: Any) -> list[tuple[str, dict[str, str]]]:
    a1 = {"grid": cast.a1.code}
    return [
        ("/orgs", a1),
        (f"/orgs/{net.group.pk}", {}),
        ("/links", a1),
        ("/check", a1),
        ("/norm", a1),
    ]


def writes(cast: Any, net: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every change the API makes, with a valid body, on something of A1."""
    return [
        (
            "/orgs",
            {"kind": "group", "name": "新党小组", "grid": cast.a1.code, "parent": net.branch.pk},
        ),
        (
            f"/orgs/{net.group.pk}/posts",
            {"role": "group_leader", "resident": str(net.yi.public_id)},
        ),
        (
            f"/orgs/{net.group.pk}/centrals",
            {"kind": "model_post", "name": "示范岗", "keeper": str(net.yi.public_id)},
        ),
        (
            "/links",
            {
                "level": "household",
                "source": str(net.yi.public_id),
                "target": str(net.a1_households[50].public_id),
            },
        ),
        (f"/links/{net.l_yi.pk}/end", {}),
        (f"/posts/{net.committee.pk}/end", {}),
        (f"/centrals/{net.central.pk}/end", {}),
        (f"/orgs/{net.group.pk}/dissolve", {}),
    ]


def test_it_asks_anonymous_callers_to_authenticate(cast: Any, net: Any) -> None:
    before = state()
    for url, q in reads(cast, net):
        assert call(cast, None, "get", url, q).status_code == 401
    for url, body in writes(cast, net):
        assert call(cast, None, "post", url, body).status_code == 401
    assert state() == before


def test_it_finds_nothing_for_someone_without_a_role(cast: Any, net: Any) -> None:
    before = state()
    assert call(cast, "nobody", "get", "/orgs").json() == {"items": []}
    assert call(cast, "nobody", "get", f"/orgs/{net.group.pk}").status_code == 404
    assert call(cast, "nobody", "get", "/check", {"grid": cast.a1.code}).status_code == 404
    assert [
        call(cast, "nobody", "post", url, body).status_code for url, body in writes(cast, net)
    ] == [404] * 8
    assert state() == before


def test_it_hides_another_communitys_network(cast: Any, net: Any) -> None:
    before = state()
    for url, q in reads(cast, net)[1:]:
        assert call(cast, "worker_b1", "get", url, q).status_code == 404, url
    statuses = [
        call(cast, "worker_b1", "post", url, body).status_code for url, body in writes(cast, net)
    ]
    assert statuses == [404] * 8
    names = [o["name"] for o in call(cast, "worker_b1", "get", "/orgs").json()["items"]]
    assert names == ["乙社区第1网格党支部"]
    assert state() == before


def test_it_refuses_changes_without_the_right(cast: Any, net: Any) -> None:
    before = state()
    for url, q in reads(cast, net):
        assert call(cast, "worker_a1", "get", url, q).status_code == 200, url
    statuses = [
        call(cast, "worker_a1", "post", url, body).status_code for url, body in writes(cast, net)
    ]
    assert statuses == [403] * 8
    assert state() == before


def test_it_lets_the_grid_head_change_the_network(cast: Any, net: Any) -> None:
    before = state()
    answers = [call(cast, "head_a", "post", url, body) for url, body in writes(cast, net)[:7]]
    assert [r.status_code for r in answers] == [201, 201, 201, 201, 200, 200, 200]
    assert answers[0].json()["parent"] == net.branch.pk
    assert answers[3].json()["source"] == str(net.yi.public_id)
    assert answers[5].json()["until"] is not None
    # Dissolving the group is refused while its leader and designations are in force.
    refused = call(cast, "head_a", "post", *writes(cast, net)[7])
    assert (refused.status_code, refused.json()["code"]) == (409, "in_use")
    orgs, posts, centrals, links, entries = before
    # +1 group; +1 post −1 ended; +1 model post −1 ended; links: +1, −1 ended (l_yi), −1
    # with the committee post (l_group), −2 with the central household (l_bing from it,
    # l_central to it). Audit entries: 4 creations, 3 ends, 3 links ended with them.
    assert state() == (orgs + 1, posts, centrals, links + 1 - 1 - 1 - 2, entries + 4 + 3 + 3)


def test_it_answers_refusals_in_the_error_shape(cast: Any, net: Any) -> None:
    body = {"level": "member", "source": str(net.central.pk), "target": str(net.ding.public_id)}
    r = call(cast, "head_a", "post", "/links", body)
    assert r.status_code == 422
    assert r.json() == {"code": "bad_target", "message": r.json()["message"], "field": "target"}
    r = call(cast, "head_a", "post", "/links", {**body, "level": "nonsense"})
    assert (r.status_code, r.json()["field"]) == (422, "level")
    r = call(cast, "head_a", "get", f"/orgs/{2**62 + 1}")
    assert r.status_code == 422


def test_it_reports_the_pyramid_of_a_grid(cast: Any, net: Any) -> None:
    r = call(cast, "worker_a1", "get", "/check", {"grid": cast.a1.code}).json()
    levels = {lv["level"]: lv for lv in r["levels"]}
    assert levels["household"]["tally"] == {"ok": 1, "under": 1, "over": 0, "unlinked": 1}
    assert [(p["label"], p["count"], p["verdict"]) for p in levels["household"]["problems"]] == [
        ("党甲", 0, "unlinked"),
        ("党丙", 3, "under"),
    ]
    assert levels["member"]["problems"][0]["verdict"] == "under"
    assert (levels["member"]["low"], levels["member"]["high"]) == (5, 10)
    assert r["households"] == 350 and r["unlinked_households"] == 350 - 15
    # 党甲 is linked by no central household (党乙, 党丙 are).
    assert (r["members"], r["members_without_central"]) == (3, 1)
    assert r["member_ids"] == [str(net.jia.public_id)]
    norm = call(cast, "worker_a1", "get", "/norm", {"grid": cast.a1.code}).json()
    assert norm["items"] == [
        {
            "grid_code": cast.a1.code,
            "name": "甲社区第1网格",
            "households": 350,
            "centrals": 1,
            "fewest": 24,
            "most": 35,
            "verdict": "under",
        }
    ]


def test_it_lists_in_a_fixed_number_of_queries(
    cast: Any, net: Any, django_assert_num_queries: Any
) -> None:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {cast.tokens['head_a']}"}
    c = Client()
    c.get(API + "/orgs", **headers)  # the token's last use is written once a minute at most
    with django_assert_num_queries(3):
        # 1 the token with its user, 2 assignments, 3 organisations.
        assert c.get(API + "/orgs", **headers).status_code == 200
    with django_assert_num_queries(4):
        # 1 token, 2 assignments, 3 the links with both ends joined, 4 their count.
        assert c.get(API + "/links", **headers).json()["count"] == 20
