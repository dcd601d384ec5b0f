"""The enterprise's safety month in a real browser, in Simplified Chinese, on a desktop and a
360-px phone: the heads' tables, choosing the safety model among the tied and closing the
month by keyboard, the printable bulletin (see gridgov/web/tests/test_browser.py for why the
cast is committed)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from gridgov.safety.models import MonthClose
from gridgov.safety.tests.conftest import build_enterprise, build_month
from gridgov.web.tests import test_browser as base

pytestmark = [
    pytest.mark.skipif(not Path(base.CHROMIUM).exists(), reason=f"no Chromium at {base.CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

leave_the_database_as_found = base.leave_the_database_as_found
browser = base.browser
committed_cast = base.committed_cast
open_page = base.open_page


def test_it_closes_a_month_by_keyboard_and_prints_the_bulletin(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    from gridgov.inspections.data.templates import load_templates
    from gridgov.inspections.models import ChecklistItem, Template

    load_templates(Template, ChecklistItem)  # the flush between transactional tests took them
    ent = build_enterprise(committed_cast)
    build_month(ent)
    url = f"{live_server.url}/safety/{ent.e.code}/?month=2025-03"

    phone = open_page(viewport=base.PHONE, user=ent.boss)
    phone.goto(url)
    assert "安全月度考核" in phone.locator("h1").inner_text()
    assert phone.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
    assert all(label for _id, label in phone.evaluate(base.LABELS))
    base.shoot(phone, "safety-month-360")

    desk = open_page(user=ent.boss)
    desk.goto(url)
    rows = desk.locator("#people-h ~ .table-wrap tbody tr")
    assert rows.count() == 7
    assert rows.first.locator("td").first.inner_text() == "1"
    # Three tie for the best: the model is chosen among them, by keyboard.
    desk.focus("#id_model")
    desk.keyboard.press("ArrowDown")
    chosen = int(desk.input_value("#id_model"))
    assert chosen in {ent.c.pk, ent.h1.pk, ent.h2.pk}
    desk.fill("#id_note", "领导小组评定")
    base.path_after(desk, lambda: desk.press("#id_note", "Enter"))
    closed = MonthClose.objects.get()
    assert (closed.model_id, closed.worst_id, str(closed.balance)) == (chosen, ent.d1.pk, "170.00")
    assert "已结账" in desk.locator(".messages").inner_text()
    base.shoot(desk, "safety-month-closed")

    bulletin = open_page(viewport=base.PHONE, user=ent.boss)
    bulletin.goto(f"{live_server.url}/safety/{ent.e.code}/bulletin/2025-03/")
    text = bulletin.locator("main").inner_text()
    assert "网格化安全管理月度通报" in text and "安全管理差的部门：生产部" in text
    assert bulletin.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
    base.shoot(bulletin, "safety-bulletin-360")
