"""The public notice board in a real browser, on a desktop and a 360-px phone: no login, no
sideways scrolling, every control labelled, the photo and QR code drawn under the CSP (see
gridgov/web/tests/test_browser.py for why the cast is committed)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import override_settings

from gridgov.web.tests import test_browser as base

from .boards_cast import BOARD_A1, add_people

pytestmark = [
    pytest.mark.skipif(not Path(base.CHROMIUM).exists(), reason=f"no Chromium at {base.CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

leave_the_database_as_found = base.leave_the_database_as_found
browser = base.browser
committed_cast = base.committed_cast
open_page = base.open_page

# Pictures that failed to load (a CSP refusal shows as an image of width 0).
BROKEN_IMAGES = "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length"


@pytest.mark.parametrize("viewport", [base.DESKTOP, base.PHONE], ids=["desktop", "phone"])
def test_it_shows_the_board_to_anyone(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any, viewport: dict, tmp_path: Any
) -> None:
    with override_settings(MEDIA_ROOT=tmp_path):
        add_people(committed_cast)
        page = open_page(viewport=viewport)
        failed: list[str] = []
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        page.goto(live_server.url + BOARD_A1)
        main = page.inner_text("main")
        for text in ("甲社区第1网格", "赵磊", "张伟", "王芳", "李娜", "13912345678"):
            assert text in main
        assert "13800001111" not in main
        assert page.evaluate(base.PAGE_WIDTH) <= viewport["width"]
        assert all(label for _id, label in page.evaluate(base.LABELS))
        assert page.evaluate(BROKEN_IMAGES) == 0
        # Names readable: not inheriting a colour meant for the dark page header.
        name = page.locator(".person .name").first
        assert name.evaluate("e => getComputedStyle(e).color") != "rgb(255, 255, 255)"
        assert page.locator("figure.qr svg").bounding_box()["width"] >= 100
        # Chromium asks for /favicon.ico on its own; the site has none.
        assert [u for u in failed if not u.endswith("/favicon.ico")] == []
        base.shoot(page, f"board-{viewport['width']}")
