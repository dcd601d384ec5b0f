"""Stable lowercase values with translatable labels for patrols and inspections."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Cadence(models.TextChoices):
    """How often a schedule falls due (ADR 0025): each day; once a week, due on a weekday;
    once a month, due on a day of it (0: its last day, 月末)."""

    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class Targets(models.TextChoices):
    """What one occurrence asks: an inspection of every grid under the schedule's node
    (月檢查: 對全部範圍網格), or one inspection somewhere under it (周抽查: a spot check)."""

    EACH_GRID = "each_grid", _("Every grid under it")
    ONCE = "once", _("Once, anywhere under it")


class Outcome(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NA = "na", _("Not applicable")


class Kind(models.TextChoices):
    SAFETY = "safety", _("Safety and environment")
    HYGIENE = "hygiene", _("Hygiene")
    OTHER = "other", _("Other")


WEEKDAYS = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
    (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday")),
]  # fmt: skip
