"""The webhook channel against a real HTTP server on 127.0.0.1: signed, retried with
backoff, given up after the last attempt, bounded by its timeout."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from gridgov.notices import services
from gridgov.notices.choices import State
from gridgov.notices.models import Notice

from .webhook_server import serve

pytestmark = pytest.mark.django_db

SECRET = "test-webhook-secret"
EVENT = {
    "kind": "case.overdue",
    "subject": "Case 42 is overdue",
    "body": "Case 42 passed its handling limit.",
    "link": "/cases/42/",
    "key": "case:42:overdue",
    "channels": ["webhook"],
}


@pytest.fixture
def hook_settings(settings: Any) -> Any:
    settings.NOTICE_WEBHOOK_SECRET = SECRET
    settings.NOTICE_WEBHOOK_TIMEOUT = 0.3
    settings.NOTICE_MAX_ATTEMPTS = 3
    settings.GRIDGOV_PUBLIC_URL = ""
    return settings


def test_it_posts_signed_json_after_commit(
    cast: Any, hook_settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with serve([200]) as hook:
        hook_settings.NOTICE_WEBHOOK_URL = hook.url
        # when notified, the delivery runs after the commit (immediate queue in tests)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.notify(recipients=[cast.worker_a1], **EVENT) == 1
            assert hook.received == []
    # then one POST, with a signature the receiver can check with the shared secret
    assert len(hook.received) == 1
    headers, body = hook.received[0]
    stamp = headers["X-Gridgov-Timestamp"]
    expected = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert headers["X-Gridgov-Signature"] == f"sha256={expected}"
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    payload = json.loads(body)
    row = Notice.objects.get()
    assert payload == {
        "id": row.pk,
        "kind": "case.overdue",
        "subject": "Case 42 is overdue",
        "body": "Case 42 passed its handling limit.",
        "link": "/cases/42/",
        "recipient": "worker_a1",
        "timestamp": payload["timestamp"],
    }
    assert abs(dt.datetime.fromisoformat(payload["timestamp"]).timestamp() - int(stamp)) < 1
    assert (row.state, row.attempts, row.last_error) == (State.SENT, 1, "")


def test_it_retries_a_500_after_the_backoff(cast: Any, hook_settings: Any) -> None:
    with serve([500, 200]) as hook:
        hook_settings.NOTICE_WEBHOOK_URL = hook.url
        services.notify(recipients=[cast.worker_a1], **EVENT)
        # when the first attempt gets a 500, then it waits a minute
        assert services.sweep() == 0
        row = Notice.objects.get()
        assert (row.state, row.attempts, row.last_error) == (State.PENDING, 1, "webhook: HTTP 500")
        retry_at = row.next_attempt_at
        assert retry_at is not None
        # ... nothing is due before then
        assert services.sweep(retry_at - dt.timedelta(seconds=1)) == 0
        # when the minute has passed, then the second attempt delivers it
        with time_machine.travel(retry_at + dt.timedelta(seconds=1)):
            assert services.sweep() == 1
    assert len(hook.received) == 2
    row = Notice.objects.get()
    assert (row.state, row.attempts, row.last_error, row.next_attempt_at) == (
        State.SENT, 2, "", None,
    )  # fmt: skip


def test_it_gives_up_after_the_last_attempt(cast: Any, hook_settings: Any) -> None:
    with serve([500, 502, 503, 200]) as hook:
        hook_settings.NOTICE_WEBHOOK_URL = hook.url
        services.notify(recipients=[cast.worker_a1], **EVENT)
        now = timezone.now()
        for minutes in (0, 2, 5):  # after 1 minute, then after 2 more: always past the wait
            with time_machine.travel(now + dt.timedelta(minutes=minutes)):
                services.sweep()
        # later sweeps find nothing to send
        with time_machine.travel(now + dt.timedelta(days=2)):
            assert services.sweep() == 0
    assert len(hook.received) == 3
    row = Notice.objects.get()
    assert (row.state, row.attempts, row.last_error, row.next_attempt_at) == (
        State.FAILED, 3, "webhook: HTTP 503", None,
    )  # fmt: skip


def test_it_counts_a_timeout_as_a_failed_attempt(cast: Any, hook_settings: Any) -> None:
    with serve(["slow"], slow_seconds=1.5) as hook:
        hook_settings.NOTICE_WEBHOOK_URL = hook.url
        services.notify(recipients=[cast.worker_a1], **EVENT)
        started = timezone.now()
        assert services.sweep() == 0
        # the client waited its timeout (0.3 s), not the server's 1.5 s
        assert (timezone.now() - started).total_seconds() < 1.2
    row = Notice.objects.get()
    assert (row.state, row.attempts, row.last_error) == (State.PENDING, 1, "webhook: timed out")


def test_it_keeps_a_refused_connection_for_later(cast: Any, hook_settings: Any) -> None:
    # given a URL nobody listens on (the server closed)
    with serve([]) as hook:
        url = hook.url
    hook_settings.NOTICE_WEBHOOK_URL = url
    services.notify(recipients=[cast.worker_a1], **EVENT)
    assert services.sweep() == 0
    row = Notice.objects.get()
    assert (row.state, row.attempts) == (State.PENDING, 1)
    assert row.last_error == "webhook: ConnectionRefusedError"
    assert "127.0.0.1" not in row.last_error


def test_it_writes_no_webhook_row_when_none_is_configured(cast: Any, hook_settings: Any) -> None:
    hook_settings.NOTICE_WEBHOOK_URL = ""
    assert services.notify(recipients=[cast.worker_a1], **EVENT) == 0
    assert Notice.objects.count() == 0
