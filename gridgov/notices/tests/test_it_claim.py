"""The claim: several senders (consumers' sweeps, a sweep beside an after-commit delivery)
send one notice once. The compare-and-set on any database; real concurrent connections on
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from gridgov.notices import channels, services
from gridgov.notices.choices import State
from gridgov.notices.models import Notice

EVENT = {"kind": "case.overdue", "subject": "Case 42", "body": "", "link": "/cases/42/"}


class Counting(channels.Channel):
    """A channel that counts its sends, slowly: two senders overlap inside `send`."""

    name = "counting"
    sent: list[int] = []
    lock = threading.Lock()

    def send(self, notice: Any) -> None:
        time.sleep(0.05)
        with self.lock:
            self.sent.append(notice.pk)


@pytest.fixture
def counting(settings: Any) -> Iterator[type[Counting]]:
    settings.NOTICE_CHANNELS = [*settings.NOTICE_CHANNELS, f"{__name__}.Counting"]
    channels.registry.cache_clear()
    Counting.sent = []
    yield Counting
    channels.registry.cache_clear()


@pytest.mark.django_db
def test_it_claims_a_due_notice_once(cast: Any, counting: Any) -> None:
    # given one due notice
    services.notify(recipients=[cast.worker_a1], channels=["counting"], key="k1", **EVENT)
    row = Notice.objects.get()
    now = timezone.now()
    # when two senders claim it, then only the first gets it
    assert services.claim(row.pk, now) == 1
    assert services.claim(row.pk, now) is None
    # and it is due again only when the lease has run out (a worker that died)
    assert services.claim(row.pk, now + services.CLAIM_LEASE - dt.timedelta(seconds=1)) is None
    assert services.claim(row.pk, now + services.CLAIM_LEASE) == 2


@pytest.mark.django_db
def test_it_sends_once_when_two_sweeps_saw_the_same_rows(cast: Any, counting: Any) -> None:
    # given three due notices that two sweeps both listed
    for key in ("k1", "k2", "k3"):
        services.notify(recipients=[cast.worker_a1], channels=["counting"], key=key, **EVENT)
    ids = list(Notice.objects.values_list("pk", flat=True))
    now = timezone.now()
    # when both go through the list, interleaved
    outcomes = [(services.deliver(pk, now), services.deliver(pk, now)) for pk in ids]
    # then each notice is sent by the first only
    assert outcomes == [(State.SENT, None)] * 3
    assert sorted(counting.sent) == sorted(ids)
    assert list(Notice.objects.order_by().values_list("state", "attempts").distinct()) == [
        (State.SENT, 1)
    ]


@pytest.mark.django_db
def test_it_ignores_the_outcome_of_an_attempt_whose_lease_ran_out(cast: Any, counting: Any) -> None:
    # given a first attempt claimed, its lease run out, a second attempt sent it
    services.notify(recipients=[cast.worker_a1], channels=["counting"], key="k1", **EVENT)
    row = Notice.objects.get()
    now = timezone.now()
    assert services.claim(row.pk, now) == 1
    later = now + services.CLAIM_LEASE
    assert services.deliver(row.pk, later) == State.SENT
    # when the first attempt reports a failure late, then the row keeps the second's result
    Notice.objects.filter(pk=row.pk, state=State.PENDING, attempts=1).update(state=State.FAILED)
    assert Notice.objects.get().state == State.SENT


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_it_sends_once_with_two_sweeps_on_two_connections(counting: Any) -> None:
    from gridgov.accounts.models import User

    # given 20 due notices, committed (written directly: notify would deliver them at once,
    # there being no transaction to wait for)
    user = User.objects.create_user("racer", password="pw")
    now = timezone.now()
    Notice.objects.bulk_create(
        Notice(recipient=user, channel="counting", key=f"race:{i}", next_attempt_at=now, **EVENT)
        for i in range(20)
    )
    barrier = threading.Barrier(2)
    sent: list[int] = []

    def sweeper() -> None:
        try:
            barrier.wait(timeout=10)
            sent.append(services.sweep())
        finally:
            connection.close()  # each thread's own connection

    # when two sweeps run at once on their own connections
    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # then every notice went out exactly once, shared between them
    assert sum(sent) == 20
    assert len(counting.sent) == 20 and len(set(counting.sent)) == 20
    assert Notice.objects.filter(state=State.SENT, attempts=1).count() == 20
