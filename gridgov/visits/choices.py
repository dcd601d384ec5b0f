"""Stable lowercase values with translatable labels for visits."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The rule of the households no attention tag puts on a shorter round (visit-rule kind).
EVERYONE = "everyone"


class Unit(models.TextChoices):
    """The unit of a visit rule's interval. Months and years are calendar ones: a visit
    on 31 January, monthly, is due again on 28 (29) February (core.lib.frequency)."""

    DAY = "day", _("days")
    WEEK = "week", _("weeks")
    MONTH = "month", _("months")
    YEAR = "year", _("years")


class Kind(models.TextChoices):
    REGULAR = "regular", _("Regular visit")
    FOLLOW_UP = "follow_up", _("Follow-up visit after a case")


class Mood(models.TextChoices):
    """How the people the worker heard seemed (民情): the diary's one structured judgement,
    so that heads can look for the tense entries first."""

    CALM = "calm", _("Calm")
    CONCERNED = "concerned", _("Concerned")
    DISCONTENT = "discontent", _("Discontent")
    TENSE = "tense", _("Tense")
