"""The points ledger (DESIGN idea 4, docs/adr/0027-moral-bank-ledger.md): entries are only
ever added; each says what it does to the cumulative savings and to its year's redeemable
points; the per-year sums (AccountYear) change with F() in the same transaction, so they
always equal the sums of the entries (`check` proves it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import models as audit
from gridgov.core.errors import ServiceError

from ..choices import EntryKind
from ..models import Account, AccountYear, Entry
from .common import MANAGE, clean_text, conflict, guard


@dataclass(frozen=True)
class Balances:
    """The two balances of ADR 0027: `savings` (累計分值, all years, never reduced by a
    redemption) and `available` (this year's points left to redeem)."""

    savings: int
    earned: int  # this year's awards − deductions (the year-end ranking's points)
    available: int


def year_row(account: Account, year: int) -> AccountYear:
    """The account's row for `year`, created at its first entry (a savepoint: two first
    entries at once both find the one row)."""
    row = AccountYear.objects.filter(account=account, year=year).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return AccountYear.objects.create(account=account, year=year,
                                              grid_code=account.grid_code)  # fmt: skip
    except IntegrityError:
        return AccountYear.objects.get(account=account, year=year)


def book(
    *, account: Account, kind: str, savings: int, redeemable: int, year: int, key: str,
    at: dt.datetime | None = None, declaration: Any = None, redemption: Any = None,
    reverses: Entry | None = None, actor: Any = None, note: str = "", within: bool = False,
) -> Entry | None:  # fmt: skip
    """Append one entry and add it to its year's sums, inside the caller's transaction.
    None when the key was posted already (the deed or redemption is not posted twice).

    `within`: the entry may not take the year's available points below zero (a
    redemption). The check is the UPDATE's own condition, so two redemptions at once are
    serialised by the row lock the UPDATE takes: the second re-reads the balance the first
    left (PostgreSQL's READ COMMITTED re-checks the WHERE; SQLite has one writer)."""
    assert transaction.get_connection().in_atomic_block
    try:
        with transaction.atomic():
            entry = Entry.objects.create(
                account=account, grid_code=account.grid_code, kind=kind, year=year,
                savings_delta=savings, redeemable_delta=redeemable,
                booked_at=at or timezone.now(), key=key, declaration=declaration,
                redemption=redemption, reverses=reverses, actor=actor, note=note[:200],
            )  # fmt: skip
    except IntegrityError:
        if Entry.objects.filter(key=key).exists():
            return None
        raise
    row = year_row(account, year)
    rows = AccountYear.objects.filter(pk=row.pk)
    if within:
        rows = rows.filter(available__gte=-redeemable)
    changed = rows.update(earned=F("earned") + savings, available=F("available") + redeemable)
    if not changed:
        raise ServiceError(
            "over_balance",
            _("Not enough points: %(points)d needed, %(left)d left to redeem this year.")
            % {"points": -redeemable, "left": AccountYear.objects.get(pk=row.pk).available},
            field="card",
            status=409,
        )
    return entry


def reverse(*, actor: Any, entry: Entry, reason: str) -> Entry:
    """Correct an entry with its exact negation, booked in its year (ADR 0027). Once."""
    guard(actor, entry.account.village.grid_code, MANAGE)
    reason = clean_text(reason, "reason", limit=200)
    if entry.kind == EntryKind.REVERSAL:
        raise conflict("is_reversal", _("A reversal is not reversed; book the entry again."))
    with transaction.atomic():
        made = book(
            account=entry.account, kind=EntryKind.REVERSAL, savings=-entry.savings_delta,
            redeemable=-entry.redeemable_delta, year=entry.year, key=f"reverse:{entry.pk}",
            declaration=entry.declaration, redemption=entry.redemption, reverses=entry,
            actor=actor, note=reason,
        )  # fmt: skip
        if made is None:
            raise conflict("reversed", _("This entry is reversed already."))
        audit.record(
            actor=actor, action="moralbank.reverse", object_type="moralbank_entry",
            object_key=str(entry.public_id), after={"reversal": str(made.public_id)},
            note=reason,
        )  # fmt: skip
    return made


def balances(account: Account, year: int) -> Balances:
    """Read from the per-year sums (one query)."""
    rows = {r.year: r for r in AccountYear.objects.filter(account=account)}
    this = rows.get(year)
    return Balances(
        savings=sum(r.earned for r in rows.values()),
        earned=this.earned if this else 0,
        available=this.available if this else 0,
    )


def balances_from_entries(account: Account, year: int) -> Balances:
    """The same balances summed from the entries themselves."""
    entries = Entry.objects.filter(account=account)
    savings = entries.aggregate(s=Sum("savings_delta"))["s"] or 0
    this = entries.filter(year=year).aggregate(e=Sum("savings_delta"), a=Sum("redeemable_delta"))
    return Balances(savings=savings, earned=this["e"] or 0, available=this["a"] or 0)


def check(account: Account) -> list[int]:
    """Years whose cached sums differ from the entries' (empty: the ledger holds)."""
    sums = {
        r["year"]: (r["e"], r["a"])
        for r in Entry.objects.filter(account=account)
        .values("year")
        .annotate(e=Sum("savings_delta"), a=Sum("redeemable_delta"))
        .order_by()
    }
    cached = {r.year: (r.earned, r.available) for r in AccountYear.objects.filter(account=account)}
    years = set(sums) | set(cached)
    return sorted(y for y in years if sums.get(y, (0, 0)) != cached.get(y, (0, 0)))
