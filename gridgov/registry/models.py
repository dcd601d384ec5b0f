"""The registry (人地物事情組織): buildings, households and residents.

This is the part the foundation needs (the demo district and the household-size standard);
tags, places, components, organisations and xlsx I/O come with the registry issue.
Personal data is encrypted at rest and found by keyed hash (docs/adr/0005).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.lib import crypto, idnumbers
from gridgov.core.models import TimeStamped

from .choices import HouseholdType, Relation, Sex


class Building(TimeStamped):
    """A building (樓棟) in a grid; its code is the grid's code + a 5-digit sequence."""

    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="buildings")
    grid_code = models.CharField(max_length=32)
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    floors = models.PositiveSmallIntegerField(_("floors"), default=1)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["grid_code"], name="building_grid_code_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Household(TimeStamped):
    """A household (戶), registered in the grid where it lives."""

    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="households")
    # Copied at write time (DESIGN idea 1): rollups group by its prefixes.
    grid_code = models.CharField(max_length=32)
    building = models.ForeignKey(
        Building, null=True, blank=True, on_delete=models.PROTECT, related_name="households"
    )
    address = models.CharField(_("address"), max_length=200)
    room = models.CharField(_("room"), max_length=20, blank=True)
    household_type = models.CharField(
        _("household type"), max_length=20, choices=HouseholdType.choices
    )

    class Meta:
        ordering = ["grid_code", "id"]
        indexes = [
            # Household counts per grid/community/street are ranges and prefixes of this.
            models.Index(fields=["grid_code"], name="household_grid_code_idx"),
        ]

    def __str__(self) -> str:
        return self.address


class Resident(TimeStamped):
    """A resident (居民) of a household. ID number and phone are stored encrypted."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="residents")
    grid_code = models.CharField(max_length=32)
    name = models.CharField(_("name"), max_length=50)
    id_number_enc = models.CharField(max_length=120)
    id_number_hash = models.CharField(max_length=40, unique=True)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    phone_enc = models.CharField(max_length=120, blank=True)
    relation = models.CharField(_("relation to head"), max_length=12, choices=Relation.choices)

    class Meta:
        ordering = ["grid_code", "household_id", "id"]
        indexes = [models.Index(fields=["grid_code"], name="resident_grid_code_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        """Masked for display; the unmasked read goes through an audited service."""
        return idnumbers.mask(crypto.decrypt(self.id_number_enc))
