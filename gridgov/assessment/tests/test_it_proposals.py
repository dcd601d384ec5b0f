"""The year's proposals for grid workers: the rules on constructed cards, the page and its
export with the rights matrix."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.assessment.proposals import propose
from gridgov.assessment.queries import Card
from gridgov.conftest import log_in

pytestmark = pytest.mark.django_db


def _card(total: float | None, grade: str) -> Card:
    return Card(subject="worker", key="1", label="甲", total=total, grade=grade)


@pytest.mark.parametrize(
    ("grade", "quarters", "commended", "renewal"),
    [
        ("A", ["A", "A", "B", "A"], True, "renew"),
        ("B", ["B", "D", "B", "D"], False, "review"),  # passed, but two quarters graded D
        ("C", ["C", "D", "C", "C"], False, "renew"),
        ("D", ["D", "C", "D", "D"], False, "not_renew"),
        ("", ["", "", "", ""], False, "none"),
    ],
)
def test_it_proposes_from_the_grades(
    grade: str, quarters: list[str], commended: bool, renewal: str
) -> None:
    p = propose(_card(95.0 if grade else None, grade), quarters)
    assert (p.pay, p.commendation, p.renewal) == (grade, commended, renewal)


def test_it_shows_the_year_to_the_heads(cast: Any, month: Any) -> None:
    url = f"/assessment/proposals/?node={cast.community_a.code}&year=2025"
    head = log_in(Client(), cast.head_a)
    r = head.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert f"/assessment/card/worker/{cast.worker_a1.pk}/" in html and "kind=year" in html
    r = head.post("/assessment/proposals/export/", {"node": cast.community_a.code, "year": 2025})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    assert (
        log_in(Client(), cast.worker_a1)
        .get(f"/assessment/proposals/?node={cast.a1.code}&year=2025")
        .status_code
        == 403
    )
    assert log_in(Client(), cast.worker_b1).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    assert (
        head.get(f"/assessment/proposals/?node={cast.community_a.code}&year=1999").status_code
        == 400
    )
