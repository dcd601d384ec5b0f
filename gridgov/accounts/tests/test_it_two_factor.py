"""Two factors (TOTP + recovery codes): required for superusers and holders of the rights to
change grids or see personal data, optional for others; asked for by the pages, the API's
session auth and /admin/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridgov.accounts.models import LoginEvent

pytestmark = pytest.mark.django_db
Kind = LoginEvent.Kind
ENROL = "/account/two-factor/"


@pytest.fixture(autouse=True)
def _enforced() -> Iterator[None]:
    with override_settings(TWO_FACTOR_ENFORCED=True):
        yield


class Clock:
    """Moves time on by a TOTP step between codes: a code is good once, in its step."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def step(self, seconds: int = 31) -> time_machine.travel:
        self.now += dt.timedelta(seconds=seconds)
        return time_machine.travel(self.now, tick=False)


def code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:06d}"


def log_in(username: str) -> tuple[Client, Any]:
    client = Client()
    return client, client.post("/login/", {"username": username, "password": "pw"})


def enrol(client: Client, clock: Clock) -> list[str]:
    with clock.step():
        client.get(ENROL)
        device = TOTPDevice.objects.get(user__username=_username(client), confirmed=False)
        r = client.post(ENROL, {"action": "enrol", "code": code(device), "next": "/grids/"})
    assert r.status_code == 200
    return r.context["codes"]


def _username(client: Client) -> str:
    from gridgov.accounts.models import User

    return User.objects.get(pk=client.session["_auth_user_id"]).username


def test_it_sends_a_superuser_to_enrol_before_anything_else(cast: Any) -> None:
    client, r = log_in("admin")
    assert r["Location"] == "/account/two-factor/?next=%2Fgrids%2F"
    assert client.get("/grids/")["Location"] == "/account/two-factor/?next=%2Fgrids%2F"
    assert client.get("/admin/")["Location"].startswith("/account/two-factor/")
    api = client.get("/api/v1/grids/640402")
    assert (api.status_code, api.json()["code"]) == (401, "second_factor_required")
    # A token is a credential of its own, made after a verified login: it still works.
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {cast.tokens['admin']}"}
    assert Client().get("/api/v1/grids/640402", **bearer).status_code == 200


def test_it_enrols_with_a_code_and_shows_ten_recovery_codes_once(cast: Any) -> None:
    clock = Clock()
    client, _r = log_in("admin_a")  # a grid administrator: may change grids
    with clock.step():
        page = client.get(ENROL)
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=cast.admin_a, confirmed=False)
    assert page.context["secret"].replace(" ", "")  # typed into an app without a camera
    with clock.step():
        wrong = client.post(ENROL, {"action": "enrol", "code": "000000"})
    assert wrong.context["form"].errors["code"]
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is False
    with clock.step():
        r = client.post(ENROL, {"action": "enrol", "code": code(device), "next": "/grids/"})
    assert len(r.context["codes"]) == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is True
    assert StaticToken.objects.filter(device__user=cast.admin_a).count() == 10
    assert client.get("/account/").status_code == 200
    assert client.get(ENROL).context.get("codes") is None  # not shown again


def test_it_asks_an_enrolled_person_for_a_code_at_each_login(cast: Any) -> None:
    clock = Clock()
    client, _r = log_in("head_a")  # a grid head: may see personal data in full
    codes = enrol(client, clock)
    client.post("/logout/")
    with clock.step():
        client, r = log_in("head_a")
    assert r["Location"] == "/account/verify/?next=%2Fgrids%2F"
    with clock.step():
        wrong = client.post("/account/verify/", {"code": "123456"})
    assert wrong.status_code == 200
    assert client.get("/registry/residents/").status_code == 302
    with clock.step():
        r = client.post("/account/verify/", {"code": codes[0], "next": "/registry/residents/"})
    assert r["Location"] == "/registry/residents/"
    assert client.get("/registry/residents/").status_code == 200
    # A recovery code works once.
    client.post("/logout/")
    with clock.step():
        client, _r = log_in("head_a")
        again = client.post("/account/verify/", {"code": codes[0]})
    assert again.status_code == 200
    with clock.step():
        device = TOTPDevice.objects.get(user=cast.head_a)
        assert client.post("/account/verify/", {"code": code(device)}).status_code == 302
    assert list(
        LoginEvent.objects.filter(username="head_a").order_by("id").values_list("kind", flat=True)
    ) == [
        Kind.LOGIN, Kind.VERIFIED, Kind.LOGOUT,
        Kind.LOGIN, Kind.OTP_FAILED, Kind.VERIFIED, Kind.LOGOUT,
        Kind.LOGIN, Kind.OTP_FAILED, Kind.VERIFIED,
    ]  # fmt: skip


def test_it_lets_a_grid_worker_in_without_a_second_factor_and_lets_them_add_one(
    cast: Any,
) -> None:
    clock = Clock()
    client, r = log_in("worker_a1")
    assert r["Location"] == "/grids/"
    assert client.get("/registry/residents/").status_code == 200
    enrol(client, clock)
    client.post("/logout/")
    with clock.step():
        _client, r = log_in("worker_a1")
    assert r["Location"].startswith("/account/verify/")


def test_it_lets_only_the_optional_factor_be_removed_with_a_code(cast: Any) -> None:
    clock = Clock()
    client, _r = log_in("dispatcher")
    enrol(client, clock)
    device = TOTPDevice.objects.get(user=cast.dispatcher)
    with clock.step():
        r = client.post(ENROL, {"action": "remove", "code": "000000"})
    assert r.context["form"].errors["code"]
    with clock.step():
        r = client.post(ENROL, {"action": "remove", "code": code(device)})
    assert r["Location"] == "/account/"
    assert not TOTPDevice.objects.filter(user=cast.dispatcher).exists()
    assert not StaticToken.objects.filter(device__user=cast.dispatcher).exists()

    admin, _r = log_in("admin")
    enrol(admin, clock)
    device = TOTPDevice.objects.get(user=cast.admin)
    with clock.step():
        r = admin.post(ENROL, {"action": "remove", "code": code(device)})
    assert r.status_code == 200
    assert r.context["form"].non_field_errors()
    assert TOTPDevice.objects.filter(user=cast.admin, confirmed=True).count() == 1


def test_it_opens_the_admin_only_after_the_second_factor(cast: Any) -> None:
    clock = Clock()
    client, _r = log_in("admin")
    assert client.get("/admin/").status_code == 302
    enrol(client, clock)
    assert client.get("/admin/").status_code == 200
    # The admin's own login page is gridgov's, with its lockout and audit.
    assert Client().get("/admin/login/?next=/admin/")["Location"] == "/login/?next=/admin/"


def test_it_logs_out_and_locks_after_as_many_wrong_codes_as_passwords(cast: Any) -> None:
    clock = Clock()
    client, _r = log_in("auditor")
    enrol(client, clock)
    client.post("/logout/")
    with clock.step():
        client, _r = log_in("auditor")
    for _ in range(4):
        with clock.step(5):
            assert client.post("/account/verify/", {"code": "000000"}).status_code == 200
    with clock.step(5):
        r = client.post("/account/verify/", {"code": "000000"})
    assert r["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
    with clock.step(5):
        assert log_in("auditor")[1].status_code == 200  # locked
