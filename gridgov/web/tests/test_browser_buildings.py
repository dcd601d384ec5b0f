"""Registering a building in a real browser: the location picked on the map lands in the
form's fields, the building opens on its page with the grid drawn around it (see
test_browser.py for why the cast is committed)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from gridgov.registry.models import Building
from gridgov.web.tests import test_browser as base

pytestmark = [
    pytest.mark.skipif(not Path(base.CHROMIUM).exists(), reason=f"no Chromium at {base.CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

leave_the_database_as_found = base.leave_the_database_as_found
browser = base.browser
committed_cast = base.committed_cast
open_page = base.open_page

A1 = "640402001001001"  # 106.0–106.1 E, 36.0–36.4 N in the cast


@pytest.mark.parametrize("viewport", [base.DESKTOP, base.PHONE], ids=["desktop", "phone"])
def test_it_registers_a_building_at_the_point_clicked_on_the_map(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any, viewport: dict
) -> None:
    page = open_page(viewport=viewport, user=committed_cast.worker_a1)
    page.goto(live_server.url + "/registry/buildings/new/")
    page.wait_for_selector("#point-map[data-ready]")
    picker = page.locator("#point-map")
    picker.scroll_into_view_if_needed()
    box = picker.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    lon, lat = float(page.input_value("#id_lon")), float(page.input_value("#id_lat"))
    assert 106.0 < lon < 106.1 and 36.0 < lat < 36.4  # inside A1, the grid shown

    page.fill("#id_name", "5号楼")
    page.fill("#id_floors", "11")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    landed = base.path_after(page, page.locator("main button[type=submit]").click)

    building = Building.objects.get(name="5号楼")
    assert landed == f"/registry/buildings/{building.code}/"
    assert (round(building.lon, 6), round(building.lat, 6), building.floors) == (lon, lat, 11)
    page.wait_for_selector("#point-map[data-ready]")
    assert page.locator("#point-map svg path.leaflet-interactive").count() >= 2
    base.shoot(page, f"building-{'phone' if viewport == base.PHONE else 'desktop'}")


def test_it_shows_a_name_with_markup_in_a_map_tooltip_as_text(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    from gridgov.registry import services

    name = '<img src=x onerror="window.pwned=1">楼'
    for n, lat in ((name, 36.05), ("邻楼", 36.35)):  # far apart: markers must not overlap
        services.register_building(
            actor=committed_cast.worker_a1, grid_code=A1,
            data=services.BuildingIn(name=n, lon=106.05, lat=lat),
        )  # fmt: skip
    other = Building.objects.get(name="邻楼")
    page = open_page(user=committed_cast.worker_a1)
    # On the neighbour's page the marked-up name is a marker of the grid's buildings.
    page.goto(live_server.url + f"/registry/buildings/{other.code}/")
    page.wait_for_selector("#point-map[data-ready]")
    shown = []
    for path in page.locator("#point-map svg path.leaflet-interactive").all():
        box = path.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(50)
        shown += page.locator(".leaflet-tooltip").all_inner_texts()
    assert any(text.startswith("<img") for text in shown), shown
    assert page.evaluate("window.pwned") is None
    assert page.locator(".leaflet-tooltip img").count() == 0
