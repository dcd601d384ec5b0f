"""/api/v1/assessment: the sets, a ranking, a card, a head's score; the rights matrix
(anonymous / no right / out of scope / in scope) on each."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.assessment.models import Indicator, ManualScore
from gridgov.core.models import AuditEntry

pytestmark = pytest.mark.django_db
ON = "2025-03-15"


def api(cast: Any, who: str | None) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}") if who else Client()


def test_it_lists_the_sets(cast: Any) -> None:
    assert api(cast, None).get("/api/v1/assessment/sets").status_code == 401
    r = api(cast, "worker_a1").get("/api/v1/assessment/sets")
    assert r.status_code == 200
    sets = {s["subject"]: s for s in r.json()}
    assert sets["unit"]["grades"] == {"A": 90, "B": 75, "C": 60}
    assert [i["metric"] for i in sets["unit"]["indicators"]] == [
        "closure_rate", "on_time_rate", "rework_rate"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("who", "node", "status"),
    [
        (None, "a", 401),
        ("worker_a1", "a1", 403),  # in scope, no right "assess"
        ("nobody", "community_a", 404),
        ("head_a", "community_b", 404),  # out of scope
        ("head_a", "community_a", 200),
        ("admin", "county", 200),
    ],
)
def test_it_ranks_only_where_one_may_assess(
    cast: Any, month: Any, who: str | None, node: str, status: int
) -> None:
    code = getattr(cast, node).code if hasattr(cast, node) else "640402"
    r = api(cast, who).get(f"/api/v1/assessment/ranking?node={code}&subject=grid&on={ON}")
    assert r.status_code == status, r.content


def test_it_ranks_the_child_grids(cast: Any, month: Any) -> None:
    r = api(cast, "head_a").get(
        f"/api/v1/assessment/ranking?node={cast.community_a.code}&subject=grid&on={ON}"
    )
    body = r.json()
    assert (body["start"], body["end"], body["set"]) == ("2025-03-01", "2025-03-31", "grid-head")
    assert [(x["key"], x["rank"], x["total"], x["grade"]) for x in body["rows"]] == [
        (cast.a1.code, 1, 29.17, "D"), (cast.a2.code, 2, 15.38, "D")
    ]  # fmt: skip
    first = body["rows"][0]["figures"][0]
    assert (first["metric"], first["numerator"], first["denominator"]) == ("closure_rate", 2, 2)


def test_it_shows_a_worker_their_own_card_only(cast: Any, month: Any) -> None:
    mine = f"/api/v1/assessment/card?subject=worker&key={cast.worker_a1.pk}&on={ON}"
    r = api(cast, "worker_a1").get(mine)
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["node"], body["total"], len(body["trend"])) == (cast.a1.code, 27.78, 6)
    assert body["trend"][-1] == {"period": "2025-03", "start": "2025-03-01", "total": 27.78,
                                 "grade": "D"}  # fmt: skip
    other = f"/api/v1/assessment/card?subject=worker&key={cast.worker_b1.pk}&on={ON}"
    assert api(cast, None).get(mine).status_code == 401
    assert api(cast, "worker_a1").get(other + f"&node={cast.b1.code}").status_code == 404
    assert api(cast, "worker_a1").get(other + f"&node={cast.a1.code}").status_code == 403
    assert api(cast, "head_a").get(other + f"&node={cast.community_b.code}").status_code == 404
    # A head sees the worker under their subtree; not someone who works elsewhere.
    seen = api(cast, "head_a").get(mine + f"&node={cast.community_a.code}")
    assert (seen.status_code, seen.json()["total"]) == (200, 27.78)
    assert api(cast, "head_a").get(other + f"&node={cast.community_a.code}").status_code == 404


def test_it_shows_a_grid_card_in_scope(cast: Any, month: Any) -> None:
    url = f"/api/v1/assessment/card?subject=grid&key={cast.a1.code}&on={ON}"
    assert api(cast, "worker_a1").get(url).status_code == 403
    assert api(cast, "worker_b1").get(url).status_code == 404
    assert api(cast, "head_a").get(url).json()["total"] == 29.17
    # The key must lie under the node.
    far = url + f"&node={cast.community_b.code}"
    assert api(cast, "head_a").get(far).status_code == 404


def test_it_refuses_what_the_schema_allows_without_400(cast: Any, month: Any) -> None:
    c = api(cast, "head_a")
    base = f"/api/v1/assessment/ranking?node={cast.community_a.code}&subject=grid"
    assert c.get(base + "&on=1999-12-31").status_code == 422
    assert (
        c.get(
            f"/api/v1/assessment/card?subject=unit&key=abc&node={cast.community_a.code}"
        ).status_code
        == 404
    )
    assert c.get("/api/v1/assessment/card?subject=worker&key=1").status_code == 404


def test_it_enters_a_heads_score_with_its_reason_audited(cast: Any, month: Any) -> None:
    manual = Indicator.objects.get(set__slug="grid-worker", metric="manual")
    body = {"indicator": manual.pk, "subject": str(cast.worker_a1.pk), "on": ON, "score": "80",
            "reason": "按时参加例会,台账齐全"}  # fmt: skip
    url = "/api/v1/assessment/scores"
    assert api(cast, None).post(url, body, content_type="application/json").status_code == 401
    assert (
        api(cast, "worker_a1").post(url, body, content_type="application/json").status_code == 403
    )
    other = {**body, "subject": str(cast.worker_b1.pk)}
    assert api(cast, "head_a").post(url, other, content_type="application/json").status_code == 404
    # An Arabic-Indic digit is a digit to Python, not a user id.
    arabic = {**body, "subject": "\u0661"}
    assert api(cast, "admin").post(url, arabic, content_type="application/json").status_code == 404
    computed = {
        **body,
        "indicator": Indicator.objects.get(set__slug="grid-worker", metric="closure_rate").pk,
    }
    assert (
        api(cast, "head_a").post(url, computed, content_type="application/json").status_code == 422
    )
    assert not ManualScore.objects.exists()
    r = api(cast, "head_a").post(url, body, content_type="application/json")
    assert (r.status_code, r.json()["start"]) == (200, "2025-03-01")
    m = ManualScore.objects.get()
    assert (m.score, m.grid_code, m.entered_by) == (80, cast.a1.code, cast.head_a)
    entry = AuditEntry.objects.get(action="assessment.score")
    assert (entry.before, entry.after["reason"]) == (None, "按时参加例会,台账齐全")
    # The card now counts it: (15 × 100 + 20 × 50 + 10 × 80) / 100.
    card = (
        api(cast, "worker_a1")
        .get(f"/api/v1/assessment/card?subject=worker&key={cast.worker_a1.pk}&on={ON}")
        .json()
    )
    assert card["total"] == 33.0
    assert [f["note"] for f in card["figures"] if f["metric"] == "manual"] == [
        "按时参加例会,台账齐全"
    ]


def test_it_orders_by_an_indicator_and_counts_its_queries(
    cast: Any, month: Any, django_assert_num_queries: Any
) -> None:
    c = api(cast, "head_a")
    url = f"/api/v1/assessment/ranking?node={cast.community_a.code}&subject=grid&on={ON}"
    c.get(url)  # warm: the token's last use, the network
    # 15 whatever the number of grids: the token, the scope, the node; the set and its
    # indicators; the case roll-up and the overdue running cases, the grids' names; the
    # five coverage queries and the child grids; the survey's answers grouped per child
    # grid (no manual indicator in this set).
    with django_assert_num_queries(15):
        body = c.get(url + "&sort=timely_filing_rate").json()
    # A2 files on time (100) ahead of A1 (66.67); the ranks stay the total's.
    assert [(x["key"], x["rank"]) for x in body["rows"]] == [(cast.a2.code, 2), (cast.a1.code, 1)]
    assert c.get(url + "&sort=nonsense").status_code == 422
