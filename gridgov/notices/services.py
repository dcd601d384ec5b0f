"""The only code that writes notices: `notify` (the outbox), delivery with its claim and
retries, and marking in-app notices read (docs/adr/0017-notifications.md)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound, ServiceError

from . import channels as channel_registry
from .channels import DeliveryError, GiveUp
from .choices import State
from .models import Notice

logger = logging.getLogger(__name__)

# A claimed attempt holds its notice this long: a worker that dies mid-send leaves the row
# due again after it, so the notice is not lost (it may then go twice: see the ADR). Longer
# than any channel's timeout, so a slow send is never claimed by a second worker.
CLAIM_LEASE = dt.timedelta(minutes=5)


def backoff(attempts: int) -> dt.timedelta:
    """Wait after the `attempts`-th failed attempt: 1, 2, 4, 8 … minutes, at most a day."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 24 * 60))


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    subject: str,
    body: str,
    link: str,
    key: str,
    channels: Iterable[str] | None = None,
) -> int:
    """Write notices of one event to `recipients` on `channels` (default: every configured
    channel that wants the person), in the caller's transaction; returns the rows written.

    `key` names the event (e.g. "case:42:overdue:1"): a person gets at most one notice per
    channel and key, so a sweep that runs twice, or a retried request, notifies once.
    Subject and body carry ids and links only, never residents' personal data. Delivery
    starts after the caller's transaction commits and never runs in it.
    """
    if not key or len(key) > 120:
        raise ServiceError("invalid", _("A notice needs a key of at most 120 characters."))
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ServiceError("invalid", _("The link must be a path on this site."), field="link")
    known = channel_registry.registry()
    names = list(known) if channels is None else list(dict.fromkeys(channels))
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ServiceError("invalid", _("Unknown channel: %s") % ", ".join(unknown))
    people = {u.pk: u for u in recipients if u.pk is not None and u.is_active}
    if not people or not names:
        return 0
    now = timezone.now()
    # Rows already there for this event are skipped here, and a concurrent caller's are
    # skipped by the unique constraint (ignore_conflicts): the constraint is what makes it
    # once; the look-up only keeps the count right in the usual, uncontended case.
    existing = set(
        Notice.objects.filter(recipient_id__in=people, channel__in=names, key=key).values_list(
            "recipient_id", "channel"
        )
    )
    rows = []
    for name in names:
        channel = known[name]
        for pk, user in people.items():
            if (pk, name) in existing or not channel.wants(user):
                continue
            rows.append(
                Notice(
                    recipient_id=pk,
                    channel=name,
                    kind=kind[:40],
                    subject=subject[:200],
                    body=body[:2000],
                    link=link,
                    key=key,
                    state=State.SENT if channel.immediate else State.PENDING,
                    sent_at=now if channel.immediate else None,
                    next_attempt_at=None if channel.immediate else now,
                )
            )
    if not rows:
        return 0
    Notice.objects.bulk_create(rows, ignore_conflicts=True)
    if any(r.state == State.PENDING for r in rows):
        from . import tasks  # tasks import services: imported here, when first needed

        # After commit: a consumer must see the rows; the message carries the key only.
        transaction.on_commit(lambda: tasks.deliver_event(key))
    return len(rows)


# ---------------------------------------------------------------- delivery


def claim(notice_id: int, now: dt.datetime) -> int | None:
    """Take the next attempt of a due notice; returns its attempt number, or None when it is
    not due (sent, failed, or claimed by another worker).

    A compare-and-set, not a lock: one UPDATE that only matches a pending, due row and moves
    it out of "due" (next_attempt_at = now + CLAIM_LEASE). Of several workers sweeping at
    once (two consumers, a sweep beside an after-commit delivery), exactly one sees a row
    count of 1; the others skip the row. No lock is held while the channel sends.
    """
    taken = Notice.objects.filter(
        pk=notice_id, state=State.PENDING, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + CLAIM_LEASE, updated_at=now)
    if taken != 1:
        return None
    return Notice.objects.values_list("attempts", flat=True).get(pk=notice_id)


def deliver(notice_id: int, now: dt.datetime | None = None) -> State | None:
    """Claim and send one notice; record the outcome. Returns the new state, or None when
    this worker did not get the claim."""
    now = now or timezone.now()
    attempt = claim(notice_id, now)
    if attempt is None:
        return None
    notice = Notice.objects.select_related("recipient").get(pk=notice_id)
    channel = channel_registry.registry().get(notice.channel)
    # The outcome is written only if the row is still this attempt's (attempts unchanged):
    # a worker that outlived its lease must not overwrite a later attempt's result.
    mine = Notice.objects.filter(pk=notice_id, state=State.PENDING, attempts=attempt)
    try:
        if channel is None:
            raise GiveUp(f"channel {notice.channel!r} is not configured")
        channel.send(notice)
    except DeliveryError as e:
        error = str(e)[:300]
        done = timezone.now()
        if isinstance(e, GiveUp) or attempt >= settings.NOTICE_MAX_ATTEMPTS:
            mine.update(state=State.FAILED, next_attempt_at=None, last_error=error, updated_at=done)
            logger.warning("notice %s failed after %s attempts: %s", notice_id, attempt, error)
            return State.FAILED
        mine.update(next_attempt_at=done + backoff(attempt), last_error=error, updated_at=done)
        return State.PENDING
    except Exception:
        # A bug in a channel: keep the row and its retries, say nothing of the exception's
        # text (it may hold the payload), log the traceback for the operator.
        logger.exception("notice %s: channel %s raised", notice_id, notice.channel)
        done = timezone.now()
        if attempt >= settings.NOTICE_MAX_ATTEMPTS:
            mine.update(
                state=State.FAILED, next_attempt_at=None, last_error="error", updated_at=done
            )
            return State.FAILED
        mine.update(next_attempt_at=done + backoff(attempt), last_error="error", updated_at=done)
        return State.PENDING
    done = timezone.now()
    mine.update(
        state=State.SENT, sent_at=done, next_attempt_at=None, last_error="", updated_at=done
    )
    return State.SENT


# The most notices one sweep sends: a sweep runs every minute, and the next one goes on
# where this one stopped; a backlog drains without one task running for an hour.
SWEEP_BATCH = 200


def sweep(now: dt.datetime | None = None, *, key: str | None = None) -> int:
    """Send the due pending notices (of one event, with `key`); returns how many were sent.
    Safe beside other sweeps: each notice is claimed (`claim`) before it is sent."""
    now = now or timezone.now()
    due = Notice.objects.due(now)
    if key is not None:
        due = due.filter(key=key)
    ids = list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:SWEEP_BATCH])
    return sum(1 for pk in ids if deliver(pk, now) == State.SENT)


# ---------------------------------------------------------------- the inbox


def mark_read(*, user: Any, notice_id: int) -> Notice:
    """Mark one of the person's own in-app notices read (again: no change). Another
    person's notice is not found (404): nobody learns what others were told."""
    notice = Notice.objects.inbox(user).filter(pk=notice_id).first()
    if notice is None:
        raise NotFound(_("Not found."))
    now = timezone.now()
    # Conditional: two tabs marking it at once write read_at once.
    if Notice.objects.filter(pk=notice.pk, state=State.SENT).update(
        state=State.READ, read_at=now, updated_at=now
    ):
        notice.state, notice.read_at = State.READ, now
    return notice


def mark_all_read(*, user: Any) -> int:
    """Mark all the person's unread in-app notices read; returns how many."""
    now = timezone.now()
    return Notice.objects.inbox(user).unread().update(state=State.READ, read_at=now, updated_at=now)
