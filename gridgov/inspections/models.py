"""Patrols (巡查) and scheduled inspections (檢查): plan 6's daily patrol by the safety
department, weekly spot check by the supervision office and monthly inspection of every grid;
plan 5's Friday and month-end hygiene days (docs/adr/0025-inspections-and-patrols.md)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role
from gridgov.core.models import TimeStamped
from gridgov.registry.models import ScopedQuerySet

from .choices import WEEKDAYS, Cadence, Kind, Outcome, Targets


class Template(TimeStamped):
    """An inspection template (檢查表): what is checked, item by item, and the points each
    item awards when it passes or deducts when it fails (plan 6: 扣分 feeds the grids'
    assessment and incentive fund)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    description = models.CharField(_("description"), max_length=300, blank=True, default="")
    # The category of the cases its findings open (cases.Category.code, a leaf).
    category_code = models.CharField(_("case category"), max_length=12)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("inspection template")
        verbose_name_plural = _("inspection templates")

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """One line of a template's check list: passed, failed or not applicable."""

    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("what is checked"), max_length=200)
    pass_points = models.PositiveSmallIntegerField(_("points if passed"), default=0)
    fail_points = models.PositiveSmallIntegerField(_("points deducted if failed"), default=0)

    class Meta:
        ordering = ["template", "position"]
        verbose_name = _("check-list item")
        verbose_name_plural = _("check-list items")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "position"],
                name="checklistitem_one_per_position",
                violation_error_message=_("The template has an item at this position."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"

    def points_for(self, outcome: str) -> int:
        if outcome == Outcome.PASS:
            return int(self.pass_points)
        return -int(self.fail_points) if outcome == Outcome.FAIL else 0


class Schedule(TimeStamped):
    """An inspection schedule (檢查計劃): a template carried out on a grid subtree at a
    cadence by people holding a role there. Its occurrences are computed, not stored
    (`occurrences.py`, ADR 0025)."""

    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="schedules")
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(_("grid code"), max_length=32)
    cadence = models.CharField(_("cadence"), max_length=8, choices=Cadence.choices)
    weekday = models.PositiveSmallIntegerField(
        _("due on weekday"), choices=WEEKDAYS, null=True, blank=True
    )
    # 1–31 (clamped to the month's last day), or 0: the last day of the month (月末).
    month_day = models.PositiveSmallIntegerField(_("due on day of month"), null=True, blank=True)
    targets = models.CharField(
        _("inspects"), max_length=10, choices=Targets.choices, default=Targets.EACH_GRID
    )
    role = models.CharField(_("carried out by"), max_length=30, choices=Role.choices)
    # Off days (holidays, weekends not made up) have no daily occurrence, and a weekly or
    # monthly due day that is one moves back to the working day before it in its period.
    working_days_only = models.BooleanField(_("working days only"), default=False)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["grid_code", "template"]
        verbose_name = _("inspection schedule")
        verbose_name_plural = _("inspection schedules")
        constraints = [
            models.CheckConstraint(
                condition=~Q(cadence="weekly") | Q(weekday__isnull=False),
                name="schedule_weekly_has_weekday",
                violation_error_message=_("A weekly schedule is due on a weekday."),
            ),
            models.CheckConstraint(
                condition=Q(month_day__isnull=True) | Q(month_day__lte=31),
                name="schedule_month_day_range",
                violation_error_message=_("The day of the month is 0 (its last) to 31."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} {self.grid_code} {self.cadence}"


class Inspection(TimeStamped):
    """An inspection carried out (檢查記錄): of one grid, by whom, when, each item's outcome,
    the findings with their rectification deadlines, and the points it gave. Never edited."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    schedule = models.ForeignKey(
        Schedule, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(max_length=32)
    # The occurrence it carries out (ADR 0025): the schedule's period and the target code
    # (the grid, or the schedule's node for a spot check); none for one not on a schedule.
    period_start = models.DateField(null=True, blank=True)
    target_code = models.CharField(max_length=32, blank=True, default="")
    due_on = models.DateField(null=True, blank=True)
    on_time = models.BooleanField(default=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspections"
    )
    # The person responsible for the grid whose points these are (plan 6: 責任人扣分), if any.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("person responsible"),
    )  # fmt: skip
    inspected_at = models.DateTimeField(_("inspected at"))
    notes = models.TextField(_("notes"), max_length=2000, blank=True, default="")
    score = models.IntegerField(_("points"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-inspected_at", "-id"]
        constraints = [
            # One inspection per occurrence: two inspectors at once, the second is told (409).
            models.UniqueConstraint(
                fields=["schedule", "period_start", "target_code"],
                condition=Q(schedule__isnull=False),
                name="inspection_one_per_occurrence",
                violation_error_message=_("This inspection is recorded already."),
            ),
        ]
        indexes = [
            # Coverage: the inspections under a node in a period.
            models.Index(fields=["grid_code", "inspected_at"], name="inspection_grid_at_idx"),
        ]

    def __str__(self) -> str:
        return f"inspection {self.public_id}"


class Result(models.Model):
    """One check-list item's outcome in an inspection, with the points it gave."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=4, choices=Outcome.choices)
    points = models.IntegerField(default=0)

    class Meta:
        ordering = ["inspection", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="result_one_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.outcome}"


class Finding(models.Model):
    """A problem found on an inspection (問題), to be put right by a deadline (整改期限): it
    opens a case (whose own deadline is its category's); overdue while the case is not
    closed after the deadline."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    grid_code = models.CharField(max_length=32)
    text = models.TextField(_("what was found"), max_length=2000)
    rectify_by = models.DateField(_("rectify by"))
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["rectify_by", "id"]
        indexes = [
            # Overdue rectifications under a node (the coverage page).
            models.Index(fields=["grid_code", "rectify_by"], name="finding_grid_rectify_idx"),
        ]

    def __str__(self) -> str:
        return f"finding {self.public_id}"

    def is_overdue(self, today: dt.date, case_stage: str) -> bool:
        return self.rectify_by < today and case_stage != "closed"


class PointEntry(models.Model):
    """Points an inspection awarded or deducted (加分/扣分), per grid and responsible person:
    an append-only ledger that assessment (issue 11) sums per period."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="points")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(max_length=32)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    day = models.DateField()
    points = models.IntegerField()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["day", "id"]
        indexes = [
            # Assessment: a grid subtree's points in a period.
            models.Index(fields=["grid_code", "day"], name="pointentry_grid_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.grid_code} {self.day} {self.points:+d}"


class Photo(models.Model):
    """A photo taken on an inspection (re-encoded, no EXIF), served to those who may see it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    file = models.CharField(max_length=200)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"photo of {self.inspection}"


# ---------------------------------------------------------------- patrols


class Patrol(TimeStamped):
    """A worker's patrol (巡查, plan 4: 巡查社會治安): started and ended on the phone, with the
    points passed; its length and duration; the cases reported on the way."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="patrols"
    )
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(max_length=32)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    length_m = models.FloatField(_("length (m)"), default=0)
    points_count = models.PositiveIntegerField(default=0)
    outside_count = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=Q(ended_at__isnull=True),
                name="patrol_one_open_per_worker",
                violation_error_message=_("You are on a patrol already: end it first."),
            ),
        ]
        indexes = [models.Index(fields=["grid_code", "started_at"], name="patrol_grid_at_idx")]

    def __str__(self) -> str:
        return f"patrol {self.public_id}"

    @property
    def duration(self) -> dt.timedelta | None:
        return self.ended_at - self.started_at if self.ended_at else None


class PatrolPoint(models.Model):
    """A point passed on a patrol, as the phone gave it; one outside the worker's grids is
    kept and flagged (a GPS jump, or the patrol strayed)."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="points")
    at = models.DateTimeField()
    lon = models.FloatField()
    lat = models.FloatField()
    accuracy = models.FloatField(null=True, blank=True)
    inside = models.BooleanField(default=True)

    class Meta:
        ordering = ["patrol", "at", "id"]

    def __str__(self) -> str:
        return f"{self.lon:.5f},{self.lat:.5f}"


class PatrolCase(models.Model):
    """A case reported during a patrol (the link is here: cases need not know patrols)."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="cases")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.patrol} {self.case_id}"
