"""A resident's report in a real browser, from the QR code's page on a 360-px phone: no
login, the grid's outline on the map, a tap on the map fills the location, the device's
location fills it too, and the report ends on its follow page (see test_browser.py for why
the cast is committed)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from gridgov.cases.models import Case, Category
from gridgov.web.tests import test_browser as base

pytestmark = [
    pytest.mark.skipif(not Path(base.CHROMIUM).exists(), reason=f"no Chromium at {base.CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

leave_the_database_as_found = base.leave_the_database_as_found
browser = base.browser
committed_cast = base.committed_cast
open_page = base.open_page


def test_it_reports_from_the_public_page_by_tapping_the_map(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    from gridgov.cases.seeding import load_categories

    load_categories(Category)  # the flush between transactional tests took them away
    grid = committed_cast.a1
    phone = open_page(viewport=base.PHONE)  # nobody logged in
    phone.goto(f"{live_server.url}/report/{grid.code}/")
    phone.wait_for_selector("#point-map[data-ready]")
    assert phone.locator("h1").inner_text() == "在此反映问题"
    assert phone.locator("#point-map path.leaflet-interactive").count() >= 1  # the outline
    assert phone.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
    assert all(label for _id, label in phone.evaluate(base.LABELS))

    # A tap in the middle of the map (fitted to the grid) puts the point into the fields.
    the_map = phone.locator("#point-map")
    the_map.scroll_into_view_if_needed()
    box = the_map.bounding_box()
    the_map.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    lon, lat = float(phone.input_value("#id_lon")), float(phone.input_value("#id_lat"))
    west, south, east, north = grid.min_lon, grid.min_lat, grid.max_lon, grid.max_lat
    assert west <= lon <= east and south <= lat <= north
    assert phone.locator("#point-map .leaflet-interactive").count() >= 2  # outline + marker

    # The device's location replaces it.
    phone.context.grant_permissions(["geolocation"], origin=live_server.url)
    phone.context.set_geolocation({"longitude": 106.05, "latitude": 36.2, "accuracy": 20})
    phone.click("#locate")
    phone.locator("#locate-status").filter(has_text="±").wait_for()
    assert float(phone.input_value("#id_lon")) == pytest.approx(106.05)

    phone.select_option("#id_category", index=1)
    phone.fill("#id_description", "路灯不亮，晚上很黑")
    phone.fill("#id_place", "幸福路口")
    base.shoot(phone, "intake-report-360")
    path = base.path_after(phone, lambda: phone.click("button.primary"))
    case = Case.objects.get()
    assert path == f"/report/follow/{case.public_id}/"
    assert (case.grid_code, case.source, case.reporter_id) == (grid.code, "resident", None)
    assert case.number in phone.locator("main").inner_text()
    assert phone.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
    base.shoot(phone, "intake-follow-360")
