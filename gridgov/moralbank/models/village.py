"""A village in the scheme, its representatives' meetings, scoring rules and review group."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import TimeStamped
from gridgov.core.scope import scope_q

from ..choices import CapPeriod, Category


class VillageQuerySet(models.QuerySet["Village"]):
    def visible_to(self, user: Any, right: str = "view") -> VillageQuerySet:
        return self.filter(scope_q(user, "grid_code", right))


class Village(TimeStamped):
    """A village taking part in the moral bank (參與村), from `starts_on`: every household
    registered under its grid has a savings account (儲蓄基本賬戶). The notice lasts
    `notice_days` (plan 8: 5); the year-end ranking proposes `top_n` households (5–10)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    grid = models.OneToOneField("grids.Grid", on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("taking part from"))
    notice_days = models.PositiveSmallIntegerField(_("days of public notice"), default=5)
    top_n = models.PositiveSmallIntegerField(_("households proposed at year end"), default=10)
    # What the village chooses to publish of a household on its public page: by default the
    # head's surname and the card number (张** · 0012), the full name only if it decides so.
    publish_names = models.BooleanField(_("publish the heads' full names"), default=False)
    seal = models.FileField(_("seal of the village committee"), upload_to="moralbank/seals/",
                            blank=True)  # fmt: skip
    next_card = models.PositiveIntegerField(default=1)

    objects = VillageQuerySet.as_manager()

    class Meta:
        ordering = ["grid_code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(notice_days__gte=1, notice_days__lte=30),
                name="mb_village_notice_days",
                violation_error_message=_("A notice lasts 1 to 30 days."),
            ),
            models.CheckConstraint(
                condition=Q(top_n__gte=5, top_n__lte=10),
                name="mb_village_top_n",
                violation_error_message=_("The year end proposes 5 to 10 households."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grid_code} {self.name}"

    def takes_part(self, day: dt.date) -> bool:
        return self.starts_on <= day


class RepresentativesMeeting(TimeStamped):
    """A villagers' representatives' meeting (村民代表會議) that adopts scoring rules or
    elects a review group: the day, how many came of how many, the resolution."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("held on"))
    present = models.PositiveSmallIntegerField(_("representatives present"))
    total = models.PositiveSmallIntegerField(_("representatives in all"))
    resolution = models.TextField(_("resolution"), max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(present__lte=models.F("total"), total__gte=1),
                name="mb_meeting_attendance",
                violation_error_message=_("No more representatives present than in all."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.held_on}"


class RuleSet(TimeStamped):
    """A version of a village's scoring rules (評分細則). Drafted, then adopted by a
    representatives' meeting and published on `published_on`; it applies from
    `applies_from`, after it was shown (a deed is scored by the set in force on its day).
    Items of an adopted set never change: a change is a new version."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="rule_sets")
    version = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=200)
    adopted_by = models.ForeignKey(
        RepresentativesMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    applies_from = models.DateField(_("applies from"), null=True, blank=True)

    class Meta:
        ordering = ["village_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "version"],
                name="mb_ruleset_version",
                violation_error_message=_("This village has a rule set of this version."),
            ),
            models.CheckConstraint(
                condition=Q(
                    adopted_by__isnull=True, published_on__isnull=True, applies_from__isnull=True
                )
                | Q(
                    adopted_by__isnull=False,
                    published_on__isnull=False,
                    applies_from__gt=models.F("published_on"),
                ),
                name="mb_ruleset_shown_before_applied",
                violation_error_message=_("Rules are published before they apply."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} v{self.version}"

    @property
    def adopted(self) -> bool:
        return self.adopted_by_id is not None


class RuleItem(models.Model):
    """One item of the scoring rules (評分細則條目): points added or taken away, whether
    evidence is required, the most it can give a household per quarter or year. Honours
    are items of their category; veto items (否決項) give no points but put the household on
    the year's negative list."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=10)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    title = models.CharField(_("item"), max_length=200)
    points = models.SmallIntegerField(_("points"))
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    cap = models.PositiveSmallIntegerField(_("cap"), null=True, blank=True)
    cap_period = models.CharField(_("cap per"), max_length=8, choices=CapPeriod.choices, blank=True)

    class Meta:
        ordering = ["rule_set_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "code"],
                name="mb_item_code",
                violation_error_message=_("This rule set has an item of this code."),
            ),
            models.CheckConstraint(
                condition=Q(category=Category.VETO, points=0)
                | (~Q(category=Category.VETO) & ~Q(points=0)),
                name="mb_item_points",
                violation_error_message=_("An item gives points; a veto item gives none."),
            ),
            models.CheckConstraint(
                condition=Q(cap__isnull=True, cap_period="")
                | Q(cap__isnull=False, cap__gte=1, cap_period__in=CapPeriod.values),
                name="mb_item_cap",
                violation_error_message=_("A cap has a period (quarter or year)."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_veto(self) -> bool:
        return self.category == Category.VETO


class ReviewGroup(TimeStamped):
    """The village's review group (評議小組, 5–7 members), elected by a representatives'
    meeting; the latest elected by a day is the one in office that day."""

    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="review_groups")
    elected_by = models.ForeignKey(
        RepresentativesMeeting, on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("in office from"))
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")

    class Meta:
        ordering = ["village_id", "-starts_on", "-id"]

    def __str__(self) -> str:
        return f"{self.village_id} from {self.starts_on}"
