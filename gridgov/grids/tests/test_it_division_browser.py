"""Automatic division in a real browser: a grid administrator proposes a division of
community A from its page, sees the proposal over today's grids, picks a block on the map
to move and accepts (see gridgov/web/tests/test_browser.py for why the cast is committed)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from gridgov.grids.models import DivisionDraft, Grid
from gridgov.grids.tests.division_ground import add_ground
from gridgov.web.tests import test_browser as base

pytestmark = [
    pytest.mark.skipif(not Path(base.CHROMIUM).exists(), reason=f"no Chromium at {base.CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

leave_the_database_as_found = base.leave_the_database_as_found
browser = base.browser
committed_cast = base.committed_cast
open_page = base.open_page

COMMUNITY_A = "640402001001"
# Click block n's shape on the map (paths in drawing order: 4 proposed, 2 today, 16 blocks).
CLICK_BLOCK = """n => {
  const paths = document.querySelectorAll('#division-map svg path.leaflet-interactive');
  paths[6 + n].dispatchEvent(new MouseEvent('click', {bubbles: true}));
}"""


@pytest.mark.parametrize("viewport", [base.DESKTOP, base.PHONE], ids=["desktop", "phone"])
def test_it_proposes_moves_a_block_picked_on_the_map_and_accepts(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any, viewport: dict
) -> None:
    add_ground(committed_cast)
    page = open_page(viewport=viewport, user=committed_cast.admin_a)
    page.goto(f"{live_server.url}/grids/comprehensive/{COMMUNITY_A}/")
    base.path_after(page, lambda: page.click(f"a[href$='/{COMMUNITY_A}/division/']"))
    page.fill("#id_minimum", "200")
    page.fill("#id_target", "240")
    page.fill("#id_maximum", "300")
    path = base.path_after(page, lambda: page.click("button.primary"))
    draft = DivisionDraft.objects.get()
    assert path == f"/grids/comprehensive/{COMMUNITY_A}/division/{draft.public_id}/"
    page.wait_for_selector("#division-map[data-ready]")
    # Two grids today, four proposed, sixteen blocks.
    assert page.get_attribute("#division-map", "data-ready") == "22"
    assert page.locator("table.list tbody tr").count() == 4
    assert page.evaluate(base.PAGE_WIDTH) <= viewport["width"]
    assert all(label for _id, label in page.evaluate(base.LABELS))
    base.shoot(page, f"division-draft-{viewport['width']}")

    # A block clicked on the map is the one to move; a block of another grid clicked next
    # names the grid it joins.
    draft.refresh_from_db()
    one = draft.labels.index(0)
    other = next(i for i, lab in enumerate(draft.labels) if lab != 0)
    page.evaluate(CLICK_BLOCK, one)
    assert int(page.input_value("#id_block")) == one
    page.evaluate(CLICK_BLOCK, other)
    assert int(page.input_value("#id_to")) == draft.labels[other] + 1

    base.path_after(page, lambda: page.click("form[action$='/accept'] button"))
    assert Grid.objects.current().filter(parent__code=COMMUNITY_A).count() == 4
    assert page.locator(".messages").count() == 1
