"""Networks of grids (網格體系) and their grids (網格)."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.lib import codes as codelib
from gridgov.core.models import TimeStamped
from gridgov.core.scope import scope_q

from .choices import DedicatedType, GridKind, NetworkKind


class Network(TimeStamped):
    """A network of grids over the ground (網格體系), a tree with its own level names.

    `level_names[d]` names depth d (0 = the root, usually a county); `code_lengths[d]` is the
    number of digits a code has at that depth (docs/adr/0002-grid-codes.md).
    """

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=NetworkKind.choices)
    level_names = models.JSONField(_("level names"))
    code_lengths = models.JSONField(_("code lengths"))
    # The depth at which grids proper (網格) sit: the household-size standard applies there.
    grid_depth = models.PositiveSmallIntegerField(_("grid level"))

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def level_name(self, depth: int) -> str:
        names = self.level_names
        return names[depth] if depth < len(names) else str(depth)


class GridQuerySet(models.QuerySet["Grid"]):
    def current(self, at: dt.date | None = None) -> GridQuerySet:
        """Grids in force on `at` (default today): begun, and not yet retired."""
        at = at or timezone.localdate()
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at), valid_from__lte=at)

    def visible_to(self, user: Any, right: str | None = None) -> GridQuerySet:
        return self.filter(scope_q(user, "code", right))

    def subtree(self, code: str) -> GridQuerySet:
        low, high = codelib.subtree_range(code)
        return self.filter(code__gte=low, code__lt=high)


class Grid(TimeStamped):
    """A grid (網格) or any node of a network: county, street/town, community/village, grid.

    Never deleted and never re-coded: re-division retires a grid (`valid_to`) and records its
    successors, so whatever was filed under it keeps pointing at it (R-GRID-5).
    """

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="grids")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    depth = models.PositiveSmallIntegerField()
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=20, choices=GridKind.choices, default=GridKind.COMPREHENSIVE
    )
    subtype = models.CharField(
        _("dedicated type"), max_length=20, choices=DedicatedType.choices, blank=True
    )
    # A dedicated grid lies in a comprehensive grid ("四包一", R-GRID-7).
    host = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="dedicated_grids"
    )
    boundary = models.JSONField(_("boundary"), null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = GridQuerySet.as_manager()

    class Meta:
        ordering = ["network_id", "code"]
        constraints = [
            # Unique across retired grids too: a code is never reused.
            models.UniqueConstraint(
                fields=["network", "code"],
                name="grid_code_unique",
                violation_error_message=_("This code is already used in this network."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="grid_valid_range",
                violation_error_message=_("A grid cannot end before it begins."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="comprehensive") & Q(subtype=""))
                | (Q(kind="dedicated") & ~Q(subtype="")),
                name="grid_kind_subtype",
                violation_error_message=_("Dedicated grids, and only they, have a type."),
            ),
        ]
        indexes = [
            # The tree page lists the children of one node.
            models.Index(fields=["parent", "code"], name="grid_children_idx"),
            # Subtree scans are ranges on code (DESIGN idea 1).
            models.Index(fields=["code"], name="grid_code_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("grids are retired, never deleted (see grids.services.retire_grid)")

    @property
    def level_name(self) -> str:
        return self.network.level_name(self.depth)

    @property
    def statistical_code(self) -> str | None:
        """The 12-digit statistical division code, for a county, street or community."""
        if self.depth <= 2 and len(self.code) in (6, 9, 12):
            return codelib.statistical_code(self.code)
        return None

    @property
    def is_grid_level(self) -> bool:
        return self.depth == self.network.grid_depth

    def is_current(self, at: dt.date | None = None) -> bool:
        at = at or timezone.localdate()
        return self.valid_from <= at and (self.valid_to is None or self.valid_to > at)

    @cached_property
    def geometry(self) -> Any:
        from gridgov.core.lib.geo import parse_boundary

        return parse_boundary(self.boundary) if self.boundary else None

    def snapshot(self) -> dict[str, Any]:
        """What the audit trail keeps of a grid."""
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "subtype": self.subtype,
            "parent": self.parent.code if self.parent_id and self.parent else None,
            "host": self.host.code if self.host_id and self.host else None,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "boundary_vertices": _vertex_count(self.boundary),
        }


def _vertex_count(boundary: Any) -> int:
    if not boundary:
        return 0
    coords = boundary["coordinates"]
    polys = coords if boundary["type"] == "MultiPolygon" else [coords]
    return sum(len(ring) for poly in polys for ring in poly)


class GridSuccession(models.Model):
    """Which grid took over from which when a grid was re-divided (網格調整)."""

    predecessor = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="successions")
    successor = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="precessions")
    date = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date", "predecessor_id", "successor_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="grid_succession_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id} ({self.date})"


# Roads and division drafts live in grids.division; importing them here registers them in
# the grids app.
from .division.models import DivisionDraft, Road  # noqa: E402

__all__ = ["DivisionDraft", "Grid", "GridSuccession", "Network", "Road"]
