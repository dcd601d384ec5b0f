from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Share(models.TextChoices):
    """Why a person bears a deduction."""

    VIOLATOR = "violator", _("Committed it")
    JOINT = "joint", _("Joint liability")


# Plan 6, 獎懲辦法 b: the safety model gets +300 yuan, the worst department −300 yuan.
DEFAULT_REWARD = 300
DEFAULT_PENALTY = 300
# A person starts each month at this score; deductions are taken from it.
BASE_SCORE = 100
