"""Enterprise safety grids (plan 6): the scheme of an enterprise, its deduction rules
(考核細則), violations (違章) with joint liability (連帶管理責任), the append-only deduction
ledger, and the closed months (docs/adr/0030-enterprise-safety.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import TimeStamped
from gridgov.registry.models import ScopedQuerySet

from .choices import BASE_SCORE, DEFAULT_PENALTY, DEFAULT_REWARD, Share


class Scheme(TimeStamped):
    """An enterprise's safety grid management (網格化安全管理): its root grid in the
    enterprise-safety network, what a deducted point costs, and the month's reward and
    penalty (plan 6: ±300 yuan)."""

    grid = models.OneToOneField("grids.Grid", on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(_("enterprise"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    yuan_per_point = models.DecimalField(
        _("yuan per point deducted"), max_digits=7, decimal_places=2, default=10
    )
    model_reward = models.DecimalField(
        _("safety model's reward (yuan)"), max_digits=9, decimal_places=2, default=DEFAULT_REWARD
    )
    worst_penalty = models.DecimalField(
        _("worst department's penalty (yuan)"), max_digits=9, decimal_places=2,
        default=DEFAULT_PENALTY,
    )  # fmt: skip
    base_score = models.PositiveSmallIntegerField(_("monthly base score"), default=BASE_SCORE)
    starts_on = models.DateField(_("starts on"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["grid_code"]
        verbose_name = _("enterprise safety scheme")
        verbose_name_plural = _("enterprise safety schemes")
        constraints = [
            models.CheckConstraint(
                condition=Q(yuan_per_point__gte=0, model_reward__gte=0, worst_penalty__gte=0),
                name="safety_scheme_amounts",
                violation_error_message=_("Amounts cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Rule(TimeStamped):
    """One line of the enterprise's rules (考核細則): what is a violation, the points deducted
    from whoever committed it, and from each member of the grid who did not stop it."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="rules")
    code = models.SlugField(_("code"), max_length=20)
    text = models.CharField(_("violation"), max_length=200)
    points = models.PositiveSmallIntegerField(_("points deducted from the violator"))
    joint_points = models.PositiveSmallIntegerField(
        _("points deducted from each member who did not stop it"), default=0
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["scheme", "code"]
        verbose_name = _("safety rule")
        verbose_name_plural = _("safety rules")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "code"], name="safety_rule_code_once",
                violation_error_message=_("The enterprise has a rule with this code."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class Violation(TimeStamped):
    """A violation seen in a grid of the enterprise: by one of its people or by an outsider
    (外來人員: described, not registered), who stopped it, who recorded it. Never edited; a
    mistaken one is reversed (its deductions cancelled by reversing entries)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="violations")
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(max_length=32)
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="violations")
    happened_on = models.DateField(_("day"))
    violator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("violator"),
    )  # fmt: skip
    outsider = models.CharField(_("outsider"), max_length=100, blank=True, default="")
    stoppers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("stopped by")
    )
    notes = models.TextField(_("notes"), max_length=2000, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversal_reason = models.CharField(max_length=300, blank=True, default="")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(violator__isnull=False) & Q(outsider=""))
                | (Q(violator__isnull=True) & ~Q(outsider="")),
                name="safety_violation_one_violator",
                violation_error_message=_("Name the violator or describe the outsider."),
            ),
        ]
        indexes = [models.Index(fields=["scheme", "happened_on"], name="violation_month_idx")]

    def __str__(self) -> str:
        return f"violation {self.public_id}"


class Deduction(models.Model):
    """One person's deduction (扣分) for a violation, as the violator or jointly; a reversal
    is a new entry of the same share with the opposite points. Append-only: the month's
    figures are sums."""

    violation = models.ForeignKey(Violation, on_delete=models.PROTECT, related_name="deductions")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(max_length=32)
    day = models.DateField()
    share = models.CharField(max_length=8, choices=Share.choices)
    # Signed: a deduction is negative, its reversal positive.
    points = models.IntegerField()
    reversal = models.BooleanField(default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["day", "id"]
        indexes = [models.Index(fields=["grid_code", "day"], name="deduction_grid_day_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.day} {self.points:+d}"


class MonthClose(TimeStamped):
    """A closed month (月度考評): the incentive fund it raised, the safety model (安全管理標兵,
    filed for the year-end awards) and the worst department, as the heads chose them among
    the best and worst (ties are theirs to settle). No violation of a closed month may be
    recorded or reversed afterwards."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="closes")
    month = models.DateField(_("month"))
    points = models.IntegerField(_("points deducted"))
    fund_in = models.DecimalField(_("deductions into the fund"), max_digits=11, decimal_places=2)
    model = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("safety model"),
    )  # fmt: skip
    model_score = models.IntegerField(null=True)
    reward = models.DecimalField(max_digits=9, decimal_places=2)
    worst = models.ForeignKey(
        "grids.Grid", null=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("worst department"),
    )  # fmt: skip
    worst_score = models.FloatField(null=True)
    penalty = models.DecimalField(max_digits=9, decimal_places=2)
    balance = models.DecimalField(_("fund balance"), max_digits=11, decimal_places=2)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True, default="")

    class Meta:
        ordering = ["scheme", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "month"], name="safety_month_closed_once",
                violation_error_message=_("This month is closed already."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.scheme} {self.month:%Y-%m}"
