"""The party-building network on the grids (plan 1, docs/adr/0013-party-network.md).

Organisations (general branch → grid branch → party group) sit on grids; posts in them are
held by residents (party members are residents) and/or platform users; party central
households are households of party members designated in a group; links are the contact
pyramid (四級聯系服務制度). Nothing is deleted: organisations are dissolved, posts,
central households and links end (`until`), so the network can be read as of a date.
Every row carries the `grid_code` of where it is, copied at write time (DESIGN idea 1).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import TimeStamped
from gridgov.core.scope import scope_q

from .choices import CentralKind, LinkLevel, OrgKind, PostRole


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user: Any, right: str | None = None) -> Self:
        return self.filter(scope_q(user, "grid_code", right))

    def under(self, code: str) -> Self:
        """Rows in the subtree of the grid `code` (a prefix test on the copied code)."""
        return self.filter(grid_code__startswith=code) if code else self


class CurrentQuerySet(ScopedQuerySet):
    """Rows with a `since`/`until` period: in force on a day."""

    def current(self, at: dt.date | None = None) -> Self:
        at = at or timezone.localdate()
        return self.filter(Q(until__isnull=True) | Q(until__gt=at), since__lte=at)


class OrgQuerySet(ScopedQuerySet):
    def current(self, at: dt.date | None = None) -> Self:
        at = at or timezone.localdate()
        return self.filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=at),
                           founded_on__lte=at)  # fmt: skip


def _in_force(since: dt.date, until: dt.date | None, at: dt.date | None) -> bool:
    at = at or timezone.localdate()
    return since <= at and (until is None or until > at)


class PartyOrg(TimeStamped):
    """A party organisation on a grid (黨組織): general branch (黨總支), grid party branch
    (網格黨支部) or party group (黨小組). Dissolved, never deleted."""

    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("parent organisation"),
    )  # fmt: skip
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="party_orgs")
    grid_code = models.CharField(max_length=32, editable=False)
    founded_on = models.DateField(_("founded on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    objects = OrgQuerySet.as_manager()

    class Meta:
        ordering = ["grid_code", "kind", "name", "id"]
        indexes = [models.Index(fields=["grid_code", "kind"], name="party_org_grid_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=F("founded_on")),
                name="party_org_valid_range",
                violation_error_message=_(
                    "An organisation cannot be dissolved before it is founded."
                ),
            ),
            # A party group always belongs to a branch (plan 1: "村黨支部+村民黨小組").
            models.CheckConstraint(
                condition=~Q(kind="group") | Q(parent__isnull=False),
                name="party_org_group_has_parent",
                violation_error_message=_("A party group belongs to a branch."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grid_code} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.grid_code = self.grid.code
        super().save(*args, **kwargs)

    def is_current(self, at: dt.date | None = None) -> bool:
        return _in_force(self.founded_on, self.dissolved_on, at)

    def snapshot(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "name": self.name, "parent": self.parent_id,
            "grid": self.grid_code, "founded_on": self.founded_on.isoformat(),
            "dissolved_on": self.dissolved_on.isoformat() if self.dissolved_on else None,
        }  # fmt: skip


class Post(TimeStamped):
    """A post in a party organisation (職務): secretary, committee member, group leader.

    Held by a resident (the party member as the registry knows them), a user (a cadre who
    logs in), or both when the two are the same person (docs/adr/0013)."""

    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="posts")
    role = models.CharField(_("post"), max_length=20, choices=PostRole.choices)
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grid_code = models.CharField(max_length=32, editable=False)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    objects = CurrentQuerySet.as_manager()

    class Meta:
        ordering = ["org_id", "role", "id"]
        indexes = [models.Index(fields=["grid_code", "role"], name="party_post_grid_role_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(resident__isnull=False) | Q(user__isnull=False),
                name="party_post_holder",
                violation_error_message=_("A post is held by a resident or a user."),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="party_post_valid_range",
                violation_error_message=_("A post cannot end before it begins."),
            ),
        ]

    def __str__(self) -> str:
        return f"post {self.pk} {self.role}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.grid_code = self.org.grid_code
        super().save(*args, **kwargs)

    @property
    def holder_name(self) -> str:
        if self.resident_id and self.resident:
            return self.resident.name
        if self.user:
            return self.user.get_full_name() or self.user.get_username()
        return ""

    def is_current(self, at: dt.date | None = None) -> bool:
        return _in_force(self.since, self.until, at)

    def snapshot(self) -> dict[str, Any]:
        # Ids only: the holder's name is personal data (DESIGN idea 6).
        return {
            "org": self.org_id, "role": self.role, "resident": self.resident_id,
            "user": self.user_id, "since": self.since.isoformat(),
            "until": self.until.isoformat() if self.until else None,
        }  # fmt: skip


class CentralHousehold(TimeStamped):
    """A party central household (黨員中心戶) or party model post (黨員示範崗): kept by a
    party member (`keeper`), designated in a party group; one per 10–15 households."""

    kind = models.CharField(
        _("kind"), max_length=12, choices=CentralKind.choices, default=CentralKind.HOUSEHOLD
    )
    group = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="centrals")
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    keeper = models.ForeignKey("registry.Resident", on_delete=models.PROTECT, related_name="+")
    # A model post's name ("便民服務崗"); a central household is named by its keeper.
    name = models.CharField(_("name"), max_length=100, blank=True)
    grid_code = models.CharField(max_length=32, editable=False)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    objects = CurrentQuerySet.as_manager()

    class Meta:
        ordering = ["grid_code", "id"]
        indexes = [models.Index(fields=["grid_code"], name="party_central_grid_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="household") & Q(household__isnull=False))
                | (Q(kind="model_post") & ~Q(name="")),
                name="party_central_kind_fields",
                violation_error_message=_(
                    "A central household names its household; a model post has a name."
                ),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="party_central_valid_range",
                violation_error_message=_("A designation cannot end before it begins."),
            ),
            # One current designation per household (ended ones stay as history).
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(until__isnull=True, household__isnull=False),
                name="party_central_household_once",
                violation_error_message=_("This household is already a party central household."),
            ),
        ]

    def __str__(self) -> str:
        return f"central {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.grid_code = self.household.grid_code if self.household else self.keeper.grid_code
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return self.name or (self.keeper.name if self.keeper else "")

    def is_current(self, at: dt.date | None = None) -> bool:
        return _in_force(self.since, self.until, at)

    def snapshot(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "group": self.group_id, "household": self.household_id,
            "keeper": self.keeper_id, "since": self.since.isoformat(),
            "until": self.until.isoformat() if self.until else None,
        }  # fmt: skip


# Which source and target columns each level uses (LinkLevel → (source, target)).
ENDS: dict[str, tuple[str, str]] = {
    LinkLevel.BRANCH: ("source_post", "target_org"),
    LinkLevel.GROUP: ("source_post", "target_org"),
    LinkLevel.CENTRAL: ("source_post", "target_central"),
    LinkLevel.MEMBER: ("source_central", "target_member"),
    LinkLevel.HOUSEHOLD: ("source_member", "target_household"),
}
SOURCES = ("source_post", "source_central", "source_member")
TARGETS = ("target_org", "target_central", "target_member", "target_household")


def _shape(level: str) -> Q:
    source, target = ENDS[level]
    q = Q(level=level)
    for col in (*SOURCES, *TARGETS):
        q &= Q(**{f"{col}__isnull": col not in (source, target)})
    return q


class Link(TimeStamped):
    """One link of the contact pyramid (包掛聯系): who answers for whom, since when.

    One table for the five levels (a level says which source and target columns are set,
    `ENDS`): the roster and the checks read one table, and history is one `until`."""

    level = models.CharField(_("level"), max_length=12, choices=LinkLevel.choices)
    source_post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="links"
    )
    source_central = models.ForeignKey(
        CentralHousehold, null=True, blank=True, on_delete=models.PROTECT, related_name="links"
    )
    source_member = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_org = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.PROTECT, related_name="linked_by"
    )
    target_central = models.ForeignKey(
        CentralHousehold, null=True, blank=True, on_delete=models.PROTECT,
        related_name="linked_by",
    )  # fmt: skip
    target_member = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The source's grid: a link is the responsibility of the one who links (scope, checks).
    grid_code = models.CharField(max_length=32, editable=False)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    objects = CurrentQuerySet.as_manager()

    class Meta:
        ordering = ["grid_code", "level", "id"]
        indexes = [
            models.Index(fields=["grid_code", "level"], name="party_link_grid_level_idx"),
            # The checks look for households and members no current link reaches.
            models.Index(fields=["target_household"], name="party_link_household_idx"),
            models.Index(fields=["target_member"], name="party_link_member_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_shape("branch")
                | _shape("group")
                | _shape("central")
                | _shape("member")
                | _shape("household"),
                name="party_link_shape",
                violation_error_message=_("A link joins the two kinds its level names."),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="party_link_valid_range",
                violation_error_message=_("A link cannot end before it begins."),
            ),
            *[
                models.UniqueConstraint(
                    fields=[col for col in ENDS[level]],
                    condition=Q(until__isnull=True, level=level),
                    name=f"party_link_{level}_once",
                    violation_error_message=_("These two are already linked."),
                )
                for level in ("branch", "group", "central", "member", "household")
            ],
        ]

    def __str__(self) -> str:
        return f"link {self.pk} {self.level}"

    @property
    def source(self) -> Any:
        return getattr(self, ENDS[self.level][0])

    @property
    def target(self) -> Any:
        return getattr(self, ENDS[self.level][1])

    def is_current(self, at: dt.date | None = None) -> bool:
        return _in_force(self.since, self.until, at)

    def snapshot(self) -> dict[str, Any]:
        source, target = ENDS[self.level]
        return {
            "level": self.level,
            source: getattr(self, f"{source}_id"),
            target: getattr(self, f"{target}_id"),
            "since": self.since.isoformat(),
            "until": self.until.isoformat() if self.until else None,
        }
