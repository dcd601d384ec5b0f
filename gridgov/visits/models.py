"""Household visits (入戶走訪, plan 4; 必訪, plan 1): the rules of how often, each household's
place in the round, the visits made and their photos (docs/adr/0023-visit-due-dates.md)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.lib import frequency
from gridgov.core.models import TimeStamped
from gridgov.registry.choices import TagKind
from gridgov.registry.models import ScopedQuerySet

from .choices import EVERYONE, Kind, Mood, Unit

RULE_KINDS = [(EVERYONE, _("Every household")), *TagKind.choices]


class VisitRule(TimeStamped):
    """How often a household is visited (走訪頻次): per attention tag of it or of one of its
    residents, and for every household. The shortest round of a household's tags applies.

    A rule holds on the subtree of `grid_code` ("" = everywhere); for each kind the rule of
    the longest matching code wins, so a street may visit its hardship families more often,
    or switch a kind off (`active`) under it.
    """

    grid_code = models.CharField(
        _("grid code"), max_length=32, blank=True, default="",
        help_text=_("Empty: everywhere; a code: that grid and everything under it."),
    )  # fmt: skip
    kind = models.CharField(_("applies to"), max_length=20, choices=RULE_KINDS)
    every = models.PositiveSmallIntegerField(_("every"), default=1)
    unit = models.CharField(
        _("interval unit"), max_length=8, choices=Unit.choices, default=Unit.MONTH
    )
    # 必訪 (plan 1): hardship families, the unemployed, elderly living alone, left-behind
    # children, special groups; coverage reports whether they were visited on time.
    must_visit = models.BooleanField(_("must visit (必訪)"), default=False)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["grid_code", "kind"]
        verbose_name = _("visit rule")
        verbose_name_plural = _("visit rules")
        constraints = [
            models.UniqueConstraint(
                fields=["grid_code", "kind"],
                name="visitrule_one_per_kind_and_grid",
                violation_error_message=_("This grid already has a rule for them."),
            ),
            models.CheckConstraint(
                condition=Q(every__gte=1, every__lte=366),
                name="visitrule_every_range",
                violation_error_message=_("The interval is 1 to 366."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grid_code or '*'} {self.kind} {self.every} {self.unit}"

    def due_after(self, day: dt.date) -> dt.date:
        return frequency.add(day, self.every, self.unit)


class Schedule(models.Model):
    """A household's place in the round of visits (走訪計劃): when it is next due, kept by
    the visit service and the refresh task (ADR 0023), so that "who is due" is a range
    read of an index, not a computation over the registry."""

    household = models.OneToOneField(
        "registry.Household", primary_key=True, on_delete=models.CASCADE, related_name="schedule"
    )
    # The household's grid, copied (DESIGN idea 1): the due list and coverage are ranges on it.
    grid_code = models.CharField(max_length=32)
    next_due = models.DateField(_("next visit due"))
    last_visit_on = models.DateField(_("last visited"), null=True, blank=True)
    # Whether one of its tags is a must-visit kind (必訪), and the active tag kinds of the
    # household and its residents, comma-separated (shown in the due list without a join).
    must_visit = models.BooleanField(default=False)
    tags = models.CharField(max_length=200, blank=True, default="")
    # A case opened from a visit here was closed: the next visit is its follow-up (回訪).
    follow_up_case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["next_due", "grid_code", "household_id"]
        indexes = [
            # The worker's due list: their grids' households, soonest due first.
            models.Index(fields=["grid_code", "next_due"], name="schedule_grid_due_idx"),
            # The overdue sweep: every household past due, counted per grid.
            models.Index(fields=["next_due", "grid_code"], name="schedule_due_grid_idx"),
            # Coverage: the must-visit households under a node.
            models.Index(
                fields=["grid_code"], name="schedule_must_visit_idx", condition=Q(must_visit=True)
            ),
        ]

    def __str__(self) -> str:
        return f"household {self.household_id} due {self.next_due}"

    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]

    def is_overdue(self, today: dt.date) -> bool:
        return self.next_due < today


class Visit(TimeStamped):
    """A household visit (入戶走訪): who went, to whom, when, where, what they found; a case
    opened from it, or the case it follows up (回訪). Never edited: a correction is a note
    on the next visit."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="visits"
    )
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(max_length=32)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits"
    )
    visited_at = models.DateTimeField(_("visited at"))
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    findings = models.TextField(_("what was found"), max_length=2000)
    residents = models.ManyToManyField(
        "registry.Resident", blank=True, related_name="+", verbose_name=_("residents met")
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.REGULAR)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("case opened"),
    )  # fmt: skip
    follow_up_of = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The household's due date when visited, and the one the visit set: coverage reads
    # "on time" from them without replaying the rules (ADR 0023).
    due_on = models.DateField()
    next_due = models.DateField()
    on_time = models.BooleanField()
    must_visit = models.BooleanField(default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_at", "-id"]
        indexes = [
            # Coverage (queries._counts): the visits under a node in a period, per household,
            # read off the index alone (what it counts is in it).
            models.Index(
                fields=["grid_code", "visited_at", "household", "on_time", "next_due"],
                name="visit_coverage_idx",
            ),
            # A household's last visit (the rebuild) and its history.
            models.Index(fields=["household", "visited_at"], name="visit_household_at_idx"),
            models.Index(fields=["worker", "visited_at"], name="visit_worker_at_idx"),
        ]

    def __str__(self) -> str:
        return f"visit {self.public_id}"


class VisitPhoto(models.Model):
    """A photo taken on a visit: re-encoded on the way in (no EXIF), served only to people
    who may see the visit."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    file = models.CharField(max_length=200)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"photo of {self.visit}"


class RefreshMark(models.Model):
    """Where the refresh task got to (one row): rows of the registry changed after it are
    looked at again on the next run."""

    name = models.CharField(max_length=20, primary_key=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} {self.at}"


class DiaryEntry(TimeStamped):
    """An entry of a worker's people's sentiment diary (民情日記, plan 1: 認真記錄“民情日記”,
    及時向上反映): what they heard or saw on a day, how the people seemed, what follow-up
    they want, and the households and cases it is about.

    The worker edits an entry only on the day it was written; after that it stands as
    written and a correction is a new entry (ADR 0025). Free text holds no phone or ID
    numbers (the registry's rule: this text is not encrypted).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="diary"
    )
    # The worker's grid the entry belongs to (copied code, DESIGN idea 1): heads whose scope
    # covers it read it.
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(max_length=32)
    day = models.DateField(_("day"))
    heard = models.TextField(_("what was heard or seen"), max_length=2000)
    mood = models.CharField(_("mood of the people"), max_length=12, choices=Mood.choices)
    follow_up = models.TextField(_("follow-up wanted"), max_length=1000, blank=True, default="")
    households = models.ManyToManyField(
        "registry.Household", blank=True, related_name="+", verbose_name=_("households")
    )
    cases = models.ManyToManyField(
        "cases.Case", blank=True, related_name="+", verbose_name=_("cases")
    )
    edits = models.PositiveSmallIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("diary entry")
        verbose_name_plural = _("diary entries")
        indexes = [
            # The worker's own diary, newest first (the phone page).
            models.Index(fields=["worker", "day"], name="diary_worker_day_idx"),
            # The heads' search: entries under a node in a date range.
            models.Index(fields=["grid_code", "day"], name="diary_grid_day_idx"),
        ]

    def __str__(self) -> str:
        return f"diary {self.public_id}"

    def editable_on(self, today: dt.date) -> bool:
        """Whether its author may still change it: on the day it was written only."""
        from django.utils import timezone

        return timezone.localtime(self.created_at).date() == today
