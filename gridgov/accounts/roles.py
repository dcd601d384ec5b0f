"""Roles and the rights they carry: one table, read by views, API and tests.

Roles are held on a grid (an Assignment); the right applies to that grid's subtree.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    GRID_HEAD = "grid_head", _("Grid head")
    GRID_ADMIN = "grid_admin", _("Grid administrator")
    DISPATCHER = "dispatcher", _("Command-centre dispatcher")
    AUDITOR = "auditor", _("Auditor")


class Right(models.TextChoices):
    VIEW = "view", _("View")
    CHANGE_GRIDS = "grids.change", _("Create, edit and retire grids")
    VIEW_AUDIT = "audit.view", _("Read the audit trail")
    CHANGE_REGISTRY = "registry.change", _("Register and edit households, residents, places")
    # A separate right (R-REG-4): seeing an ID number or phone in full, with a reason, logged.
    REVEAL = "personal.reveal", _("See ID numbers and phones unmasked")


RIGHTS: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset({Right.VIEW, Right.CHANGE_REGISTRY}),
    Role.GRID_HEAD: frozenset({Right.VIEW, Right.CHANGE_REGISTRY, Right.REVEAL}),
    Role.GRID_ADMIN: frozenset({Right.VIEW, Right.CHANGE_GRIDS}),
    Role.DISPATCHER: frozenset({Right.VIEW}),
    Role.AUDITOR: frozenset({Right.VIEW, Right.VIEW_AUDIT}),
}
