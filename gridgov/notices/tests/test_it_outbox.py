"""notify(): the outbox rows, once per event, in-app at once, e-mail after commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from gridgov.core.errors import ServiceError
from gridgov.notices import services
from gridgov.notices.choices import State
from gridgov.notices.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cast(cast: Any) -> Any:
    """Tests change the cast's e-mail and activity; the database rolls back, the objects
    are put back here."""
    yield
    for user in (cast.head_a, cast.nobody):
        user.refresh_from_db()


EVENT = {
    "kind": "case.overdue",
    "subject": "Case 42 is overdue",
    "body": "Case 42 passed its handling limit.",
    "link": "/cases/42/",
    "key": "case:42:overdue",
}


def test_it_writes_an_inapp_notice_sent_at_once(cast: Any) -> None:
    # given / when
    n = services.notify(recipients=[cast.worker_a1, cast.head_a], channels=["inapp"], **EVENT)
    # then
    assert n == 2
    row = Notice.objects.get(recipient=cast.worker_a1)
    assert (row.channel, row.state, row.kind, row.link) == (
        "inapp",
        State.SENT,
        "case.overdue",
        "/cases/42/",
    )
    assert row.sent_at is not None and row.next_attempt_at is None and row.is_unread


def test_it_notifies_once_per_event_and_channel(cast: Any) -> None:
    # given a first notice of the event
    services.notify(recipients=[cast.worker_a1], channels=["inapp"], **EVENT)
    # when the same event is notified again, to the same and one more person
    n = services.notify(recipients=[cast.worker_a1, cast.head_a], channels=["inapp"], **EVENT)
    # then only the new person gets a row
    assert n == 1
    assert Notice.objects.filter(key="case:42:overdue").count() == 2
    assert Notice.objects.filter(recipient=cast.worker_a1).count() == 1


def test_it_lets_the_constraint_drop_a_concurrent_duplicate(cast: Any) -> None:
    # given a row written by another caller after this one looked (bypassing the look-up)
    services.notify(recipients=[cast.worker_a1], channels=["inapp"], **EVENT)
    row = Notice.objects.get()
    row.pk = None
    # when it is inserted again as notify would, then the database ignores it
    Notice.objects.bulk_create([row], ignore_conflicts=True)
    assert Notice.objects.count() == 1


def test_it_skips_inactive_people_and_channels_that_do_not_want_them(
    cast: Any, settings: Any
) -> None:
    # given e-mail on, no webhook, and people without an e-mail address
    settings.NOTICE_WEBHOOK_URL = ""
    cast.nobody.is_active = False
    # when notifying on every channel
    n = services.notify(recipients=[cast.worker_a1, cast.nobody], **EVENT)
    # then only the active person's in-app notice (no address, no webhook)
    assert n == 1
    assert list(Notice.objects.values_list("recipient__username", "channel")) == [
        ("worker_a1", "inapp")
    ]
    cast.nobody.is_active = True


@pytest.mark.parametrize(
    ("change", "code"),
    [({"link": "https://elsewhere.example/"}, "invalid"), ({"link": "//x/"}, "invalid"),
     ({"channels": ["pigeon"]}, "invalid"), ({"key": ""}, "invalid")],
)  # fmt: skip
def test_it_refuses_bad_input_and_writes_nothing(
    cast: Any, change: dict[str, Any], code: str
) -> None:
    args = {**EVENT, "channels": ["inapp"], **change}
    with pytest.raises(ServiceError) as e:
        services.notify(recipients=[cast.worker_a1], **args)
    assert e.value.code == code
    assert Notice.objects.count() == 0


def test_it_rolls_back_with_the_caller(cast: Any) -> None:
    # given a caller whose transaction fails after notifying
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(recipients=[cast.worker_a1], channels=["inapp"], **EVENT)
        raise RuntimeError
    # then no notice was written
    assert Notice.objects.count() == 0


def test_it_sends_email_after_commit_through_the_backend(
    cast: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a person with an address, a public address for links
    settings.GRIDGOV_PUBLIC_URL = "https://grid.example.gov.cn"
    cast.head_a.email = "head@example.gov.cn"
    cast.head_a.save(update_fields=["email"])
    # when notified by e-mail, before the commit nothing goes out
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.notify(recipients=[cast.head_a], channels=["email"], **EVENT)
        assert mail.outbox == []
    # then one message after it, and the row is sent
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["head@example.gov.cn"]
    assert message.subject == "Case 42 is overdue"
    assert (
        message.body
        == "Case 42 passed its handling limit.\n\nhttps://grid.example.gov.cn/cases/42/"
    )
    row = Notice.objects.get()
    assert (row.state, row.attempts, row.last_error) == (State.SENT, 1, "")
    # when notified again of the same event, no second message
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify(recipients=[cast.head_a], channels=["email"], **EVENT) == 0
    assert len(mail.outbox) == 1


def test_it_fails_an_email_whose_address_went_away(cast: Any, settings: Any) -> None:
    # given a pending e-mail notice, then the address removed
    cast.head_a.email = "head@example.gov.cn"
    cast.head_a.save(update_fields=["email"])
    services.notify(recipients=[cast.head_a], channels=["email"], **EVENT)
    cast.head_a.email = ""
    cast.head_a.save(update_fields=["email"])
    # when the sweep comes, then it gives up at once, without retries
    assert services.sweep() == 0
    row = Notice.objects.get()
    assert (row.state, row.attempts, row.last_error) == (State.FAILED, 1, "no e-mail address")
    assert mail.outbox == []


def test_it_backs_off_exponentially() -> None:
    assert [services.backoff(n).total_seconds() / 60 for n in range(1, 6)] == [1, 2, 4, 8, 16]
    assert services.backoff(30).total_seconds() == 24 * 3600
