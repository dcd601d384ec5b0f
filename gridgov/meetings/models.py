"""Meetings that run the system (R-STAFF-6): who met where and when, who came, what was
decided and the follow-up tasks (督辦事項) tracked to done; how often the regular ones are due
(docs/adr/0024-meetings.md)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import TimeStamped
from gridgov.core.scope import scope_q

from .choices import Kind, Presence, TaskStatus


class Cadence(TimeStamped):
    """How often a kind of regular meeting is due (例會週期): once every `every_months`
    calendar months, by each grid of depth `depth` (1 = street/town, 2 = community/village).
    Periods start in January: every 2 months is January–February, March–April, …"""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, unique=True)
    depth = models.PositiveSmallIntegerField(_("held by grids of level"))
    every_months = models.PositiveSmallIntegerField(_("every (months)"), default=1)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("meeting cadence")
        verbose_name_plural = _("meeting cadences")
        constraints = [
            models.CheckConstraint(
                condition=Q(every_months__in=[1, 2, 3, 4, 6, 12]),
                name="cadence_every_divides_a_year",
                violation_error_message=_("Every 1, 2, 3, 4, 6 or 12 months."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} depth {self.depth} every {self.every_months}"


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: Any) -> MeetingQuerySet:
        """Meetings held in the person's scope (right "view"), and those they chair or are
        invited to (a grid worker goes to the community's meeting above their grid)."""
        q = scope_q(user, "grid_code", "view")
        if user and user.is_authenticated and user.is_active and not user.is_superuser:
            invited = Attendance.objects.filter(meeting=OuterRef("pk"), user=user)
            q |= Q(chair=user) | Q(Exists(invited))
        return self.filter(q)


class Meeting(TimeStamped):
    """A meeting (會議) held by a grid level: a regular meeting (例會), a party-building
    progress meeting (黨建工作推進會), a work meeting or a joint consultation (聯席會商).

    Planned until its minutes are recorded (`held_at`); only held meetings count for the
    cadence. Attendance rows are written for the invited when it is planned."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    # Copied from the grid (DESIGN idea 1): scope and the cadence are ranges on it.
    grid_code = models.CharField(max_length=32)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("chair"),
    )  # fmt: skip
    agenda = models.JSONField(_("agenda"), default=list, blank=True)
    minutes = models.TextField(_("minutes"), max_length=10000, blank=True)
    held_at = models.DateTimeField(_("minutes recorded"), null=True, blank=True)
    cases = models.ManyToManyField(
        "cases.Case", blank=True, related_name="+", verbose_name=_("cases discussed")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            # The list of a level (a range on grid_code, newest first) and the cadence's
            # look-up of the meetings of a kind held in a period.
            models.Index(fields=["grid_code", "starts_at"], name="meeting_grid_at_idx"),
            models.Index(fields=["kind", "starts_at", "grid_code"], name="meeting_kind_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.grid_code} {self.kind} {self.starts_at:%Y-%m-%d}"

    @property
    def is_held(self) -> bool:
        return self.held_at is not None

    def has_started(self, now: dt.datetime) -> bool:
        return self.starts_at <= now


class Attendance(models.Model):
    """One invited person's attendance (出席): present, absent, or excused with a reason."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    presence = models.CharField(
        _("attendance"), max_length=10, choices=Presence.choices, default=Presence.INVITED
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    marked_at = models.DateTimeField(null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["meeting_id", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                name="attendance_once_per_person",
                violation_error_message=_("This person is invited already."),
            ),
            models.CheckConstraint(
                condition=~Q(presence=Presence.EXCUSED) | ~Q(reason=""),
                name="attendance_excused_has_reason",
                violation_error_message=_("Give the reason of an excused absence."),
            ),
        ]
        indexes = [
            # "Meetings I am invited to" (MeetingQuerySet.visible_to).
            models.Index(fields=["user", "meeting"], name="attendance_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.presence} @ {self.meeting_id}"


class Decision(models.Model):
    """A decision of a meeting (決定事項), numbered within it; never edited."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveSmallIntegerField()
    text = models.CharField(_("decision"), max_length=1000)

    class Meta:
        ordering = ["meeting_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"],
                name="decision_number_unique",
                violation_error_message=_("This meeting has a decision of this number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}.{self.number}"


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def visible_to(self, user: Any) -> FollowUpQuerySet:
        """The tasks of meetings held in the person's scope (right "view"), their own, and
        those of the meetings they chair."""
        q = scope_q(user, "grid_code", "view")
        if user and user.is_authenticated and user.is_active and not user.is_superuser:
            q |= Q(owner=user) | Q(meeting__chair=user)
        return self.filter(q)

    def overdue(self, today: dt.date) -> FollowUpQuerySet:
        return self.filter(status=TaskStatus.OPEN, deadline__lt=today)

    def filtered(self, state: str, today: dt.date) -> FollowUpQuerySet:
        """The task list's filter (page and API): open, overdue, done, or "" for all."""
        if state == "open":
            return self.filter(status=TaskStatus.OPEN)
        if state == "overdue":
            return self.overdue(today)
        if state == "done":
            return self.filter(status=TaskStatus.DONE)
        return self


class FollowUp(TimeStamped):
    """A follow-up task of a decision (督辦事項): an owner, a deadline, open until the owner
    or the chair records what was done. Overdue is computed: open past its deadline."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="tasks")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="tasks")
    grid_code = models.CharField(max_length=32)  # the meeting's, for scope
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_tasks",
        verbose_name=_("owner"),
    )  # fmt: skip
    text = models.CharField(_("task"), max_length=500)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    done_note = models.TextField(_("what was done"), max_length=2000, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=TaskStatus.OPEN, done_at__isnull=True)
                | (Q(status=TaskStatus.DONE, done_at__isnull=False) & ~Q(done_note="")),
                name="followup_done_has_note",
                violation_error_message=_("A task done says what was done, and when."),
            ),
        ]
        indexes = [
            # A person's own tasks, soonest first (the task list with "mine").
            models.Index(fields=["owner", "status", "deadline"], name="followup_owner_idx"),
            # A level's tasks (a range on grid_code).
            models.Index(fields=["grid_code", "deadline"], name="followup_grid_idx"),
            # The overdue digest: open tasks past their deadline.
            models.Index(
                fields=["deadline", "owner"],
                name="followup_open_due_idx",
                condition=Q(status=TaskStatus.OPEN),
            ),
        ]

    def __str__(self) -> str:
        return f"task {self.public_id}"

    def is_overdue(self, today: dt.date) -> bool:
        return self.status == TaskStatus.OPEN and self.deadline < today
