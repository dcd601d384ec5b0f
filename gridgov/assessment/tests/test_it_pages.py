"""/assessment/: the ranking page, its xlsx export, the score card; the rights matrix."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from gridgov.conftest import log_in
from gridgov.core.models import AuditEntry

pytestmark = pytest.mark.django_db
ON = "2025-03-15"


def page(who: Any) -> Client:
    return log_in(Client(), who) if who else Client()


def test_it_ranks_the_child_grids_in_chinese(cast: Any, month: Any) -> None:
    r = page(cast.head_a).get(f"/assessment/?node={cast.community_a.code}&subject=grid&on={ON}")
    assert r.status_code == 200
    html = r.content.decode()
    assert "考核" in html and "甲社区第1网格" in html and "29.17" in html
    assert f"/assessment/card/grid/{cast.a1.code}/" in html
    assert 'class="grade grade-D"' in html


@pytest.mark.parametrize(
    ("who", "node", "status"),
    [("worker_a1", "a1", 403), ("worker_b1", "community_a", 404), ("head_a", "b1", 404)],
)
def test_it_refuses_the_ranking(cast: Any, month: Any, who: str, node: str, status: int) -> None:
    code = getattr(cast, node).code
    assert page(getattr(cast, who)).get(f"/assessment/?node={code}&on={ON}").status_code == status


def test_it_sends_the_anonymous_to_log_in_and_a_worker_to_their_card(cast: Any, month: Any) -> None:
    assert page(None).get("/assessment/").status_code == 302
    r = page(cast.worker_a1).get("/assessment/")
    assert r.status_code == 302 and r["Location"].endswith("/assessment/mine/")
    r = page(cast.worker_a1).get("/assessment/mine/")
    assert r["Location"] == f"/assessment/card/worker/{cast.worker_a1.pk}/?node={cast.a1.code}"


def test_it_shows_a_card_with_its_figures_links_and_trend(cast: Any, month: Any) -> None:
    r = page(cast.worker_a1).get(
        f"/assessment/card/worker/{cast.worker_a1.pk}/?node={cast.a1.code}&on={ON}"
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "70 / 350" in html and "/visits/?" in html and "/cases/indicators/?" in html
    assert "<svg" in html and "2024-10" in html and "<script>" not in html
    assert page(None).get(f"/assessment/card/grid/{cast.a1.code}/").status_code == 302
    other = f"/assessment/card/worker/{cast.worker_b1.pk}/?node={cast.b1.code}&on={ON}"
    assert page(cast.worker_a1).get(other).status_code == 404
    assert page(cast.head_a).get(other).status_code == 404
    mine = f"/assessment/card/grid/{cast.a1.code}/?on={ON}"
    assert page(cast.worker_a1).get(mine).status_code == 403
    assert page(cast.head_a).get(mine).status_code == 200
    assert page(cast.head_a).get("/assessment/card/nonsense/1/").status_code == 404


def test_it_exports_the_ranking_audited(cast: Any, month: Any) -> None:
    from openpyxl import load_workbook

    data = {"node": cast.community_a.code, "subject": "grid", "kind": "month", "on": ON}
    assert page(None).post("/assessment/export/", data).status_code == 302  # to log in
    assert (
        page(cast.worker_a1).post("/assessment/export/", {**data, "node": cast.a1.code}).status_code
        == 403
    )
    assert page(cast.worker_b1).post("/assessment/export/", data).status_code == 404
    assert not AuditEntry.objects.filter(action="assessment.export").exists()
    r = page(cast.head_a).post("/assessment/export/", data)
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("名次", "名称", "编码") and rows[0][-2:] == ("综合得分", "等级")
    assert [(x[0], x[1], x[-2], x[-1]) for x in rows[1:]] == [
        (1, "甲社区第1网格", 29.17, "D"), (2, "甲社区第2网格", 15.38, "D")
    ]  # fmt: skip
    assert AuditEntry.objects.filter(action="assessment.export").count() == 1


def test_it_lets_a_head_score_a_worker_from_the_card(cast: Any, month: Any) -> None:
    from gridgov.assessment.models import Indicator, ManualScore

    card = f"/assessment/card/worker/{cast.worker_a1.pk}/?node={cast.community_a.code}&on={ON}"
    assert "score-form" in page(cast.head_a).get(card).content.decode()
    own = f"/assessment/card/worker/{cast.worker_a1.pk}/?node={cast.a1.code}&on={ON}"
    assert "score-form" not in page(cast.worker_a1).get(own).content.decode()
    manual = Indicator.objects.get(set__slug="grid-worker", metric="manual")
    data = {"indicator": manual.pk, "kind": "month", "on": "2025-03-01",
            "node": cast.community_a.code, "score": "80", "reason": "台账齐全"}  # fmt: skip
    url = f"/assessment/card/worker/{cast.worker_a1.pk}/score/"
    assert page(None).post(url, data).status_code == 302  # to the login page
    assert page(cast.worker_a1).post(url, data).status_code == 403
    other = f"/assessment/card/worker/{cast.worker_b1.pk}/score/"
    assert page(cast.head_a).post(other, data).status_code == 404
    assert not ManualScore.objects.exists()
    r = page(cast.head_a).post(url, data)
    assert r.status_code == 302 and r["Location"].startswith(
        f"/assessment/card/worker/{cast.worker_a1.pk}/?kind=month&on=2025-03-01"
    )
    assert ManualScore.objects.get().reason == "台账齐全"
    html = page(cast.head_a).get(r["Location"]).content.decode()
    assert "33.0" in html and "台账齐全" in html
