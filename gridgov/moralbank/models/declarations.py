"""Declarations (申報) from deed to points: the review group's votes, the committee's check,
the public notice (公示) and the objections raised during it."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import TimeStamped

from ..choices import Channel, Source, Status
from .ledger import Account, ScopedQuerySet
from .village import RuleItem, Village


class Declaration(TimeStamped):
    """A deed brought forward for points (申報), by the household, its hamlet head (屯長)
    or anyone (a recommendation or a report of bad behaviour). The reporter is kept for the
    committee and never shown to the household nor on the notice (R-MORAL-3)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="declarations")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="declarations")
    grid_code = models.CharField(max_length=32)
    item = models.ForeignKey(RuleItem, on_delete=models.PROTECT, related_name="declarations")
    points = models.SmallIntegerField(_("points"))
    source = models.CharField(_("brought by"), max_length=12, choices=Source.choices)
    channel = models.CharField(_("received"), max_length=8, choices=Channel.choices)
    reporter = models.CharField(_("recommended or reported by"), max_length=50, blank=True)
    happened_on = models.DateField(_("date of the deed"))
    place = models.CharField(_("place"), max_length=200)
    what = models.TextField(_("what happened"), max_length=2000)
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.IN_REVIEW)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    check_note = models.CharField(_("committee's note"), max_length=500, blank=True)
    notice_from = models.DateTimeField(null=True, blank=True)
    notice_until = models.DateTimeField(null=True, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField(max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=[Status.ON_NOTICE, Status.OBJECTED, Status.POSTED])
                | Q(notice_until__isnull=False),
                name="mb_declaration_notice_has_end",
                violation_error_message=_("An item on notice has the day its notice ends."),
            ),
        ]
        indexes = [
            # The notice sweep: items on notice whose notice has ended (tasks.post_notices).
            models.Index(
                fields=["notice_until"],
                name="mb_declaration_notice_idx",
                condition=Q(status=Status.ON_NOTICE),
            ),
            models.Index(fields=["grid_code", "status"], name="mb_declaration_grid_idx"),
        ]

    def __str__(self) -> str:
        return f"declaration {self.public_id}"

    def notice_over(self, now: dt.datetime) -> bool:
        return self.notice_until is not None and self.notice_until <= now


class Vote(models.Model):
    """One review group member's vote on a declaration (民主評定), once each."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approve = models.BooleanField(_("approve"))
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["declaration_id", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "member"],
                name="mb_vote_once",
                violation_error_message=_("You have voted on this declaration."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {'+' if self.approve else '-'} {self.declaration_id}"


class Objection(TimeStamped):
    """An objection raised during the notice (異議): the item stops until the review group
    rules; upheld, the item is rejected; dismissed, it goes back on notice (and is posted at
    once if its notice has ended). Who objected stays with the committee."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    declaration = models.ForeignKey(
        Declaration, on_delete=models.PROTECT, related_name="objections"
    )
    grid_code = models.CharField(max_length=32)
    text = models.TextField(_("objection"), max_length=2000)
    raised_by = models.CharField(_("raised by"), max_length=50, blank=True)
    channel = models.CharField(_("received"), max_length=8, choices=Channel.choices)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    upheld = models.BooleanField(null=True, blank=True)
    ruling = models.CharField(_("ruling"), max_length=500, blank=True)
    ruled_at = models.DateTimeField(null=True, blank=True)
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(upheld__isnull=True, ruled_at__isnull=True)
                | (Q(upheld__isnull=False, ruled_at__isnull=False) & ~Q(ruling="")),
                name="mb_objection_ruling",
                violation_error_message=_("A ruling says why."),
            ),
        ]

    def __str__(self) -> str:
        return f"objection {self.public_id}"
