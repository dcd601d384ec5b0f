"""Failed logins are limited per account and per client address, and recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone

from gridgov.accounts.models import LoginEvent

pytestmark = pytest.mark.django_db
Kind = LoginEvent.Kind


def attempt(username: str, password: str, address: str = "10.1.1.1") -> Any:
    client = Client()
    response = client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return client, response


def kinds(username: str) -> list[str]:
    return list(
        LoginEvent.objects.filter(username=username)
        .order_by("at", "id")
        .values_list("kind", flat=True)
    )


def test_it_logs_in_with_the_right_password_and_records_it(cast: Any) -> None:
    _client, r = attempt("worker_a1", "pw")
    assert r.status_code == 302
    assert r["Location"] == "/grids/"
    event = LoginEvent.objects.get(username="worker_a1")
    assert (event.kind, event.user, event.address) == (Kind.LOGIN, cast.worker_a1, "10.1.1.1")


def test_it_refuses_the_sixth_try_after_five_failures_even_with_the_right_password(
    cast: Any,
) -> None:
    for _ in range(5):
        _client, r = attempt("worker_a1", "wrong")
        assert r.status_code == 200
        assert "_auth_user_id" not in _client.session
    client, r = attempt("worker_a1", "pw")
    assert r.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "登录失败次数过多" in r.content.decode()
    assert kinds("worker_a1") == [Kind.FAILED] * 5 + [Kind.LOCKED]


def test_it_lets_the_account_in_again_once_the_window_has_passed(cast: Any) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            attempt("head_a", "wrong")
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert attempt("head_a", "pw")[1].status_code == 200  # still locked
    with time_machine.travel(start + dt.timedelta(minutes=15, seconds=1), tick=False):
        _client, r = attempt("head_a", "pw")
    assert r.status_code == 302
    assert kinds("head_a") == [Kind.FAILED] * 5 + [Kind.LOCKED, Kind.LOGIN]


def test_it_forgets_failures_before_a_successful_login(cast: Any) -> None:
    for _ in range(4):
        attempt("admin_a", "wrong")
    attempt("admin_a", "pw")
    for _ in range(4):
        attempt("admin_a", "wrong")
    assert attempt("admin_a", "pw")[1].status_code == 302


def test_it_limits_one_address_spraying_many_accounts(cast: Any) -> None:
    with override_settings(LOGIN_MAX_FAILURES_PER_ADDRESS=3):
        for name in ("ghost1", "ghost2", "ghost3"):
            attempt(name, "wrong", address="10.9.9.9")
        # Another account, right password, same address: refused.
        assert attempt("dispatcher", "pw", address="10.9.9.9")[1].status_code == 200
        # The same account from elsewhere: let in.
        assert attempt("dispatcher", "pw", address="10.9.9.10")[1].status_code == 302
    assert kinds("dispatcher") == [Kind.LOCKED, Kind.LOGIN]
    assert LoginEvent.objects.get(username="ghost1").user is None


def test_it_takes_the_address_from_the_proxy_header_only_when_configured(cast: Any) -> None:
    with override_settings(GRIDGOV_CLIENT_ADDRESS_HEADER="", CLIENT_ADDRESS_HEADER="X-Real-IP"):
        Client().post(
            "/login/", {"username": "auditor", "password": "x"}, HTTP_X_REAL_IP="203.0.113.7"
        )
    Client().post("/login/", {"username": "auditor", "password": "x"}, HTTP_X_REAL_IP="203.0.113.7")
    assert list(
        LoginEvent.objects.filter(username="auditor")
        .order_by("id")
        .values_list("address", flat=True)
    ) == ["203.0.113.7", "127.0.0.1"]
