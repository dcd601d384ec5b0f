"""The team page, giving and ending roles on it, and the 一格一員 report: anonymous / no
right / out of scope / in scope, and refusals change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import Assignment
from gridgov.conftest import log_in

pytestmark = pytest.mark.django_db
A1, A2, B1 = "640402001001001", "640402001001002", "640402002001001"


def team_url(code: str) -> str:
    return f"/teams/comprehensive/{code}/"


def test_it_asks_anonymous_people_to_log_in(cast: Any) -> None:
    assert Client().get(team_url(A1))["Location"].startswith("/login/")
    before = Assignment.objects.count()
    r = Client().post(team_url(A1) + "assign/", {"username": "nobody", "role": "volunteer"})
    assert r.status_code == 302
    assert Assignment.objects.count() == before


def test_it_hides_a_team_out_of_scope(cast: Any) -> None:
    assert log_in(Client(), cast.worker_b1).get(team_url(A1)).status_code == 404
    assert log_in(Client(), cast.nobody).get(team_url(A1)).status_code == 404
    before = Assignment.objects.count()
    r = log_in(Client(), cast.worker_b1).post(
        team_url(A1) + "assign/",
        {"username": "nobody", "role": "volunteer", "starts_on": "2026-01-01"},
    )
    assert r.status_code == 404
    assert Assignment.objects.count() == before


def test_it_shows_the_team_without_the_form_to_a_worker(cast: Any) -> None:
    r = log_in(Client(), cast.worker_a1).get(team_url(A1))
    assert r.status_code == 200
    assert [(p.role, [a.user.username for a in p.people]) for p in r.context["posts"]] == [
        ("grid_worker", ["worker_a1"])
    ]
    assert r.context["assign_form"] is None
    before = Assignment.objects.count()
    r = log_in(Client(), cast.worker_a1).post(
        team_url(A1) + "assign/",
        {"username": "nobody", "role": "volunteer", "starts_on": "2026-01-01"},
    )
    assert r.status_code == 403
    assert Assignment.objects.count() == before


def test_it_lets_the_head_give_and_end_a_role(cast: Any) -> None:
    client = log_in(Client(), cast.head_a)
    page = client.get(team_url(A2))
    roles = [value for value, _label in page.context["assign_form"].fields["role"].choices]
    assert "grid_worker" in roles
    assert "administrator" not in roles  # not the head's to give
    r = client.post(
        team_url(A2) + "assign/",
        {"username": "nobody", "role": "grid_worker", "starts_on": "2026-01-05", "note": "新聘"},
    )
    assert r["Location"] == team_url(A2)
    a = Assignment.objects.get(user=cast.nobody, grid=cast.a2)
    assert (a.role, a.starts_on, a.note) == ("grid_worker", dt.date(2026, 1, 5), "新聘")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    r = client.post(f"/teams/assignments/{a.pk}/end/", {"ends_on": yesterday.isoformat()})
    assert r["Location"] == team_url(A2)
    a.refresh_from_db()
    assert a.ends_on == yesterday
    on_day = client.get(team_url(A2), {"on": "2026-02-01"})
    assert [x.user.username for p in on_day.context["posts"] for x in p.people] == ["nobody"]


def test_it_says_which_field_is_wrong(cast: Any) -> None:
    client = log_in(Client(), cast.head_a)
    before = Assignment.objects.count()
    r = client.post(team_url(A2) + "assign/", {"username": "ghost", "role": "grid_worker"})
    assert r.status_code == 400
    assert set(r.context["assign_form"].errors) == {"username", "starts_on"}
    r = client.post(
        team_url(A2) + "assign/",
        {"username": "nobody", "role": "administrator", "starts_on": "2026-01-01"},
    )
    assert set(r.context["assign_form"].errors) == {"role"}
    assert Assignment.objects.count() == before
    assert client.get(team_url(A2), {"on": "yesterday"}).context["on_error"]


def test_it_does_not_let_an_outsider_end_a_role(cast: Any) -> None:
    a = Assignment.objects.get(user=cast.worker_a1, grid=cast.a1)
    assert (
        log_in(Client(), cast.worker_b1).post(f"/teams/assignments/{a.pk}/end/", {}).status_code
        == 404
    )
    assert (
        log_in(Client(), cast.worker_a1)
        .post(f"/teams/assignments/{a.pk}/end/", {"ends_on": timezone.localdate().isoformat()})
        .status_code
        == 403
    )
    a.refresh_from_db()
    assert a.ends_on is None


def test_it_reports_the_grids_without_a_worker(cast: Any) -> None:
    r = log_in(Client(), cast.dispatcher).get("/teams/comprehensive/640402/uncovered/")
    assert (r.context["total"], r.context["covered"]) == (3, 2)
    assert "甲社区第2网格" in r.content.decode()
    assert (
        log_in(Client(), cast.worker_b1)
        .get("/teams/comprehensive/640402001/uncovered/")
        .status_code
        == 404
    )
