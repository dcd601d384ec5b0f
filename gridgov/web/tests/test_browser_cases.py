"""A case in a real browser: a grid worker reports it on a 360-px phone (photo, location
typed — the map and the device's location fill the same fields), the community head files
and dispatches it on a desktop (see test_browser.py for why the cast is committed)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image

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


def test_it_reports_on_a_phone_and_dispatches_on_a_desktop(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any, tmp_path: Path
) -> None:
    from gridgov.cases.seeding import load_categories

    load_categories(Category)  # the flush between transactional tests took them away
    photo = tmp_path / "p.jpg"
    Image.new("RGB", (800, 600), "teal").save(photo, "JPEG")

    phone = open_page(viewport=base.PHONE, user=committed_cast.worker_a1)
    phone.goto(f"{live_server.url}/m/report/")
    phone.wait_for_selector("#point-map[data-ready]")
    assert phone.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
    assert all(label for _id, label in phone.evaluate(base.LABELS))
    phone.set_input_files("#id_photos", str(photo))
    phone.select_option("#id_category", label="街面秩序 · 乱停乱放")
    phone.fill("#id_description", "消防通道被车辆占用")
    phone.fill("#id_lon", "106.05")
    phone.fill("#id_lat", "36.2")
    base.shoot(phone, "cases-report-360")
    # By keyboard: from the last field to the button.
    phone.focus("#id_source")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.matches('button.primary')")
    path = base.path_after(phone, lambda: phone.keyboard.press("Enter"))
    case = Case.objects.get()
    assert path == f"/cases/{case.number}/"
    assert phone.locator(".photos img").count() == 1
    assert phone.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
    base.shoot(phone, "cases-case-360")

    desk = open_page(user=committed_cast.head_a)
    desk.goto(f"{live_server.url}/cases/{case.number}/")
    base.path_after(desk, lambda: desk.click("details.act[open] button[type=submit]"))
    assert Case.objects.get().stage == "filed"
    desk.locator("details.act:has(form[action$='/dispatch/']) summary").click()
    desk.fill("input[name=level]:visible", committed_cast.a1.code)
    dispatch = desk.locator("form[action$='/dispatch/'] button[type=submit]")
    base.path_after(desk, lambda: dispatch.click())
    case = Case.objects.get()
    assert (case.stage, case.assignee_code) == ("dispatched", committed_cast.a1.code)
    base.shoot(desk, "cases-case-1280")
