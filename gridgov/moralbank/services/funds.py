"""The scheme's money account (財務專賬, R-MORAL-8): money in from one of the five sources
(五個一點) and money out (goods bought, awards), every line kept; published with the goods
account (queries.accounts_published)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import models as audit

from ..choices import FundSource
from ..models import FundEntry, Village
from .common import MANAGE, clean_text, guard, invalid

LIMIT = 100_000_000_00  # a hundred million yuan, in fen: a typing mistake beyond


def record(
    *, actor: Any, village: Village, on: dt.date, amount: int, note: str, source: str = ""
) -> FundEntry:
    """Money in (`amount` > 0, with its source) or out (`amount` < 0, no source), in fen."""
    guard(actor, village.grid_code, MANAGE)
    note = clean_text(note, "note", limit=200)
    if amount == 0 or abs(amount) > LIMIT:
        raise invalid("amount", _("An amount is not 0 and at most 100,000,000 yuan."))
    if amount > 0 and source not in FundSource.values:
        raise invalid("source", _("Money in names one of the five sources."))
    if amount < 0:
        source = ""
    if on > timezone.localdate():
        raise invalid("on", _("Not a day in the future."))
    with transaction.atomic():
        entry = FundEntry.objects.create(
            village=village, grid_code=village.grid_code, on=on, source=source, amount=amount,
            note=note, actor=actor,
        )  # fmt: skip
        audit.record(
            actor=actor, action="moralbank.fund", object_type="moralbank_village",
            object_key=str(village.public_id),
            after={"amount": amount, "source": source, "on": on.isoformat()},
        )  # fmt: skip
    return entry
