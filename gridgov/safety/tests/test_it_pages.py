"""/safety/ pages: the month, recording and reversing a violation, closing, the bulletin,
the export, a member's own page; the rights matrix; refusals change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.conftest import log_in
from gridgov.safety.models import Deduction, MonthClose, Violation

pytestmark = pytest.mark.django_db


def page(ent: Any, cast: Any, who: str | None) -> Client:
    client = Client()
    if who:
        log_in(client, getattr(ent, who, None) or getattr(cast, who))
    return client


def _counts() -> tuple[int, int, int]:
    return Violation.objects.count(), Deduction.objects.count(), MonthClose.objects.count()


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("worker_b1", 404), ("dispatcher", 403), ("a", 403), ("boss", 200)],
)
def test_it_shows_the_month_to_the_heads(ent: Any, cast: Any, who: str | None, status: int) -> None:
    for url in (f"/safety/{ent.e.code}/?month=2025-03", f"/safety/{ent.e.code}/bulletin/2025-03/"):
        r = page(ent, cast, who).get(url)
        assert r.status_code == status, url
    if status == 200:
        r = page(ent, cast, who).get(f"/safety/{ent.e.code}/?month=2025-03")
        html = r.content.decode()
        assert "外来施工人员" in html  # the outsider as described, on the heads' page
        assert "170" in html and "合成班组" in html


def test_it_records_a_violation_from_the_form_or_names_the_field(ent: Any, cast: Any) -> None:
    client = page(ent, cast, "officer")
    url = f"/safety/{ent.e.code}/violations/new/"
    assert client.get(url).status_code == 200
    before = _counts()
    data = {"grid": ent.p112.code, "rule": "R1", "happened_on": "2025-04-03",
            "violator": ent.c.pk, "outsider": "某人"}  # fmt: skip
    r = client.post(url, data)
    assert r.status_code == 400 and _counts() == before
    assert "violator" in r.content.decode()
    data.pop("outsider")
    data["stoppers"] = [ent.a.pk]  # not of P112
    r = client.post(url, data)
    assert r.status_code == 400 and _counts() == before
    data["stoppers"] = []
    r = client.post(url, data)
    assert r.status_code == 302 and _counts()[0] == before[0] + 1
    assert page(ent, cast, "a").get(url).status_code == 403
    assert page(ent, cast, "worker_b1").get(url).status_code == 404


def test_it_reverses_and_closes_for_the_heads_only(ent: Any, cast: Any) -> None:
    v = Violation.objects.filter(happened_on__month=4).first() or ent.month.v1
    url = f"/safety/{ent.e.code}/violations/{v.public_id}/reverse/"
    before = _counts()
    assert page(ent, cast, "dispatcher").post(url, {"reason": "x"}).status_code == 403
    assert page(ent, cast, "worker_b1").post(url, {"reason": "x"}).status_code == 404
    assert _counts() == before
    close = f"/safety/{ent.e.code}/close/"
    assert page(ent, cast, "h1").post(close, {"month": "2025-03"}).status_code == 403
    boss = page(ent, cast, "boss")
    r = boss.post(close, {"month": "2025-03"})  # three tie: refused, nothing closed
    assert r.status_code == 302 and not MonthClose.objects.exists()
    r = boss.post(close, {"month": "2025-03", "model": ent.h1.pk, "note": "班组推荐"})
    assert r.status_code == 302 and MonthClose.objects.get().model_id == ent.h1.pk
    html = boss.get(f"/safety/{ent.e.code}/bulletin/2025-03/").content.decode()
    assert "H1" in html and "生产部" in html


def test_it_exports_the_month_and_shows_a_member_their_own(ent: Any, cast: Any) -> None:
    r = page(ent, cast, "boss").post(f"/safety/{ent.e.code}/export/", {"month": "2025-03"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    assert (
        page(ent, cast, "dispatcher")
        .post(f"/safety/{ent.e.code}/export/", {"month": "2025-03"})
        .status_code
        == 403
    )
    r = page(ent, cast, "a").get(f"/safety/{ent.e.code}/mine/?month=2025-03")
    assert r.status_code == 200
    assert "92" in r.content.decode()
    assert page(ent, cast, "worker_b1").get(f"/safety/{ent.e.code}/mine/").status_code == 404
    assert page(ent, cast, "a").get("/safety/").status_code == 302


def test_it_sends_an_enterprise_head_away_from_the_grid_rankings(ent: Any, cast: Any) -> None:
    # The ranking opens on a comprehensive grid; an enterprise's head has none: refused
    # (403), not "not found".
    assert page(ent, cast, "boss").get("/assessment/").status_code == 403
