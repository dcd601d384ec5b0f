"""Login security: the lockout, the login audit, who must show a second factor, sessions.

docs/adr/0012-login-security.md says why it is built this way: failures are counted from the
login audit itself (one table, shared by every process), and the second factor is django-otp's
TOTP with single-use recovery codes.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from gridgov.core.scope import holds_anywhere

from .models import LoginEvent, User

Kind = LoginEvent.Kind
FAILURES = (Kind.FAILED, Kind.OTP_FAILED)
# Session keys: when the person logged in, their last request, and whether they must show
# a second factor before anything else (decided at login, changed when they enrol).
LOGIN_AT, SEEN_AT, MUST_VERIFY = "gg_login_at", "gg_seen_at", "gg_must_verify"


def client_address(request: HttpRequest) -> str | None:
    """The client's address: the connection's, or the proxy's header when one is set."""
    raw = request.META.get("REMOTE_ADDR", "")
    if settings.CLIENT_ADDRESS_HEADER:
        raw = request.headers.get(settings.CLIENT_ADDRESS_HEADER, "").split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def record(
    request: HttpRequest | None, kind: str, *, username: str, user: Any = None
) -> LoginEvent:
    return LoginEvent.objects.create(
        at=timezone.now(),
        user=user if getattr(user, "pk", None) else None,
        username=username[:150],
        kind=kind,
        address=client_address(request) if request is not None else None,
        user_agent=(request.headers.get("User-Agent", "") if request is not None else "")[:200],
    )


def _locked_until(failures: list[dt.datetime], limit: int) -> dt.datetime | None:
    """Newest first: with `limit` failures in the window, refused until the oldest of them
    leaves it. Refused attempts are not failures, so hammering a locked account does not
    keep it locked."""
    if len(failures) < limit:
        return None
    return failures[limit - 1] + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def locked_until(*, username: str, address: str | None) -> dt.datetime | None:
    """When this username, or this address, may try again; None if it may now."""
    now = timezone.now()
    since = now - dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    # A success wipes the account's slate: failures before it do not count.
    last_ok = LoginEvent.objects.filter(
        username=username, kind=Kind.LOGIN, at__gte=since
    ).aggregate(at=Max("at"))["at"]
    limit = settings.LOGIN_MAX_FAILURES_PER_ACCOUNT
    account = list(
        LoginEvent.objects.filter(username=username, kind__in=FAILURES, at__gte=last_ok or since)
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    until = [_locked_until(account, limit)]
    if address is not None:
        # An address is not cleared by a success: one office behind one address may hold
        # many accounts, and spraying passwords over them must still be stopped.
        limit = settings.LOGIN_MAX_FAILURES_PER_ADDRESS
        by_address = list(
            LoginEvent.objects.filter(address=address, kind__in=FAILURES, at__gte=since)
            .order_by("-at")
            .values_list("at", flat=True)[:limit]
        )
        until.append(_locked_until(by_address, limit))
    found = [u for u in until if u is not None and u > now]
    return max(found) if found else None


def second_factor_required(user: Any) -> bool:
    """Superusers, staff (the admin) and holders of a right to change grids or see personal
    data in full must log in with a second factor."""
    if not settings.TWO_FACTOR_ENFORCED or not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or user.is_staff
        or any(holds_anywhere(user, right) for right in settings.TWO_FACTOR_RIGHTS)
    )


def has_second_factor(user: User) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def must_verify(request: HttpRequest) -> bool:
    """Whether this session must show a second factor (decided at login)."""
    return bool(getattr(request, "session", {}).get(MUST_VERIFY))


def start_session(request: HttpRequest, user: User) -> None:
    """After the password was right: stamp the session and say whether a code must follow."""
    now = int(timezone.now().timestamp())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session[MUST_VERIFY] = has_second_factor(user) or second_factor_required(user)


def session_expired(request: HttpRequest) -> str | None:
    """Kind.TIMEOUT when the session has been idle too long or lived too long, else None;
    otherwise notes this request (at most once a minute, to spare a session write)."""
    session: Any = request.session
    login_at = session.get(LOGIN_AT)
    if login_at is None:
        return None
    now = int(timezone.now().timestamp())
    seen_at = session.get(SEEN_AT, login_at)
    if now - seen_at > settings.SESSION_IDLE_SECONDS or now - login_at > (
        settings.SESSION_COOKIE_AGE
    ):
        return Kind.TIMEOUT
    if now - seen_at >= 60:
        session[SEEN_AT] = now
    return None
