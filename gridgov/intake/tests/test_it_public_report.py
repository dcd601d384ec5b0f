"""The residents' report page behind a grid's QR code (no login), its rate limit per client
address, and the follow page that shows progress without anyone's personal data."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from gridgov.cases import services as cases
from gridgov.cases.models import Case, Category
from gridgov.intake import services
from gridgov.intake.models import ReportQuota

pytestmark = pytest.mark.django_db


def page(cast: Any, code: str | None = None) -> str:
    return f"/report/{code or cast.a1.code}/"


def send(cast: Any, addr: str = "203.0.113.7", code: str | None = None, **change: Any) -> Any:
    client = Client(REMOTE_ADDR=addr)
    data = {"category": Category.objects.get(code="0101").pk, "description": "垃圾桶满了"}
    return client.post(page(cast, code), {**data, **change})


def test_it_shows_the_form_to_anyone_under_a_strict_policy(cast: Any) -> None:
    r = Client().get(page(cast))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html and cast.a1.name in html
    policy = r["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert not re.search(r"<script>|<style|\sstyle=", html)
    assert Client().get("/report/640402999999999/").status_code == 404
    outline = Client().get(f"/report/{cast.a1.code}/outline.geojson").json()
    assert outline["features"][0]["properties"] == {
        "role": "node", "code": cast.a1.code, "name": cast.a1.name,
    }  # fmt: skip


def test_it_refuses_a_post_without_the_csrf_token(cast: Any) -> None:
    before = Case.objects.count()
    client = Client(enforce_csrf_checks=True)
    r = client.post(page(cast), {"category": 1, "description": "x"})
    assert r.status_code == 403
    assert Case.objects.count() == before


def test_it_files_a_report_on_the_posters_grid_and_sends_to_the_follow_page(cast: Any) -> None:
    r = send(cast)
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/report/follow/{case.public_id}/"
    assert (case.grid_code, case.source, case.reporter, case.lon, case.lat) == (
        cast.a1.code,
        "resident",
        None,
        None,
        None,
    )
    assert case.events.get().actor is None


def test_it_files_a_located_report_on_the_grid_at_the_point(cast: Any) -> None:
    send(cast, lon="106.15", lat="36.2", place="菜市场门口")  # in A2, from A1's poster
    case = Case.objects.get()
    assert (case.grid_code, case.lon, case.lat, case.address) == (
        cast.a2.code,
        106.15,
        36.2,
        "菜市场门口",
    )


def test_it_refuses_bad_reports_next_to_the_field(cast: Any) -> None:
    for change, status in (
        ({"lon": "120.0", "lat": "30.0"}, 422),  # outside the district
        ({"lon": "106.15"}, 400),
        ({"description": ""}, 400),
    ):
        r = send(cast, **change)
        assert r.status_code == status, change
        assert 'class="error"' in r.content.decode()
    assert Case.objects.count() == 0
    assert ReportQuota.objects.count() == 0  # a refused report uses none of the limit


@override_settings(PUBLIC_REPORTS_PER_HOUR=2)
def test_it_limits_reports_per_address_and_hour(cast: Any) -> None:
    assert [send(cast).status_code for _ in range(3)] == [302, 302, 429]
    assert Case.objects.count() == 2
    assert send(cast, addr="198.51.100.1").status_code == 302  # another address
    # Only a keyed hash of the address is kept.
    assert ReportQuota.objects.filter(count=2).count() == 1
    assert not ReportQuota.objects.filter(key__contains="203.0.113.7").exists()


def test_it_counts_hours_apart_and_forgets_old_ones() -> None:
    key, now = services.address_key("203.0.113.7"), timezone.now()
    assert [services.take(key, now, 1) for _ in range(2)] == [True, False]
    later = now + dt.timedelta(hours=1)
    assert services.take(key, later, 1) is True
    assert services.take(key, now + dt.timedelta(days=2), 1) is True  # deletes the old rows
    assert ReportQuota.objects.count() == 1
    assert services.take(key, now, 0) is False  # 0 closes the page


@override_settings(PUBLIC_REPORTS_PER_HOUR=0)
def test_it_can_be_closed(cast: Any) -> None:
    assert send(cast).status_code == 429
    assert Case.objects.count() == 0


def test_it_follows_progress_without_names_notes_or_the_description(cast: Any) -> None:
    send(cast, description="我家楼下垃圾，我是王五")
    case = Case.objects.get()
    cases.act(case=case, actor=cast.head_a, action="file", note="交给张三处理")
    r = Client().get(f"/report/follow/{case.public_id}/")
    html = r.content.decode()
    assert r.status_code == 200 and case.number in html
    for secret in ("王五", "张三", "head_a", cast.a1.code):
        assert secret not in html
    assert r["Cache-Control"] == "private, no-cache"
    assert Client().get("/report/follow/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_it_links_the_board_to_the_report_page(cast: Any) -> None:
    r = Client().get(f"/teams/board/{cast.a1.code}/")
    assert f'href="/report/{cast.a1.code}/"' in r.content.decode()
