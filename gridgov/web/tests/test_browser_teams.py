"""A grid's team in a real browser: a community head gives a role by keyboard, on a desktop
and a 360-px phone (see test_browser.py for why the cast is committed)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from gridgov.accounts.models import Assignment
from gridgov.web.tests import test_browser as base

pytestmark = [
    pytest.mark.skipif(not Path(base.CHROMIUM).exists(), reason=f"no Chromium at {base.CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

leave_the_database_as_found = base.leave_the_database_as_found
browser = base.browser
committed_cast = base.committed_cast
open_page = base.open_page

A2 = "640402001001002"


@pytest.mark.parametrize("viewport", [base.DESKTOP, base.PHONE], ids=["desktop", "phone"])
def test_it_gives_a_grid_worker_to_a_grid_without_one(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any, viewport: dict
) -> None:
    page = open_page(viewport=viewport, user=committed_cast.head_a)
    page.goto(f"{live_server.url}/teams/comprehensive/640402001001/uncovered/")
    assert "甲社区第2网格" in page.inner_text("main")
    base.shoot(page, f"teams-uncovered-{viewport['width']}")
    page.goto(f"{live_server.url}/teams/comprehensive/{A2}/")
    assert all(label for _id, label in page.evaluate(base.LABELS))
    page.focus("#id_username")
    page.keyboard.type("nobody")
    page.keyboard.press("Tab")
    assert page.evaluate(base.FOCUSED) == "id_role"
    page.select_option("#id_role", "grid_worker")
    page.fill("#id_starts_on", "2026-03-01")
    page.focus("#id_note")
    page.keyboard.type("社区推荐")
    base.path_after(page, lambda: page.keyboard.press("Enter"))
    a = Assignment.objects.get(user=committed_cast.nobody, grid__code=A2)
    assert (a.role, str(a.starts_on), a.note) == ("grid_worker", "2026-03-01", "社区推荐")
    assert "网格员" in page.inner_text("table.list")
    assert page.evaluate(base.PAGE_WIDTH) <= viewport["width"]
    base.shoot(page, f"teams-team-{viewport['width']}")
