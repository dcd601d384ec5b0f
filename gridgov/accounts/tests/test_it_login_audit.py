"""Every login, logout, timeout and refusal is in the login log, which auditors search."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import Assignment, LoginEvent, User
from gridgov.accounts.roles import Role
from gridgov.conftest import log_in

pytestmark = pytest.mark.django_db
Kind = LoginEvent.Kind
URL = "/account/logins/"


@pytest.fixture(scope="module")
def log(cast: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    """A street auditor (street A only) beside the cast's county auditor, and a few events."""
    with django_db_blocker.unblock(), transaction.atomic():
        street_auditor = User.objects.create_user("auditor_a", password="pw")
        Assignment.objects.create(user=street_auditor, grid=cast.street_a, role=Role.AUDITOR)
        at = timezone.now() - dt.timedelta(days=1)
        for username, user, kind in [
            ("worker_a1", cast.worker_a1, Kind.LOGIN),
            ("worker_b1", cast.worker_b1, Kind.FAILED),
            ("ghost", None, Kind.FAILED),
        ]:
            LoginEvent.objects.create(at=at, username=username, user=user, kind=kind)
        yield SimpleNamespace(street_auditor=street_auditor)
        transaction.set_rollback(True)


def test_it_records_login_logout_and_a_timeout(cast: Any) -> None:
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.post("/login/", {"username": "dispatcher", "password": "pw"})
        client.post("/logout/")
        client.post("/login/", {"username": "dispatcher", "password": "pw"})
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        r = client.get("/grids/")
    assert r.status_code == 302
    assert r["Location"].startswith("/login/?next=")
    assert "_auth_user_id" not in client.session
    assert list(
        LoginEvent.objects.filter(username="dispatcher")
        .order_by("id")
        .values_list("kind", flat=True)
    ) == [Kind.LOGIN, Kind.LOGOUT, Kind.LOGIN, Kind.TIMEOUT]


def test_it_ends_a_session_at_its_full_lifetime_even_when_busy(cast: Any) -> None:
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.post("/login/", {"username": "auditor", "password": "pw"})
    for minutes in range(20, 600, 20):  # a request every 20 minutes, for ten hours
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert client.get("/account/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=601), tick=False):
        assert client.get("/account/").status_code == 302


def test_it_refuses_the_log_to_anonymous_and_to_people_without_the_right(
    cast: Any, log: Any
) -> None:
    assert Client().get(URL)["Location"] == f"/login/?next={URL}"
    for who in (cast.worker_a1, cast.head_a, cast.nobody):
        assert log_in(Client(), who).get(URL).status_code == 403


def test_it_shows_a_county_auditor_everyone_and_unknown_usernames(cast: Any, log: Any) -> None:
    r = log_in(Client(), cast.auditor).get(URL, {"kind": "failed"})
    page = r.context["page"]
    assert sorted(e.username for e in page.object_list) == ["ghost", "worker_b1"]
    assert "无此账户" in r.content.decode()


def test_it_shows_a_street_auditor_only_the_people_of_the_street(cast: Any, log: Any) -> None:
    r = log_in(Client(), log.street_auditor).get(URL)
    assert [e.username for e in r.context["page"].object_list] == ["worker_a1"]


def test_it_searches_by_username_address_and_dates(cast: Any, log: Any) -> None:
    client = log_in(Client(), cast.admin)
    found = client.get(URL, {"username": "WORKER"}).context["page"].object_list
    assert sorted(e.username for e in found) == ["worker_a1", "worker_b1"]
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert len(client.get(URL, {"since": day, "until": day}).context["page"].object_list) == 3
    r = client.get(URL, {"address": "not-an-address"})
    assert r.context["page"] is None
    assert r.context["form"].errors["address"]


def test_it_shows_people_their_own_recent_logins(cast: Any, log: Any) -> None:
    r = log_in(Client(), cast.worker_a1).get("/account/")
    assert [e.kind for e in r.context["events"]] == [Kind.LOGIN]
