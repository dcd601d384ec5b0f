"""Roads (道路) that bound blocks, and division drafts (網格劃分方案) awaiting acceptance.

Imported by grids.models so that they belong to the grids app.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import TimeStamped

from ..choices import DraftStatus, RoadKind


class Road(TimeStamped):
    """A road, street or lane (道路、街巷): an easily recognised line grids are bounded by
    (plan 4). Geometry is a GeoJSON LineString or MultiLineString in WGS84/CGCS2000."""

    name = models.CharField(_("name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=RoadKind.choices)
    geometry = models.JSONField(_("geometry"))
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()

    class Meta:
        ordering = ["id"]
        indexes = [
            # Division reads the roads whose box meets the parent's box.
            models.Index(fields=["min_lon", "max_lon"], name="road_lon_idx"),
        ]

    def __str__(self) -> str:
        return self.name or f"road {self.pk}"


class DivisionDraft(TimeStamped):
    """A proposed division (網格劃分方案) of a grid's ground into grids: its blocks, which
    grid each block goes to, and the grids today's division had. Edited by moving blocks;
    accepted as one transaction (grids.division.drafts.accept)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    parent = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="division_drafts"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DraftStatus.choices, default=DraftStatus.DRAFT
    )
    minimum = models.PositiveIntegerField(_("minimum households"))
    target = models.PositiveIntegerField(_("target households"))
    maximum = models.PositiveIntegerField(_("maximum households"))
    # Per block: {"geometry": GeoJSON, "households": n, "members": [[building id, code, n]]}.
    blocks = models.JSONField(default=list)
    # The block graph: areas, perimeters, centres (metres) and shared edges, for figures.
    graph = models.JSONField(default=dict)
    labels = models.JSONField(default=list)  # the region of each block
    # Edits check it: two editors of one draft apply one after the other, never blindly.
    version = models.PositiveIntegerField(default=1)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    seconds = models.FloatField(default=0)  # how long the proposal took

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum__gt=0)
                & Q(minimum__lte=F("target"))
                & Q(target__lte=F("maximum")),
                name="division_draft_bounds",
                violation_error_message=_("The bounds must be 0 < minimum ≤ target ≤ maximum."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "accepted", "discarded"]),
                name="division_draft_status",
                violation_error_message=_("Unknown draft status."),
            ),
        ]
        indexes = [
            # A grid's page lists its open drafts.
            models.Index(fields=["parent", "status"], name="division_draft_parent_idx"),
        ]

    def __str__(self) -> str:
        return f"division draft {self.public_id}"
