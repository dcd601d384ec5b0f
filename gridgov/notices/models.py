"""The outbox of notices (通知): one row per person, channel and event."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import TimeStamped

from .choices import Channel, State


class NoticeQuerySet(models.QuerySet["Notice"]):
    def inbox(self, user: object) -> NoticeQuerySet:
        """A person's own in-app notices, newest first (the inbox page and the API)."""
        return self.filter(recipient=user, channel=Channel.INAPP).order_by("-created_at", "-id")

    def unread(self) -> NoticeQuerySet:
        return self.filter(state=State.SENT)

    def due(self, now: dt.datetime) -> NoticeQuerySet:
        """Pending notices whose next attempt has come (the sender's scan)."""
        return self.filter(state=State.PENDING, next_attempt_at__lte=now)


class Notice(TimeStamped):
    """A notice (站内通知 / 外发通知) to one person on one channel about one event.

    The outbox: services write rows in their own transaction, the sender delivers them
    after commit and again on a schedule until they are sent or given up. Subject and body
    carry ids and links, never residents' personal data (DESIGN idea 6): a webhook or an
    e-mail leaves the platform.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    channel = models.CharField(max_length=20)
    kind = models.CharField(max_length=40, help_text=_("What happened, e.g. case.overdue"))
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=2000, blank=True)
    link = models.CharField(max_length=300, blank=True, help_text=_("A path on this site"))
    key = models.CharField(max_length=120, help_text=_("The event, so that it notifies once"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "channel", "key"],
                name="notices_once_per_event",
                violation_error_message=_("This person was already notified of this event."),
            ),
            # A relative link: a notice never sends people off the site.
            models.CheckConstraint(
                condition=Q(link="") | (Q(link__startswith="/") & ~Q(link__startswith="//")),
                name="notices_link_relative",
                violation_error_message=_("The link must be a path on this site."),
            ),
            models.CheckConstraint(
                condition=~Q(state=State.PENDING) | Q(next_attempt_at__isnull=False),
                name="notices_pending_has_time",
                violation_error_message=_("A pending notice needs the time of its next attempt."),
            ),
        ]
        indexes = [
            # The sender's scan (notices.tasks.sweep): due pending rows, oldest first. Partial:
            # pending rows are a sliver of the table, which keeps every notice ever sent.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state=State.PENDING),
                name="notices_pending_due_idx",
            ),
            # The header's unread count on every page (notices.context) and the inbox list:
            # one person's in-app rows, newest first.
            models.Index(
                fields=["recipient", "state", "-created_at"],
                condition=Q(channel=Channel.INAPP),
                name="notices_inbox_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.channel}, {self.state})"

    @property
    def is_unread(self) -> bool:
        return self.channel == Channel.INAPP and self.state == State.SENT
