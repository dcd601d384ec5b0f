"""Stable lowercase values with translatable labels for meetings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role


class Kind(models.TextChoices):
    # 網格員工作例會 (plan 4): the workers of a community go over their grids.
    WORKERS = "workers", _("Grid workers' regular meeting")
    # 黨建工作推進例會, every two months (plan 1): the party secretaries of a street/town.
    PARTY_BUILDING = "party_building", _("Party-building progress meeting")
    # 工作例會、推進會 (plan 2).
    WORK = "work", _("Work meeting")
    # 聯席會商 on major and hard issues (plan 2): may link the cases it is about.
    CONSULTATION = "consultation", _("Joint consultation")


class Presence(models.TextChoices):
    INVITED = "invited", _("not marked")
    PRESENT = "present", _("present")
    ABSENT = "absent", _("absent")
    EXCUSED = "excused", _("excused")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")


# What the task list filters on: "overdue" is computed (open, past its deadline).
TASK_FILTERS = (
    ("open", _("open")),
    ("overdue", _("overdue")),
    ("done", _("done")),
)

# Who is invited: people holding these roles in the subtree of the meeting's grid (and the
# chair). A street's work meeting would otherwise invite every volunteer and party member.
_STAFF = (
    Role.GRID_HEAD, Role.DEDICATED_HEAD, Role.GRID_WORKER, Role.GRID_INSTRUCTOR,
    Role.GRID_INFORMANT,
)  # fmt: skip
INVITED_ROLES: dict[str, tuple[str, ...]] = {
    Kind.WORKERS: _STAFF,
    Kind.PARTY_BUILDING: (Role.GRID_HEAD, Role.BRANCH_SECRETARY, Role.BRANCH_COMMITTEE),
    Kind.WORK: (*_STAFF, Role.DISPATCHER, Role.DEPARTMENT_HANDLER, Role.BRANCH_SECRETARY),
    Kind.CONSULTATION: (*_STAFF, Role.DISPATCHER, Role.DEPARTMENT_HANDLER, Role.BRANCH_SECRETARY),
}
