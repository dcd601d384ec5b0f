from django.db import models
from django.utils.translation import gettext_lazy as _

from .lib import worktime


class LimitKind(models.TextChoices):
    """The four kinds of time limit of GB/T 30428 (gridgov.core.lib.worktime, ADR 0016)."""

    EMERGENCY_HOURS = worktime.EMERGENCY_HOURS, _("emergency hours (continuous)")
    WORKING_HOURS = worktime.WORKING_HOURS, _("working hours")
    WORKING_DAYS = worktime.WORKING_DAYS, _("working days")
    NATURAL_DAYS = worktime.NATURAL_DAYS, _("natural days")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("holiday")
    WORKDAY = "workday", _("make-up working day")
