"""Categories of events and the cases that run through the loop, with their timeline."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.choices import LimitKind
from gridgov.core.models import TimeStamped
from gridgov.core.scope import scope_q

from .choices import OPEN_STAGES, RUNNING_STAGES, Action, Source, Stage

# The four kinds of GB/T 30428 time (ADR 0016).
LIMIT_KINDS = LimitKind.choices


class Category(TimeStamped):
    """A kind of event (事件類別): GB/T 30428 classes and the plans' social-governance
    categories, a tree of major and minor classes. Its rules drive the clock: the time
    limits to file, dispatch and handle, each with its kind, and what the worker must do
    (必到/必報/必訪, plan 1)."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=60)
    filing_condition = models.CharField(_("filing condition"), max_length=300, blank=True)
    closing_condition = models.CharField(_("closing condition"), max_length=300, blank=True)
    default_unit = models.CharField(_("default handling unit"), max_length=60, blank=True)
    file_within = models.PositiveIntegerField(_("file within"), default=2)
    file_kind = models.CharField(max_length=16, choices=LIMIT_KINDS, default="working_hours")
    dispatch_within = models.PositiveIntegerField(_("dispatch within"), default=2)
    dispatch_kind = models.CharField(max_length=16, choices=LIMIT_KINDS, default="working_hours")
    handle_within = models.PositiveIntegerField(_("handle within"), default=3)
    handle_kind = models.CharField(max_length=16, choices=LIMIT_KINDS, default="working_days")
    verify_within = models.PositiveIntegerField(_("verify within"), default=1)
    verify_kind = models.CharField(max_length=16, choices=LIMIT_KINDS, default="working_days")
    must_attend = models.BooleanField(_("must attend (必到)"), default=False)
    must_report = models.BooleanField(_("must report (必報)"), default=False)
    must_visit = models.BooleanField(_("must visit (必訪)"), default=False)
    # What the sweep does with an overdue case: urge (督辦) those who hold it, or also
    # escalate it to the level above (emergencies).
    escalate_when_overdue = models.BooleanField(_("escalate when overdue"), default=False)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def limit(self, clock: str) -> tuple[int, str]:
        """(amount, kind) of the clock "file", "dispatch", "handle" or "verify"."""
        return getattr(self, f"{clock}_within"), getattr(self, f"{clock}_kind")


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: Any, right: str | None = None) -> CaseQuerySet:
        """Cases where they happened in the person's scope, or held by a level in it."""
        return self.filter(scope_q(user, "grid_code", right) | scope_q(user, "holder_code", right))

    def open(self) -> CaseQuerySet:
        return self.filter(stage__in=OPEN_STAGES)


class Case(TimeStamped):
    """An event being dealt with (案件): where and what, who holds it now, its stage and the
    deadline of that stage. Every change is a service call that appends a `CaseEvent`."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # What people quote: the day it came in and its id (set after the insert).
    number = models.CharField(_("case number"), max_length=20, blank=True, db_index=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cases")
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="cases")
    # Where it happened, copied at write time (scope and roll-ups, DESIGN idea 1).
    grid_code = models.CharField(max_length=32, db_index=True)
    # The level that holds it now: the grid first, its parent after an escalation.
    holder_code = models.CharField(max_length=32)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=4000)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="reported_cases",
    )  # fmt: skip
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    stage_before = models.CharField(max_length=12, blank=True)  # while suspended
    # Who is to handle it: a unit (a department, an organisation of the registry) or a level
    # (a grid code) when it was dispatched to grid staff.
    unit = models.ForeignKey(
        "registry.Organisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="cases", verbose_name=_("handling unit"),
    )  # fmt: skip
    assignee_code = models.CharField(max_length=32, blank=True)
    # A case spanning departments: one lead unit (`unit`) and these co-handling units; the
    # level holding it coordinates (R-CASE-2).
    co_units = models.ManyToManyField(
        "registry.Organisation", blank=True, related_name="co_cases",
        verbose_name=_("co-handling units"),
    )  # fmt: skip
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True)
    # How far the sweep has got with the current clock: 0 running, 1 warned (yellow),
    # 2 overdue dealt with (red). Every new clock starts again at 0.
    clock_state = models.PositiveSmallIntegerField(default=0)
    settled_on_spot = models.BooleanField(default=False)
    rework_count = models.PositiveIntegerField(default=0)
    escalations = models.PositiveIntegerField(default=0)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every transition: a client acting on what it saw sends it back (409 if stale).
    version = models.PositiveIntegerField(default=1)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="case_satisfaction_1_to_5",
                violation_error_message=_("Satisfaction is 1 to 5."),
            ),
        ]
        indexes = [
            # The deadline sweep (cases.sweep): running cases whose deadline, or warning,
            # has come. SQLite uses a partial index only when the query repeats its
            # condition as literals: RUNNING_SQL (below) does.
            models.Index(
                fields=["deadline"], name="case_running_deadline_idx",
                condition=Q(stage__in=RUNNING_STAGES),
            ),
            models.Index(
                fields=["warn_at"], name="case_running_warn_idx",
                condition=Q(stage__in=RUNNING_STAGES),
            ),
            models.Index(fields=["holder_code", "stage"], name="case_holder_idx"),
            # Indicators (cases.indicators): the cases reported under a node in a period.
            models.Index(fields=["grid_code", "created_at"], name="case_grid_created_idx"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"case {self.number or self.public_id}"

    def is_overdue(self, now: dt.datetime) -> bool:
        return self.deadline is not None and self.stage in OPEN_STAGES and self.deadline < now


# The partial indexes' condition as literal SQL, for the queries that must read them (the
# sweep's selections, the indicators' overdue count): SQLite's planner uses a partial index
# only when the query's WHERE repeats its terms as literals, not as bound parameters.
RUNNING_SQL = "{table}.stage IN ({stages})".format(
    table=f'"{Case._meta.db_table}"', stages=", ".join(f"'{s}'" for s in RUNNING_STAGES)
)


class CaseEvent(models.Model):
    """One line of a case's timeline (案件流轉記錄): who did what when, from which stage to
    which, with a note. Never edited; no personal data copied in (DESIGN idea 6)."""

    # No index of its own: case_event_case_idx (case, at) serves every lookup by case, and
    # one index fewer is one write fewer per event (intake, the sweep).
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", db_index=False)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    action = models.CharField(max_length=12)
    from_stage = models.CharField(max_length=12, blank=True)
    to_stage = models.CharField(max_length=12)
    holder_code = models.CharField(max_length=32)
    note = models.TextField(blank=True, max_length=2000)
    # The deadline of the stage this event ended (None if it ran on no clock): indicators
    # count a step as timely when `at` <= `due` (及時立案, 及時派遣, 按期結案).
    due = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.from_stage}→{self.to_stage}"

    @property
    def action_label(self) -> str:
        if self.action == "report":
            return str(_("Report"))
        return str(Action(self.action).label) if self.action in Action.values else self.action

    @property
    def stage_label(self) -> str:
        return str(Stage(self.to_stage).label)


class CaseAttachment(models.Model):
    """A photo of a case (案件照片): "before" with the report, "after" with the result.
    Re-encoded on the way in (no EXIF, so no GPS or camera serial stays), served only to
    people who may see the case."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("before")
        AFTER = "after", _("after")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    file = models.CharField(max_length=200)  # a name in the default storage
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} photo of {self.case}"


class SweepRun(models.Model):
    """One run of the deadline sweep, claimed by its minute: with several task consumers, or
    a scheduler restarted mid-minute, the second claim of a minute fails and does nothing."""

    slot = models.DateTimeField(unique=True)
    started_at = models.DateTimeField()
    warned = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    escalated = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-slot"]

    def __str__(self) -> str:
        return f"sweep {self.slot:%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------- the indicators' roll-up

# What a case adds to the indicators (cases.rollup, ADR 0019 "Roll-up"): counts and sums
# only, so that they add up per day and group. Stage times are whole milliseconds, so that
# adding and taking away a case's facts is exact.
ROLLUP_STAGES = ("reported", "filed", "dispatched", "in_progress", "handled", "suspended")
ROLLUP_COUNTS = (
    "reported", "filed", "not_filed", "merged", "suspended", "due_fixed", "closed",
    "closed_late", "handled", "reworked", "file_steps", "file_on_time", "dispatch_steps",
    "dispatch_on_time", "rated", "rating_sum", "satisfied",
    *(f"n_{s}" for s in ROLLUP_STAGES),
)  # fmt: skip
ROLLUP_SUMS = (*ROLLUP_COUNTS, *(f"ms_{s}" for s in ROLLUP_STAGES))
ROLLUP_KEY = ("day", "grid_code", "unit", "reporter")


class RollupFigures(models.Model):
    """The figures of the roll-up, shared by a case's facts and a day's sums. `due_fixed`
    counts the cases due to close whatever the time (closed, or on no clock); a running
    case becomes due when its deadline passes, which the indicators count when asked."""

    # The day of reporting in the site's time zone, where it happened, the handling unit
    # and the reporter as plain numbers (0: none), so that the key has no nulls.
    day = models.DateField()
    grid_code = models.CharField(max_length=32)
    unit = models.BigIntegerField(default=0)
    reporter = models.BigIntegerField(default=0)
    reported = models.IntegerField(default=0)
    filed = models.IntegerField(default=0)
    not_filed = models.IntegerField(default=0)
    merged = models.IntegerField(default=0)
    suspended = models.IntegerField(default=0)
    due_fixed = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_late = models.IntegerField(default=0)
    handled = models.IntegerField(default=0)
    reworked = models.IntegerField(default=0)
    file_steps = models.IntegerField(default=0)
    file_on_time = models.IntegerField(default=0)
    dispatch_steps = models.IntegerField(default=0)
    dispatch_on_time = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    rating_sum = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    # Per stage: completed spells, and their wall-clock milliseconds.
    n_reported = models.IntegerField(default=0)
    n_filed = models.IntegerField(default=0)
    n_dispatched = models.IntegerField(default=0)
    n_in_progress = models.IntegerField(default=0)
    n_handled = models.IntegerField(default=0)
    n_suspended = models.IntegerField(default=0)
    ms_reported = models.BigIntegerField(default=0)
    ms_filed = models.BigIntegerField(default=0)
    ms_dispatched = models.BigIntegerField(default=0)
    ms_in_progress = models.BigIntegerField(default=0)
    ms_handled = models.BigIntegerField(default=0)
    ms_suspended = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class CaseFacts(RollupFigures):
    """What one case adds to the indicators (案件指標要素), worked out from its row and its
    timeline at every change (cases.rollup.refresh): the roll-up subtracts the old facts
    and adds the new ones."""

    case = models.OneToOneField(
        Case, primary_key=True, on_delete=models.CASCADE, related_name="facts"
    )

    class Meta:
        ordering = ["case"]
        verbose_name_plural = "case facts"

    def __str__(self) -> str:
        return f"facts of case {self.case_id}"


class CaseDay(RollupFigures):
    """The facts of the cases reported on one day, in one grid, handled by one unit and
    reported by one person, added up (案件指標日匯總): what the indicators read."""

    class Meta:
        ordering = ["grid_code", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid_code", "day", "unit", "reporter"], name="case_day_key",
                violation_error_message="One row per grid, day, unit and reporter.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.grid_code} {self.day}"
