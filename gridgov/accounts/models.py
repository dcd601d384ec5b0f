"""People who use gridgov and where they hold which role."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.core.models import TimeStamped

from .roles import Role


class User(AbstractUser):
    """A person who logs in (用戶): staff of a grid, a community, a street or the county."""

    phone_masked = models.CharField(_("phone (masked)"), max_length=20, blank=True)

    class Meta:
        ordering = ["username"]


def person_name(username: str, first_name: str, last_name: str) -> str:
    """How lists name a person: the whole name in the Chinese order (family name first;
    the demo keeps it all in first_name), else the username."""
    return f"{last_name}{first_name}".strip() or username


def names_of(ids: set[int] | list[int]) -> dict[int, str]:
    """`person_name` of each of these users, in one query."""
    return {
        pk: person_name(username, first, last)
        for pk, username, first, last in User.objects.filter(pk__in=ids).values_list(
            "pk", "username", "first_name", "last_name"
        )
    }


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def active(self, on: dt.date | None = None) -> AssignmentQuerySet:
        """Held on the day `on` (today by default): started, and not ended before it."""
        day = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)


class Assignment(TimeStamped):
    """A role held on a grid (崗位): user × grid × role, from one day to another.

    Scope is the grid's subtree while the assignment runs. An assignment is ended, not
    deleted, so "who answered for this grid on day X" stays answerable.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="assignments")
    # Copied from the grid at write time: scope checks are prefix tests on this string.
    grid_code = models.CharField(max_length=32, editable=False)
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    # The last day held (inclusive); empty while it runs.
    ends_on = models.DateField(_("until"), null=True, blank=True)
    # The unit a dedicated grid's informant or head answers for (plan 7: one per unit).
    unit = models.ForeignKey(
        "registry.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=pgettext_lazy("organisation", "unit"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["user_id", "grid_code", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "grid", "role"],
                condition=Q(ends_on__isnull=True),
                name="assignment_unique_open",
                violation_error_message=_("This person already holds this role on this grid."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="assignment_ends_after_start",
                violation_error_message=_("An assignment cannot end before it starts."),
            ),
        ]
        indexes = [
            # "Who answers for this grid (on day X)": the team page and the 一格一員 report.
            models.Index(fields=["grid_code", "role", "starts_on"], name="assignment_grid_idx"),
        ]

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.grid_code = self.grid.code
        super().save(*args, **kwargs)

    def is_active(self, on: dt.date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.grid_code}"


class ApiToken(TimeStamped):
    """A bearer token for the API (接口令牌). Only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Empty: valid until revoked. A token that has expired authenticates no one.
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                name="api_token_name_unique",
                violation_error_message=_("You already have a token of this name."),
            )
        ]

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(
        cls, user: User, name: str, expires_at: dt.datetime | None = None
    ) -> tuple[ApiToken, str]:
        key = "gg_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, key_hash=cls.hash(key), prefix=key[:8], expires_at=expires_at
        )
        return token, key

    def is_expired(self, now: dt.datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"


class LoginEvent(models.Model):
    """One login, logout or refused login (登錄日誌), for auditors and for the lockout.

    The username is kept as typed (normalised), so that attempts on accounts that do not
    exist are seen too; no password, code or token is ever kept.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("Logged in")
        VERIFIED = "verified", _("Second factor accepted")
        LOGOUT = "logout", _("Logged out")
        TIMEOUT = "timeout", _("Session ended after inactivity")
        FAILED = "failed", _("Wrong username or password")
        LOCKED = "locked", _("Refused: too many failures")
        OTP_FAILED = "otp_failed", _("Wrong second-factor code")

    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="login_events"
    )
    username = models.CharField(max_length=150)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # The lockout counts recent failures of one username, then of one address.
            models.Index(fields=["username", "at"], name="login_event_username_idx"),
            models.Index(fields=["address", "at"], name="login_event_address_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"
