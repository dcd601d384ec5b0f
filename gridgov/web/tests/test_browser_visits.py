"""A household visit in a real browser: a grid worker on a 360-px phone opens today's list,
takes the household that is overdue, records the visit with the device's location and opens
a case from it in the same step; the head sees the coverage on a desktop (see
test_browser.py for why the cast is committed)."""

from __future__ import annotations

import datetime as dt
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


def test_it_records_a_visit_on_a_phone_that_opens_a_case(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    from gridgov.cases.seeding import load_categories
    from gridgov.registry.models import Household, Tag
    from gridgov.visits import schedule
    from gridgov.visits.models import Visit, VisitRule
    from gridgov.visits.seeding import load_rules

    load_categories(Category)  # the flush between transactional tests took them away
    load_rules(VisitRule)
    c = committed_cast
    home = Household.objects.create(
        grid=c.a1, grid_code=c.a1.code, address="幸福路8号", household_type="unit"
    )
    Tag.objects.create(
        household=home, grid_code=home.grid_code, kind="hardship", start=dt.date(2024, 1, 1)
    )
    schedule.compute({"__in": [home.pk]})

    phone = open_page(viewport=base.PHONE, user=c.worker_a1)
    phone.context.grant_permissions(["geolocation"], origin=live_server.url)
    phone.context.set_geolocation({"longitude": 106.05, "latitude": 36.2, "accuracy": 12})
    phone.goto(f"{live_server.url}/m/visits/")
    assert phone.locator("h1").inner_text().startswith("今日走访")
    assert phone.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
    base.shoot(phone, "visits-due-360")
    item = phone.locator(".visit-item", has_text="幸福路8号")
    assert "困难家庭" in item.inner_text() and "必访" in item.inner_text()
    assert base.path_after(phone, lambda: item.locator("a").click()) == (
        f"/m/visits/{home.public_id}/"
    )
    phone.wait_for_selector("#point-map[data-ready]")
    assert all(label for _id, label in phone.evaluate(base.LABELS))
    phone.fill("#id_findings", "屋顶漏雨,需要帮扶维修")
    phone.click("#locate")
    phone.locator("#locate-status").filter(has_text="±").wait_for()
    assert float(phone.input_value("#id_lon")) == pytest.approx(106.05)
    phone.check("#id_open_case")
    assert phone.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
    base.shoot(phone, "visits-record-360")
    path = base.path_after(phone, lambda: phone.click("button.primary"))
    case = Case.objects.get()
    visit = Visit.objects.get()
    assert path == f"/cases/{case.number}/"
    assert (visit.case_id, case.category.code, case.description, visit.household_id) == (
        case.pk, "0903", "屋顶漏雨,需要帮扶维修", home.pk,
    )  # fmt: skip
    assert visit.lon == pytest.approx(106.05)

    desk = open_page(user=c.head_a)
    desk.goto(f"{live_server.url}/visits/?node={c.a1.code}")
    assert "幸福路8号" in desk.locator("main").inner_text()
    base.shoot(desk, "visits-coverage-1280")
