"""Counting what a refusal must leave unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from gridgov.core.errors import ServiceError


def counts() -> tuple[int, ...]:
    from gridgov.core.models import AuditEntry
    from gridgov.moralbank import models as m

    tables = (
        m.Village, m.RepresentativesMeeting, m.RuleSet, m.RuleItem, m.ReviewGroup, m.Account,
        m.AccountYear, m.Entry, m.Declaration, m.Vote, m.Objection, m.Veto, m.Goods,
        m.RedemptionPoint, m.StockMove, m.Redemption, m.FundEntry,
    )  # fmt: skip
    audit = AuditEntry.objects.filter(action__startswith="moralbank")
    states = tuple(m.Declaration.objects.values_list("status", flat=True).order_by("pk"))
    sums = tuple(m.AccountYear.objects.values_list("earned", "available").order_by("pk"))
    stock = tuple(m.Stock.objects.values_list("quantity", flat=True).order_by("pk"))
    return (*(t.objects.count() for t in tables), audit.count(), hash((states, sums, stock)))


def refused(fn: Any, **kwargs: Any) -> tuple[int, str, str | None]:
    """Call a service expecting a refusal; nothing may have changed."""
    before = counts()
    with pytest.raises(ServiceError) as e:
        fn(**kwargs)
    assert counts() == before
    return e.value.status, e.value.code, e.value.field
