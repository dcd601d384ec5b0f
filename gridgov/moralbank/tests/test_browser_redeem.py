"""The keeper's phone page in a real browser, on a 360-px phone in Simplified Chinese: the
card number typed, the balance shown, two soaps handed over, the receipt (see
gridgov/web/tests/test_browser.py for why the cast is committed)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.db import transaction

from gridgov.moralbank.models import Redemption, Stock
from gridgov.moralbank.services import ledger
from gridgov.web.tests import test_browser as base

from .conftest import NOW, build_scheme

pytestmark = [
    pytest.mark.skipif(not Path(base.CHROMIUM).exists(), reason=f"no Chromium at {base.CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

leave_the_database_as_found = base.leave_the_database_as_found
browser = base.browser
committed_cast = base.committed_cast
open_page = base.open_page


def test_it_redeems_on_a_360px_phone(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    with time_machine.travel(NOW, tick=True):
        s = build_scheme(committed_cast)
        with transaction.atomic():
            ledger.book(account=s.home.moral_account, kind="award", savings=23, redeemable=23,
                        year=2027, key="browser:fund")  # fmt: skip
        phone = open_page(viewport=base.PHONE, user=s.keeper)
        phone.goto(f"{live_server.url}/m/moralbank/{s.point.public_id}/")
        assert phone.get_attribute("html", "lang") == "zh-hans"
        assert phone.locator("h1").inner_text() == "村道德银行"
        phone.fill("#card-find", "00001")
        base.path_after(phone, lambda: phone.press("#card-find", "Enter"))
        assert phone.locator(".balance").inner_text() == "卡号 00001：本年度还可兑换 23 分。"
        assert phone.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
        assert all(label for _id, label in phone.evaluate(base.LABELS))
        phone.fill(f"#q-{s.soap.pk}", "2")
        base.shoot(phone, "moralbank-redeem-360")
        path = base.path_after(phone, lambda: phone.click("button.primary"))
        r = Redemption.objects.get()
        assert path == f"/m/moralbank/receipts/{r.public_id}/"
        assert phone.locator("h1").inner_text() == "兑换凭证"
        text = phone.locator("main").inner_text()
        assert r.number in text and "肥皂" in text and "本年度还可兑换 13 分。" in text
        assert phone.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
        base.shoot(phone, "moralbank-receipt-360")
        assert Stock.objects.get(goods=s.soap).quantity == 48
