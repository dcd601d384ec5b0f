"""Stable lowercase values with translatable labels for the case loop."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """Where a case is in the loop: 信息收集 → 案卷建立 → 任務派遣 → 任務處理 → 處理反饋 →
    核實結案 (→ 綜合評價, the feedback on a closed case)."""

    REPORTED = "reported", _("Reported")
    FILED = "filed", _("Filed")
    DISPATCHED = "dispatched", _("Dispatched")
    IN_PROGRESS = "in_progress", _("In progress")
    HANDLED = "handled", _("Handled")
    CLOSED = "closed", _("Closed")
    SUSPENDED = "suspended", _("Suspended")
    NOT_FILED = "not_filed", _("Not filed")
    MERGED = "merged", _("Merged as duplicate")


OPEN_STAGES = (
    Stage.REPORTED,
    Stage.FILED,
    Stage.DISPATCHED,
    Stage.IN_PROGRESS,
    Stage.HANDLED,
    Stage.SUSPENDED,
)
ENDED_STAGES = (Stage.CLOSED, Stage.NOT_FILED, Stage.MERGED)
# Open and on a clock (a suspended case's clock is stopped).
RUNNING_STAGES = tuple(s for s in OPEN_STAGES if s != Stage.SUSPENDED)


class Source(models.TextChoices):
    """Who found it (R-CASE-6)."""

    PATROL = "patrol", _("Grid worker on patrol")
    RESIDENT = "resident", _("Resident")
    INFORMANT = "informant", _("Dedicated-grid informant")
    INSPECTION = "inspection", _("Inspection")
    HOTLINE = "hotline", _("Hotline or message")


class Action(models.TextChoices):
    FILE = "file", _("File the case")
    REJECT = "reject", _("Do not file")
    MERGE = "merge", _("Merge as duplicate")
    DISPATCH = "dispatch", _("Dispatch")
    ACCEPT = "accept", _("Accept")
    HANDLE = "handle", _("Report handled")
    SETTLE = "settle", _("Settled on the spot")
    VERIFY = "verify", _("Verify and close")
    REWORK = "rework", _("Send back for rework")
    ESCALATE = "escalate", _("Escalate")
    RETURN = "return", _("Return: not ours to handle")
    SUSPEND = "suspend", _("Suspend")
    RESUME = "resume", _("Resume")
    FEEDBACK = "feedback", _("Record the reporter's feedback")
