"""The registry (人地物事情組織): buildings, households, residents, attention tags, places,
managed components and organisations.

Personal data (ID numbers, phones) is stored encrypted and found by keyed hash; lists show
the masked form kept beside it, so that no list decrypts anything (docs/adr/0005, 0007).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.core.models import TimeStamped
from gridgov.core.scope import scope_q

from .choices import (
    ComponentMajor,
    DocumentType,
    HouseholdType,
    OrganisationKind,
    PlaceKind,
    Relation,
    ResidenceStatus,
    ResidentEventKind,
    ResidentStatus,
    Sex,
    TagKind,
)


class ScopedQuerySet(models.QuerySet):
    """Rows carry the `grid_code` of where they are; scope is a range on it (ADR 0003)."""

    def visible_to(self, user: Any, right: str | None = None) -> ScopedQuerySet:
        return self.filter(scope_q(user, "grid_code", right))


class Building(TimeStamped):
    """A building (樓棟) in a grid; its code is the grid's code + a 5-digit sequence."""

    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="buildings")
    grid_code = models.CharField(max_length=32)
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    footprint = models.JSONField(_("footprint"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), default=1)
    units = models.PositiveSmallIntegerField(_("units"), default=1, db_default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["grid_code"], name="building_grid_code_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Household(TimeStamped):
    """A household (戶), registered in the grid where it lives."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="households")
    # Copied at write time (DESIGN idea 1): rollups group by its prefixes.
    grid_code = models.CharField(max_length=32)
    building = models.ForeignKey(
        Building, null=True, blank=True, on_delete=models.PROTECT, related_name="households"
    )
    address = models.CharField(_("address"), max_length=200)
    unit = models.CharField(_("unit"), max_length=10, blank=True, db_default="")
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    room = models.CharField(_("room"), max_length=20, blank=True)
    household_type = models.CharField(
        _("household type"), max_length=20, choices=HouseholdType.choices
    )
    # Residents living here; kept by the registry services with F() in the same
    # transaction as the move (checkable against a COUNT, see services.check_member_counts).
    member_count = models.PositiveSmallIntegerField(_("members"), default=0, db_default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["grid_code", "id"]
        indexes = [
            # Household counts per grid/community/street are ranges and prefixes of this.
            models.Index(fields=["grid_code"], name="household_grid_code_idx"),
        ]

    def __str__(self) -> str:
        # Not the address, which says where a person lives: as Resident.__str__.
        return f"household {self.public_id}"


class Resident(TimeStamped):
    """A resident (居民). ID number and phone are stored encrypted, with a masked copy.

    A person is one row, in at most one household: the household is a single foreign key,
    and moving is a service that changes it and records a ResidentEvent.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="residents"
    )
    grid_code = models.CharField(max_length=32)
    name = models.CharField(_("name"), max_length=50)
    # Search keys: full pinyin without tones or spaces ("zhangsan") and initials ("zs").
    name_pinyin = models.CharField(max_length=120, blank=True, db_default="")
    name_initials = models.CharField(max_length=20, blank=True, db_default="")
    document_type = models.CharField(
        _("document type"),
        max_length=24,
        choices=DocumentType.choices,
        default=DocumentType.RESIDENT_ID,
        db_default=DocumentType.RESIDENT_ID,
    )
    id_number_enc = models.CharField(max_length=120)
    # Never NULL (the check below); nullable in the schema only so that the unique index
    # below can be a separate, conditional one that SQLite uses for lookups (ADR 0009).
    id_number_hash = models.CharField(max_length=40, null=True)  # noqa: DJ001
    id_masked = models.CharField(_("ID number"), max_length=32, blank=True, db_default="")
    # The last four characters, as the masked form shows them: "search by last digits".
    id_tail = models.CharField(max_length=4, blank=True, db_default="")
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    phone_enc = models.CharField(max_length=120, blank=True)
    phone_hash = models.CharField(max_length=40, blank=True, db_default="")
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, db_default="")
    phone_tail = models.CharField(max_length=4, blank=True, db_default="")
    relation = models.CharField(_("relation to head"), max_length=12, choices=Relation.choices)
    residence_status = models.CharField(
        _("residence status"),
        max_length=12,
        choices=ResidenceStatus.choices,
        default=ResidenceStatus.REGISTERED,
        db_default=ResidenceStatus.REGISTERED,
    )
    floating_until = models.DateField(
        _("residence registration valid until"), null=True, blank=True
    )
    nationality = models.CharField(_("nationality"), max_length=60, blank=True, db_default="")
    party_member = models.BooleanField(_("party member"), default=False, db_default=False)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ResidentStatus.choices,
        default=ResidentStatus.ACTIVE,
        db_default=ResidentStatus.ACTIVE,
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["grid_code", "household_id", "id"]
        indexes = [
            models.Index(fields=["grid_code"], name="resident_grid_code_idx"),
            # Search (registry.search): prefix matches on name, pinyin and initials, listed
            # by (column, id), so that the database reads a page's rows off the index in
            # order (PostgreSQL otherwise sorts every match; SQLite's indexes end in the
            # rowid anyway).
            models.Index(fields=["name", "id"], name="resident_name_idx"),
            models.Index(fields=["name_pinyin", "id"], name="resident_pinyin_idx"),
            models.Index(fields=["name_initials", "id"], name="resident_initials_idx"),
            models.Index(fields=["phone_hash"], name="resident_phone_hash_idx"),
            models.Index(fields=["id_tail"], name="resident_id_tail_idx"),
            models.Index(fields=["phone_tail"], name="resident_phone_tail_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(id_number_hash__isnull=False), name="resident_id_number_hash_present"
            ),
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=Q(id_number_hash__isnull=False),
                name="resident_id_number_hash_key",
                violation_error_message=_("This ID number is already registered."),
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(household__isnull=False),
                name="resident_active_has_household",
                violation_error_message=_("A resident who lives here belongs to a household."),
            ),
        ]

    def __str__(self) -> str:
        # Not the name: a str() ends up in tracebacks and logs (docs/adr/0011-input-text.md).
        return f"resident {self.public_id}"


class ResidentEvent(models.Model):
    """A line of a resident's history (遷入、遷出、死亡): where from, where to, when, who."""

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=12, choices=ResidentEventKind.choices)
    date = models.DateField()
    from_household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resident_id", "date", "id"]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.kind} {self.date}"


class Tag(TimeStamped):
    """An attention tag (重點關注) on a resident or a household, with its own details."""

    resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="tags"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="tags"
    )
    grid_code = models.CharField(max_length=32)
    kind = models.CharField(_("tag"), max_length=20, choices=TagKind.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    # Fields of the tag's own kind (registry.tags.DETAILS says which), e.g. disability grade.
    details = models.JSONField(_("details"), default=dict, blank=True)
    reviewed_at = models.DateField(_("last reviewed"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["grid_code", "kind", "id"]
        indexes = [models.Index(fields=["grid_code", "kind"], name="tag_grid_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(resident__isnull=False, household__isnull=True)
                | Q(resident__isnull=True, household__isnull=False),
                name="tag_one_subject",
                violation_error_message=_("A tag is on a resident or on a household."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="tag_valid_range",
                violation_error_message=_("A tag cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.start}"


class Place(TimeStamped):
    """A place (場所) in a grid: shops, rentals, venues."""

    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="places")
    grid_code = models.CharField(max_length=32)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=PlaceKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["grid_code", "name"]
        indexes = [models.Index(fields=["grid_code"], name="place_grid_code_idx")]

    def __str__(self) -> str:
        return self.name


class Component(TimeStamped):
    """A managed component (部件), GB/T 30428: 16-digit id = county 6 + major 2 + minor 2 +
    serial 6."""

    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="components")
    grid_code = models.CharField(max_length=32)
    code = models.CharField(_("component id"), max_length=16, unique=True)
    major = models.CharField(_("major class"), max_length=2, choices=ComponentMajor.choices)
    minor = models.CharField(_("minor class"), max_length=2)
    name = models.CharField(_("name"), max_length=100)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["grid_code"], name="component_grid_code_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Organisation(TimeStamped):
    """An organisation (組織): enterprise, social organisation or unit in the area."""

    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="organisations")
    grid_code = models.CharField(max_length=32)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=24, choices=OrganisationKind.choices)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    phone_enc = models.CharField(max_length=120, blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["grid_code", "name"]
        indexes = [models.Index(fields=["grid_code"], name="organisation_grid_code_idx")]

    def __str__(self) -> str:
        return self.name


class AccessLog(models.Model):
    """An unmasked read of personal data (敏感信息查看記錄): who saw whose what, when, why."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grid_code = models.CharField(max_length=32)
    field = models.CharField(max_length=20)
    reason = models.CharField(max_length=200)
    channel = models.CharField(max_length=10, default="web")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor", "-at"], name="accesslog_actor_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.field}"


class ImportJob(TimeStamped):
    """A spreadsheet import (批量導入) of households, residents or attention tags, run in the
    background.

    The uploaded file is kept encrypted (it holds ID numbers and phones, DESIGN idea 6) until
    the job is purged; progress counters are columns so that any process can report them
    (registry.imports, docs/adr/0008-task-queue.md).
    """

    class Kind(models.TextChoices):
        HOUSEHOLDS = "households", pgettext_lazy("import of", "Households")
        RESIDENTS = "residents", pgettext_lazy("import of", "Residents")
        TAGS = "tags", pgettext_lazy("import of", "Attention tags")

    class Mode(models.TextChoices):
        ALL = "all", _("All rows or nothing")
        VALID = "valid", _("Import the valid rows")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        VALIDATING = "validating", _("Checking rows")
        WRITING = "writing", _("Saving")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Rejected: nothing saved")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Null for the command line run without --user (the operator of the machine).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.ALL)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    language = models.CharField(max_length=10, default="zh-hans")
    filename = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    # The upload and the error workbook, encrypted (core.lib.crypto); emptied by the purge.
    content_enc = models.TextField(blank=True)
    error_file_enc = models.TextField(blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    checked_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    # What was written: created, updated, unchanged, moved_in, households_created, …
    counts = models.JSONField(default=dict, blank=True)
    # The first problems found, for the page: [{"row", "column", "header", "message"}].
    errors = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Touched with each progress report: a job whose worker died stops being touched.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The import page lists the person's own recent jobs.
            models.Index(fields=["actor", "-created_at"], name="importjob_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status} {self.public_id}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REJECTED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        """Progress for the bar: checking is the first 90 %, saving the rest."""
        if self.finished:
            return 100
        if self.status == self.Status.WRITING:
            return 90
        if not self.total_rows:
            return 0
        return min(90, 90 * self.checked_rows // self.total_rows)
