"""Assessment (考核, R-ASSESS-1, R-STAFF-4): the indicator sets per subject, their
indicators with weight and banding, and the heads' manual scores (docs/adr/0026)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import TimeStamped

from .choices import SOURCES, Answer, Metric, PeriodKind, Satisfaction, Source, Subject


class IndicatorSet(TimeStamped):
    """An indicator set (考核指標體系) for one kind of subject: grid workers, grids (their
    heads) or departments. One active set per subject; its grade bands (A 90–100, B 75–89,
    C 60–74, D below 60 by default) are lower bounds of the total score."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    subject = models.CharField(_("assesses"), max_length=12, choices=Subject.choices)
    grade_a = models.PositiveSmallIntegerField(_("grade A from"), default=90)
    grade_b = models.PositiveSmallIntegerField(_("grade B from"), default=75)
    grade_c = models.PositiveSmallIntegerField(_("grade C from"), default=60)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["subject", "slug"]
        verbose_name = _("indicator set")
        verbose_name_plural = _("indicator sets")
        constraints = [
            models.UniqueConstraint(
                fields=["subject"], condition=Q(active=True), name="assessment_set_one_active",
                violation_error_message=_("Only one active set per subject."),
            ),
            models.CheckConstraint(
                condition=Q(grade_c__lt=F("grade_b"), grade_b__lt=F("grade_a"), grade_a__lte=100),
                name="assessment_set_grades_ordered",
                violation_error_message=_("Grades must rise: C < B < A ≤ 100."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name

    def grade(self, score: float | None) -> str:
        """The grade of a total score (its bands are lower bounds: 89.99 is a B)."""
        if score is None:
            return ""
        for letter, floor in (("A", self.grade_a), ("B", self.grade_b), ("C", self.grade_c)):
            if score >= floor:
                return letter
        return "D"


class Indicator(TimeStamped):
    """One indicator (考核指標) of a set: its raw figure, its weight, and its banding: the
    score runs linearly from 0 at `floor` to 100 at `target` and is held to 0–100, so a
    floor above the target makes lower better (返工率)."""

    set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    metric = models.CharField(_("figure"), max_length=24, choices=Metric.choices)
    weight = models.PositiveSmallIntegerField(_("weight"))
    floor = models.FloatField(_("scores 0 at"))
    target = models.FloatField(_("scores 100 at"))

    class Meta:
        ordering = ["set", "position", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["set", "metric"], name="assessment_indicator_once",
                violation_error_message=_("A figure appears once in a set."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0), name="assessment_indicator_weight",
                violation_error_message=_("The weight must be positive."),
            ),
            models.CheckConstraint(
                condition=~Q(floor=F("target")), name="assessment_indicator_band",
                violation_error_message=_("The floor and the target must differ."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return str(self.get_metric_display())

    @property
    def source(self) -> str:
        return SOURCES[self.metric]

    @property
    def source_label(self) -> str:
        return str(Source(self.source).label)

    def band(self, raw: float | None) -> float | None:
        """The score (0–100, two decimals) of a raw figure; None without a figure."""
        if raw is None:
            return None
        share = (raw - self.floor) / (self.target - self.floor)
        return round(100 * min(1.0, max(0.0, share)), 2)


class ManualScore(TimeStamped):
    """A head's score (評分) of a subject for a period on a manual indicator, with the
    reason; entered and changed through `services.enter_score` only (audited)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="scores")
    subject_key = models.CharField(_("subject"), max_length=32)
    grid_code = models.CharField(_("grid code"), max_length=32, db_index=True)
    kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    start = models.DateField(_("period start"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=500)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-start", "indicator", "subject_key"]
        verbose_name = _("manual score")
        verbose_name_plural = _("manual scores")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "subject_key", "kind", "start"],
                name="assessment_score_once",
                violation_error_message=_("One score per subject and period."),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="assessment_score_range",
                violation_error_message=_("A score runs from 0 to 100."),
            ),
        ]  # fmt: skip


class SurveyResponse(models.Model):
    """One resident's answers on a grid's public survey page (群眾滿意度測評): anonymous by
    design — no name, no address, no client address kept (the page's rate limit counts a
    keyed hash elsewhere); the comment refuses phone and ID numbers."""

    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(max_length=32)
    answered_on = models.DateField()
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction with the grid's service"), choices=Satisfaction.choices
    )
    knows_worker = models.CharField(
        _("knows the grid worker"), max_length=6, choices=Answer.choices
    )
    visited = models.CharField(
        _("visited at home in the last three months"), max_length=6, choices=Answer.choices
    )
    comment = models.CharField(_("comment"), max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-answered_on", "-id"]
        indexes = [
            # A subtree's answers in a period (cards and the results page).
            models.Index(fields=["grid_code", "answered_on"], name="survey_grid_day_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5),
                name="survey_satisfaction_range",
            ),
        ]

    def __str__(self) -> str:
        return f"survey {self.grid_code} {self.answered_on}"


class LeadReward(TimeStamped):
    """A reward for a valuable lead (一事一獎, plan 7): one per case, to the person who
    brought it, with the amount and the reason; given by a head with "assess" where the
    case is (`services.reward_lead`, audited). Never edited."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(max_length=32, db_index=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lead_rewards",
        verbose_name=_("rewarded"),
    )  # fmt: skip
    amount = models.DecimalField(_("amount (yuan)"), max_digits=9, decimal_places=2)
    reason = models.CharField(_("why the lead was valuable"), max_length=500)
    awarded_on = models.DateField(_("awarded on"))
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-awarded_on", "-id"]
        verbose_name = _("lead reward")
        verbose_name_plural = _("lead rewards")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="lead_reward_amount_positive",
                violation_error_message=_("The amount must be positive."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"reward {self.case_id} {self.amount}"
