"""The demo's moral bank: made once, through the services; declarations in every state,
entries that equal the per-year sums, redemptions, a veto."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gridgov.demo.moralbank import ensure_demo_moralbank, moralbank_logins
from gridgov.moralbank.models import Account, Declaration, Redemption, Veto, Village
from gridgov.moralbank.services import ledger

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2027, 3, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_it_gives_villages_a_moral_bank_once(cast: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        made = ensure_demo_moralbank(12, now=NOW)
        # The cast has one village grid head: community A's.
        assert (made, Village.objects.get().grid_code) == (36, cast.community_a.code)
        states = set(Declaration.objects.values_list("status", flat=True))
        assert states == {"in_review", "reviewed", "on_notice", "objected", "posted", "rejected"}
        assert Redemption.objects.exists()
        assert Veto.objects.count() == 1
        for account in Account.objects.filter(years__isnull=False).distinct():
            assert ledger.check(account) == []
        assert Declaration.objects.filter(status="posted", posted_at__year=2026).exists()
        assert [u for u, _, _ in moralbank_logins()] == ["review", "shop"]
        assert ensure_demo_moralbank(12, now=NOW) == 0
