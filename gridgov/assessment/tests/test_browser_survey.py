"""A resident answers a grid's survey in a real browser on a 360-px phone, by keyboard, in
Simplified Chinese, without logging in (see gridgov/web/tests/test_browser.py for why the
cast is committed)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from gridgov.assessment.models import SurveyResponse
from gridgov.web.tests import test_browser as base

pytestmark = [
    pytest.mark.skipif(not Path(base.CHROMIUM).exists(), reason=f"no Chromium at {base.CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

leave_the_database_as_found = base.leave_the_database_as_found
browser = base.browser
committed_cast = base.committed_cast
open_page = base.open_page


def test_it_takes_a_residents_answers_by_keyboard_on_a_phone(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    grid = committed_cast.a1
    phone = open_page(viewport=base.PHONE)  # nobody logged in
    phone.goto(f"{live_server.url}/survey/{grid.code}/")
    assert phone.locator("h1").inner_text() == "群众满意度测评"
    assert phone.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
    assert all(label for _id, label in phone.evaluate(base.LABELS))
    phone.focus("#id_satisfaction_0")  # 非常满意
    phone.keyboard.press("ArrowDown")  # 满意
    phone.keyboard.press("Tab")  # into the next question
    phone.keyboard.press("Space")  # 是
    phone.keyboard.press("Tab")
    phone.keyboard.press("ArrowDown")  # 否
    phone.keyboard.press("Tab")
    phone.keyboard.type("网格员很负责")
    base.shoot(phone, "survey-360")
    phone.keyboard.press("Tab")
    path = base.path_after(phone, lambda: phone.keyboard.press("Enter"))
    assert path == f"/survey/{grid.code}/thanks/"
    saved = SurveyResponse.objects.get()
    assert (saved.satisfaction, saved.knows_worker, saved.visited, saved.comment) == (
        4, "yes", "no", "网格员很负责"
    )  # fmt: skip
    # The same phone again this month: told so, no form.
    phone.goto(f"{live_server.url}/survey/{grid.code}/")
    assert phone.locator("form button.primary").count() == 0
    assert "本月已参加过" in phone.locator("main").inner_text()
