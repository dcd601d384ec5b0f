"""Channels: how a notice reaches a person. Pluggable: `settings.NOTICE_CHANNELS` lists
dotted paths of `Channel` subclasses; a deployment adds its own (an SMS gateway with its own
protocol, say) without touching this app.

A channel says whether a person gets a row on it (`wants`) and delivers one row (`send`).
`send` raises `DeliveryError` to be tried again later, `GiveUp` to stop at once; whatever it
says there ends up in `Notice.last_error`, so it must never hold a secret or a full URL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from functools import cache
from typing import Any, ClassVar

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Notice


class DeliveryError(Exception):
    """This attempt failed; a later one may not (timeouts, 5xx, a mail server away)."""


class GiveUp(DeliveryError):
    """No attempt will succeed (no address any more): fail the notice now."""


class Channel:
    name: ClassVar[str]
    # Delivered by being written (in-app): the row is `sent` at once, nothing to send.
    immediate: ClassVar[bool] = False

    def wants(self, user: Any) -> bool:
        """Whether `user` gets a notice on this channel (has an address, it is set up)."""
        return True

    def send(self, notice: Notice) -> None:
        raise NotImplementedError


class InApp(Channel):
    """The person's inbox on the site (/notices/) and the count in the header."""

    name = "inapp"
    immediate = True

    def send(self, notice: Notice) -> None:  # pragma: no cover - never pending
        pass


def absolute(link: str) -> str:
    """The link as the recipient can open it from outside (GRIDGOV_PUBLIC_URL + path)."""
    return f"{settings.GRIDGOV_PUBLIC_URL}{link}" if link else ""


class Email(Channel):
    """Django's e-mail backend (SMTP from GRIDGOV_EMAIL_*), to the account's address."""

    name = "email"

    def wants(self, user: Any) -> bool:
        return bool(settings.NOTICE_EMAIL_ENABLED and user.email)

    def send(self, notice: Notice) -> None:
        address = notice.recipient.email
        if not address:
            raise GiveUp("no e-mail address")
        body = notice.body
        if notice.link:
            body = f"{body}\n\n{absolute(notice.link)}".strip()
        # A short timeout: a mail server that hangs holds a worker, not a request, but the
        # sweep behind it waits too.
        connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
        message = EmailMessage(
            notice.subject, body, settings.DEFAULT_FROM_EMAIL, [address], connection=connection
        )
        try:
            message.send(fail_silently=False)
        except (OSError, ValueError) as e:  # smtplib's errors are OSErrors
            raise DeliveryError(f"e-mail: {type(e).__name__}") from None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A webhook that redirects is misconfigured: urllib would turn the POST into a GET and
    could carry the signature to another host. Fail instead."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex: the receiver recomputes it with the shared
    secret and refuses old timestamps, so a captured request cannot be replayed later."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class Webhook(Channel):
    """A signed JSON POST to GRIDGOV_NOTICE_WEBHOOK_URL: an adapter there forwards it to
    enterprise WeChat, DingTalk or an SMS gateway. 2xx is delivered; anything else,
    a refused connection or a timeout is tried again later."""

    name = "webhook"

    def wants(self, user: Any) -> bool:
        return bool(settings.NOTICE_WEBHOOK_URL)

    def payload(self, notice: Notice, now: dt.datetime) -> dict[str, Any]:
        return {
            "id": notice.pk,  # the receiver's idempotency key: a retry repeats it
            "kind": notice.kind,
            "subject": notice.subject,
            "body": notice.body,
            "link": absolute(notice.link),
            "recipient": notice.recipient.username,
            "timestamp": now.isoformat(),
        }

    def send(self, notice: Notice) -> None:
        url = settings.NOTICE_WEBHOOK_URL
        if not url:
            raise GiveUp("webhook: no URL configured")
        now = timezone.now()
        body = json.dumps(self.payload(notice, now), ensure_ascii=False).encode()
        stamp = str(int(now.timestamp()))
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "gridgov-notices",
                "X-Gridgov-Timestamp": stamp,
                "X-Gridgov-Signature": signature(settings.NOTICE_WEBHOOK_SECRET, stamp, body),
            },
        )
        # Errors name the status or the kind of failure only: the URL may carry a token.
        try:
            with _opener().open(request, timeout=settings.NOTICE_WEBHOOK_TIMEOUT) as response:
                status = response.status
        except urllib.error.HTTPError as e:
            raise DeliveryError(f"webhook: HTTP {e.code}") from None
        except TimeoutError:
            raise DeliveryError("webhook: timed out") from None
        except urllib.error.URLError as e:
            reason = "timed out" if isinstance(e.reason, TimeoutError) else type(e.reason).__name__
            raise DeliveryError(f"webhook: {reason}") from None
        except OSError as e:
            raise DeliveryError(f"webhook: {type(e).__name__}") from None
        if not 200 <= status < 300:
            raise DeliveryError(f"webhook: HTTP {status}")


@cache
def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_NoRedirects)


@cache
def registry() -> dict[str, Channel]:
    """The configured channels by name (settings.NOTICE_CHANNELS), built once per process."""
    channels: dict[str, Channel] = {}
    for path in settings.NOTICE_CHANNELS:
        channel = import_string(path)()
        channels[channel.name] = channel
    return channels
