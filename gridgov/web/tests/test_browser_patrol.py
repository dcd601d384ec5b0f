"""A patrol in a real browser: a grid worker on a 360-px phone starts a patrol, marks two
points with the device's location (patrol.js fills the form in) and sees them on the map,
then ends it (see test_browser.py for why the cast is committed)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from gridgov.web.tests import test_browser as base

pytestmark = [
    pytest.mark.skipif(not Path(base.CHROMIUM).exists(), reason=f"no Chromium at {base.CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

leave_the_database_as_found = base.leave_the_database_as_found
browser = base.browser
committed_cast = base.committed_cast
open_page = base.open_page

MARKERS = "#patrol-map path.leaflet-interactive"


def test_it_patrols_on_a_phone(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    from gridgov.inspections.models import Patrol

    c = committed_cast
    phone = open_page(viewport=base.PHONE, user=c.worker_a1)
    phone.context.grant_permissions(["geolocation"], origin=live_server.url)
    phone.context.set_geolocation({"longitude": 106.05, "latitude": 36.2, "accuracy": 12})
    phone.goto(f"{live_server.url}/m/patrol/")
    assert phone.locator("h1").inner_text() == "巡查"
    assert all(label for _id, label in phone.evaluate(base.LABELS))
    start = phone.get_by_role("button", name="开始巡查")
    assert base.path_after(phone, lambda: start.click()) == "/m/patrol/"
    assert "巡查已开始" in phone.locator("main").inner_text()

    mark = phone.get_by_role("button", name="标记巡查点")
    assert base.path_after(phone, lambda: mark.click()) == "/m/patrol/"
    phone.context.set_geolocation({"longitude": 106.052, "latitude": 36.203, "accuracy": 8})
    # From the keyboard this time: the button takes the focus and Enter sends the form.
    mark.focus()
    assert base.path_after(phone, lambda: phone.keyboard.press("Enter")) == "/m/patrol/"
    phone.wait_for_selector("#patrol-map[data-ready]")
    assert phone.get_attribute("#patrol-map", "data-ready") == "2"
    assert "2 个点" in phone.locator(".patrol-figures").inner_text()
    # The two points and the line between them, over the grid's outline.
    assert phone.locator(MARKERS).count() >= 3
    assert phone.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
    base.shoot(phone, "patrol-360")

    patrol = Patrol.objects.get()
    assert list(patrol.points.values_list("lon", "lat", "inside")) == [
        (106.05, 36.2, True), (106.052, 36.203, True),
    ]  # fmt: skip
    end = phone.get_by_role("button", name="结束巡查")
    assert base.path_after(phone, lambda: end.click()) == "/m/patrol/"
    patrol.refresh_from_db()
    assert patrol.ended_at is not None and patrol.points_count == 2
    assert 300 < patrol.length_m < 450
    text = phone.locator("main").inner_text()
    assert "巡查已结束" in text and "最近的巡查" in text
    base.shoot(phone, "patrol-ended-360")


def test_it_records_an_inspection_on_a_phone(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    from gridgov.cases.models import Case, Category
    from gridgov.cases.seeding import load_categories
    from gridgov.inspections.data.templates import load_templates
    from gridgov.inspections.models import ChecklistItem, Inspection, Schedule, Template

    load_categories(Category)  # the flush between transactional tests took them away
    load_templates(Template, ChecklistItem)
    c = committed_cast
    today = timezone.localdate()
    Schedule.objects.create(
        template=Template.objects.get(code="hygiene-friday"), grid=c.community_a,
        grid_code=c.community_a.code, cadence="daily", role="grid_worker",
        starts_on=today - dt.timedelta(days=1),
    )  # fmt: skip
    phone = open_page(viewport=base.PHONE, user=c.worker_a1)
    phone.goto(f"{live_server.url}/m/inspections/")
    assert phone.locator("h1").inner_text().startswith("我的检查")
    item = phone.locator(".due-list.due .due-item").first
    assert "周五卫生日" in item.inner_text() and "甲社区第1网格" in item.inner_text()
    base.path_after(phone, lambda: item.locator("a").click())
    assert all(label for _id, label in phone.evaluate(base.LABELS))
    radios = phone.locator("input[type=radio][value=pass]")
    assert radios.count() == 5
    for n in range(5):
        radios.nth(n).check()
    phone.get_by_label("不合格").first.check()
    phone.fill("#id_finding_0", "楼道堆放杂物")
    phone.fill("#id_rectify_by_0", (today + dt.timedelta(days=3)).isoformat())
    assert phone.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
    base.shoot(phone, "inspection-record-360")
    path = base.path_after(phone, lambda: phone.click("button.primary"))
    assert path == "/m/inspections/"
    inspection = Inspection.objects.get()
    assert (inspection.grid_id, inspection.score) == (c.a1.pk, 3)
    assert Case.objects.get().description == "楼道堆放杂物"
    assert "检查已登记" in phone.locator("main").inner_text()

    desk = open_page(user=c.head_a)
    desk.goto(f"{live_server.url}/inspections/?node={c.community_a.code}")
    assert desk.locator("h1").inner_text().startswith("检查")
    row = desk.locator(".coverage-table tbody tr", has_text="甲社区第1网格")
    assert row.locator("td").nth(1).inner_text() == "1"  # done
    # The period's inspection, with its grid's name and the case its finding opened.
    listed = desk.locator("section", has_text="期间的检查").inner_text()
    assert "甲社区第1网格" in listed and Case.objects.get().number in listed
    base.shoot(desk, "inspections-coverage-1280")
