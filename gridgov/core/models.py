"""Shared base model, the audit trail (審計日誌) and the work-time calendar (工作日曆)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import CalendarDayKind


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One change made by a person (變更記錄): who, when, what, before and after.

    Written by the service that made the change, in the same transaction; never edited.
    Snapshots hold codes and ids, never personal data (DESIGN idea 6).
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40)
    object_key = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # The history panel of one object reads its entries newest first.
            models.Index(fields=["object_type", "object_key", "-at"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_key}"


def record(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_key: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type,
        object_key=object_key,
        before=before,
        after=after,
        note=note[:500],
    )


def check_calendar_day(date: dt.date | None, kind: str, year: int | None) -> None:
    """The rules of one calendar day (admin form and `gridgov calendar load`)."""
    if date is None:
        return
    if year is not None and date.year != year:
        raise ValidationError({"date": _("The date is not in the year %(year)d.") % {"year": year}})
    if kind == CalendarDayKind.WORKDAY and date.weekday() < 5:
        # A weekday is a working day anyway; a make-up day there is a typing mistake.
        raise ValidationError({"kind": _("A make-up working day is a Saturday or a Sunday.")})


class CalendarYear(TimeStamped):
    """A year whose holiday arrangement (節假日安排) is known, from the State Council's notice.

    Deadlines in working time that run through a year without a row are flagged: its
    holidays are not known yet, so only weekends are skipped (ADR 0016).
    """

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(TimeStamped):
    """A day that breaks the weekly rule: a holiday (法定節假日) or a make-up working day
    on a weekend (調休上班). Holidays that fall on a weekend are kept for their name."""

    year = models.ForeignKey(
        CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name=_("year")
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CalendarDayKind.values),
                name="calendarday_kind_valid",
                violation_error_message=_("The kind is holiday or make-up working day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"

    def clean(self) -> None:
        check_calendar_day(self.date, self.kind, self.year_id)


class Stamp(models.Model):
    """A value that moves whenever a table that processes keep in memory changes (ADR 0031):
    the category catalogue, the work-time calendar, the networks, the running assignments,
    the grids' boundaries. Database triggers move most of them, whoever writes (the admin, a
    loader, a hand-run SQL fix); the boundaries are moved by the services that redraw them.

    Each move takes a fresh random value rather than +1: a cache built inside a transaction
    that was rolled back must never match a later, committed change.
    """

    name = models.CharField(max_length=40, primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"
