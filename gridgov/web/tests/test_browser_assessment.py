"""Assessment in a real browser: the head ranks the grids of their community on a desktop
and opens a card from the keyboard; a grid worker reads their own card on a 360-px phone
(see test_browser.py for why the cast is committed)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from gridgov.cases.models import Category
from gridgov.web.tests import test_browser as base

pytestmark = [
    pytest.mark.skipif(not Path(base.CHROMIUM).exists(), reason=f"no Chromium at {base.CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

leave_the_database_as_found = base.leave_the_database_as_found
browser = base.browser
committed_cast = base.committed_cast
open_page = base.open_page


def test_it_ranks_and_shows_cards_on_a_desktop_and_a_phone(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    from gridgov.assessment.defaults import load_sets
    from gridgov.assessment.models import Indicator, IndicatorSet
    from gridgov.assessment.tests.conftest import build_month
    from gridgov.cases.seeding import load_categories

    load_categories(Category)  # the flush between transactional tests took them away
    load_sets(IndicatorSet, Indicator)
    c = committed_cast
    build_month(c)

    desk = open_page(user=c.head_a)
    desk.goto(f"{live_server.url}/assessment/?node={c.community_a.code}&on=2025-03-15")
    table = desk.locator("table.ranking-table")
    assert "网格长(网格)考核" in desk.locator("main").inner_text()
    assert table.locator("tbody tr").count() == 2
    assert "29.17" in table.locator("tbody tr").first.inner_text()
    assert all(label for _id, label in desk.evaluate(base.LABELS))
    base.shoot(desk, "assessment-ranking-1280")
    # From the keyboard: focus the first grid's link and open its card.
    desk.locator("table.ranking-table tbody th a").first.focus()
    path = base.path_after(desk, lambda: desk.keyboard.press("Enter"))
    assert path.startswith(f"/assessment/card/grid/{c.a1.code}/?")
    assert desk.locator("svg[role=img] rect").count() == 6
    base.shoot(desk, "assessment-card-1280")
    # The head scores the grid's worker on their card, from the keyboard.
    desk.goto(
        f"{live_server.url}/assessment/card/worker/{c.worker_a1.pk}/"
        f"?node={c.community_a.code}&on=2025-03-15"
    )
    desk.locator("#id_score").focus()
    desk.keyboard.type("80")
    desk.keyboard.press("Tab")
    desk.keyboard.type("台账齐全,按时参加例会")
    assert all(label for _id, label in desk.evaluate(base.LABELS))
    base.path_after(desk, lambda: desk.keyboard.press("Enter"))
    assert "33.0" in desk.locator(".card-total").inner_text()
    base.shoot(desk, "assessment-score-1280")

    phone = open_page(viewport=base.PHONE, user=c.worker_a1)
    phone.goto(f"{live_server.url}/assessment/mine/")
    phone.goto(phone.url + "&on=2025-03-15")
    assert "70 / 350" in phone.locator("main").inner_text()
    assert phone.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
    assert all(label for _id, label in phone.evaluate(base.LABELS))
    base.shoot(phone, "assessment-card-360")

    head_phone = open_page(viewport=base.PHONE, user=c.head_a)
    head_phone.goto(f"{live_server.url}/assessment/?node={c.community_a.code}&on=2025-03-15")
    assert head_phone.locator("table.ranking-table tbody tr").count() == 2
    assert head_phone.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
    base.shoot(head_phone, "assessment-ranking-360")
