"""API tokens on a page: created with a name, the key shown once, listed, revoked; use and
expiry recorded."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import ApiToken
from gridgov.conftest import log_in
from gridgov.core.models import AuditEntry

pytestmark = pytest.mark.django_db
URL = "/account/tokens/"
API = "/api/v1/grids/640402001001001"


def bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_it_asks_anonymous_people_to_log_in(cast: Any) -> None:
    assert Client().get(URL)["Location"] == f"/login/?next={URL}"
    before = ApiToken.objects.count()
    assert Client().post(URL, {"name": "x"}).status_code == 302
    assert ApiToken.objects.count() == before


def test_it_creates_a_token_and_shows_its_key_once(cast: Any) -> None:
    client = log_in(Client(), cast.worker_a1)
    r = client.post(URL, {"name": "巡查终端", "expires": "30"})
    assert r.status_code == 201
    assert "no-store" in r["Cache-Control"]
    key = r.context["key"]
    assert re.fullmatch(r"gg_[\w-]{43}", key)
    token = ApiToken.objects.get(user=cast.worker_a1, name="巡查终端")
    assert token.key_hash == ApiToken.hash(key)
    assert token.expires_at.date() == (timezone.now() + dt.timedelta(days=30)).date()
    assert AuditEntry.objects.filter(action="token.create", object_key=str(token.pk)).count() == 1
    listing = client.get(URL).content.decode()
    assert key not in listing
    assert token.prefix in listing
    # The key works and its use is recorded.
    assert token.last_used_at is None
    assert Client().get(API, **bearer(key)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_it_refuses_a_blank_or_repeated_name_and_creates_nothing(cast: Any) -> None:
    client = log_in(Client(), cast.head_a)
    client.post(URL, {"name": "同步", "expires": ""})
    before = ApiToken.objects.count()
    for name in ("   ", "同步"):
        r = client.post(URL, {"name": name, "expires": "90"})
        assert r.status_code == 200
        assert r.context["form"].errors["name"]
    assert client.post(URL, {"name": "x", "expires": "7"}).context["form"].errors["expires"]
    assert ApiToken.objects.count() == before


def test_it_revokes_a_token_and_the_key_stops_working(cast: Any) -> None:
    client = log_in(Client(), cast.dispatcher)
    key = client.post(URL, {"name": "大屏", "expires": "365"}).context["key"]
    token = ApiToken.objects.get(user=cast.dispatcher, name="大屏")
    r = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert r["Location"] == URL
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert Client().get(API, **bearer(key)).status_code == 401
    assert AuditEntry.objects.filter(action="token.revoke", object_key=str(token.pk)).count() == 1


def test_it_does_not_let_anyone_revoke_another_persons_token(cast: Any) -> None:
    theirs = ApiToken.objects.filter(user=cast.worker_a1).first()
    assert theirs is not None
    client = log_in(Client(), cast.worker_b1)
    assert client.post(f"/account/tokens/{theirs.pk}/revoke/").status_code == 404
    assert client.get(f"/account/tokens/{theirs.pk}/revoke/").status_code == 405
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    assert theirs.prefix not in client.get(URL).content.decode()


def test_it_refuses_an_expired_token(cast: Any) -> None:
    _token, key = ApiToken.issue(cast.admin_a, "短期", timezone.now() + dt.timedelta(days=1))
    assert Client().get(API, **bearer(key)).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, minutes=1)):
        r = Client().get(API, **bearer(key))
    assert (r.status_code, r.json()["code"]) == (401, "unauthenticated")


def test_it_normalises_a_token_name_and_refuses_a_direction_override(cast: Any) -> None:
    client = log_in(Client(), cast.admin)
    r = client.post(URL, {"name": "同\u200b步\uff11", "expires": "30"})
    assert r.status_code == 201
    assert ApiToken.objects.filter(user=cast.admin, name="同步1").count() == 1
    before = ApiToken.objects.count()
    r = client.post(URL, {"name": "evil\u202etxt", "expires": "30"})
    assert r.status_code == 200
    assert r.context["form"].errors["name"]
    assert ApiToken.objects.count() == before
