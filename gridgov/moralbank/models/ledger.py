"""Savings accounts, the append-only points ledger and the year's vetoes
(docs/adr/0027-moral-bank-ledger.md)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import TimeStamped
from gridgov.core.scope import scope_q

from ..choices import Board, EntryKind
from .village import RuleItem, Village


class ScopedQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any, right: str = "view") -> ScopedQuerySet:
        return self.filter(scope_q(user, "grid_code", right))


class Account(TimeStamped):
    """A household's savings account (儲蓄基本賬戶) in its village, with the card number
    (積分卡號) typed or scanned at redemption. Balances are not kept here: they are sums of
    the entries, cached per year in AccountYear."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="accounts")
    household = models.OneToOneField(
        "registry.Household", on_delete=models.PROTECT, related_name="moral_account"
    )
    grid_code = models.CharField(max_length=32)  # the household's, for scope
    card = models.CharField(_("card number"), max_length=8)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["village_id", "card"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "card"],
                name="mb_account_card",
                violation_error_message=_("This card number is taken in the village."),
            ),
        ]
        indexes = [models.Index(fields=["grid_code"], name="mb_account_grid_idx")]

    def __str__(self) -> str:
        return f"card {self.card}"


class AccountYear(models.Model):
    """One account's sums over one book year, kept with F() in the transaction that writes
    each entry and checkable against the entries (services.ledger.check):
    `earned` = Σ savings_delta (awards − deductions: the year's share of the cumulative
    savings), `available` = Σ redeemable_delta (what can still be redeemed this year).
    A redemption is a conditional UPDATE on `available` (never below zero)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="years")
    year = models.PositiveSmallIntegerField()
    grid_code = models.CharField(max_length=32)
    earned = models.IntegerField(default=0)
    available = models.IntegerField(default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["account_id", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "year"],
                name="mb_account_year",
                violation_error_message=_("This account has this year already."),
            ),
        ]
        indexes = [
            # The year-end ranking and the village views read one year of a village.
            models.Index(fields=["year", "grid_code"], name="mb_year_grid_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.year}: {self.earned}/{self.available}"


class Entry(models.Model):
    """One line of the points ledger (積分管理臺賬): never changed, never deleted.

    Each entry says what it does to the two balances: `savings_delta` to the cumulative
    savings (awards +, deductions −, redemptions 0) and `redeemable_delta` to the points
    redeemable in its book `year` (awards +, deductions −, redemptions −). A reversal is
    the exact negation of the entry it reverses, booked in that entry's year. The
    idempotency key names the deed or redemption: a second posting of it fails."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    grid_code = models.CharField(max_length=32)
    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    year = models.PositiveSmallIntegerField()
    savings_delta = models.IntegerField()
    redeemable_delta = models.IntegerField()
    booked_at = models.DateTimeField()
    key = models.CharField(max_length=80, unique=True)
    declaration = models.ForeignKey(
        "moralbank.Declaration", null=True, blank=True, on_delete=models.PROTECT,
        related_name="entries",
    )  # fmt: skip
    redemption = models.ForeignKey(
        "moralbank.Redemption", null=True, blank=True, on_delete=models.PROTECT,
        related_name="entries",
    )  # fmt: skip
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    note = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["account_id", "booked_at", "id"]
        verbose_name_plural = "entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind=EntryKind.AWARD,
                    savings_delta__gt=0,
                    redeemable_delta=models.F("savings_delta"),
                )
                | Q(
                    kind=EntryKind.DEDUCTION,
                    savings_delta__lt=0,
                    redeemable_delta=models.F("savings_delta"),
                )
                | Q(kind=EntryKind.REDEMPTION, savings_delta=0, redeemable_delta__lt=0)
                | Q(kind=EntryKind.REVERSAL, reverses__isnull=False),
                name="mb_entry_deltas",
                violation_error_message=_("The entry's points do not match its kind."),
            ),
            models.CheckConstraint(
                condition=Q(kind=EntryKind.REVERSAL) | Q(reverses__isnull=True),
                name="mb_entry_reverses_only_reversal",
                violation_error_message=_("Only a reversal reverses an entry."),
            ),
        ]
        indexes = [
            # An account's ledger, oldest first (the household's statement).
            models.Index(fields=["account", "booked_at"], name="mb_entry_account_idx"),
            # The village views: points by kind over a year.
            models.Index(fields=["year", "grid_code"], name="mb_entry_year_grid_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.redeemable_delta} ({self.key})"


class Veto(TimeStamped):
    """A veto (否決): a household member broke the law or discipline or refused to support
    elders or raise children (a veto item of the rules); the household is out of that
    year's evaluation and on the negative list (道德建設負面清單). Who decided, when, why."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="vetoes")
    grid_code = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    item = models.ForeignKey(RuleItem, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    board = models.CharField(_("published on"), max_length=10, choices=Board.choices,
                             default=Board.NEGATIVE)  # fmt: skip
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "grid_code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "year"],
                name="mb_veto_once_a_year",
                violation_error_message=_("This household is on this year's negative list."),
            ),
        ]
        indexes = [models.Index(fields=["year", "grid_code"], name="mb_veto_year_idx")]

    def __str__(self) -> str:
        return f"veto {self.account_id} {self.year}"
