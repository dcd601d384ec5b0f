"""Two-factor enrolment and API tokens in a real browser, by keyboard, on a desktop and a
360-px phone (see test_browser.py for why the cast is committed)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import override_settings
from django_otp.oath import totp

from gridgov.accounts.models import ApiToken
from gridgov.web.tests import test_browser as base

pytestmark = [
    pytest.mark.skipif(not Path(base.CHROMIUM).exists(), reason=f"no Chromium at {base.CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

leave_the_database_as_found = base.leave_the_database_as_found
browser = base.browser
committed_cast = base.committed_cast
open_page = base.open_page


@pytest.fixture(autouse=True)
def _enforced() -> Iterator[None]:
    with override_settings(TWO_FACTOR_ENFORCED=True):
        yield


@pytest.mark.parametrize("viewport", [base.DESKTOP, base.PHONE], ids=["desktop", "phone"])
def test_it_enrols_an_administrator_and_makes_a_token_by_keyboard(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any, viewport: dict
) -> None:
    page = open_page(viewport=viewport)
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "admin_a")
    page.fill("#id_password", "pw")
    path = base.path_after(page, lambda: page.keyboard.press("Enter"))
    assert path == "/account/two-factor/?next=%2Fgrids%2F"
    assert page.locator(".qr svg").count() == 1
    assert page.evaluate(base.PAGE_WIDTH) <= viewport["width"]
    assert all(label for _id, label in page.evaluate(base.LABELS))
    base.shoot(page, f"account-enrol-{viewport['width']}")

    key = base64.b32decode(page.inner_text("#totp-key").replace(" ", ""))
    page.focus("#id_code")
    page.keyboard.type(f"{totp(key):06d}")
    base.path_after(page, lambda: page.keyboard.press("Enter"))
    codes = page.locator(".codes li").all_inner_texts()
    assert len(codes) == 10
    assert page.evaluate(base.PAGE_WIDTH) <= viewport["width"]
    base.shoot(page, f"account-recovery-{viewport['width']}")

    page.goto(live_server.url + "/account/tokens/")
    page.focus("#id_name")
    page.keyboard.type("数据交换")
    page.keyboard.press("Tab")
    assert page.evaluate(base.FOCUSED) == "id_expires"
    page.keyboard.press("Tab")
    base.path_after(page, lambda: page.keyboard.press("Enter"))
    key_text = page.inner_text("#new-token")
    assert ApiToken.objects.get(user=committed_cast.admin_a, name="数据交换").key_hash == (
        ApiToken.hash(key_text)
    )
    assert page.evaluate(base.PAGE_WIDTH) <= viewport["width"]
    base.shoot(page, f"account-tokens-{viewport['width']}")
