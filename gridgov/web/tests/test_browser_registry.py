"""The registry pages in a real browser (Debian's Chromium via Playwright, see test_browser.py
for why the cast is committed and how the database is put back afterwards)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import expect

from gridgov.registry.tests.test_pages import build_registry
from gridgov.web.tests import test_browser as base

pytestmark = [
    pytest.mark.skipif(not Path(base.CHROMIUM).exists(), reason=f"no Chromium at {base.CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

# The fixtures of the grid pages' browser tests, reused under their own names.
leave_the_database_as_found = base.leave_the_database_as_found
browser = base.browser
committed_cast = base.committed_cast
open_page = base.open_page

RESULT_ROWS = "#results tbody tr"
UNLABELLED = f"({base.LABELS}).filter(([id, label]) => !label)"


@pytest.fixture
def reg(committed_cast: SimpleNamespace) -> SimpleNamespace:
    return build_registry(committed_cast)


def rows(page: Any) -> list[str]:
    return [r.inner_text().split("\t")[0].strip() for r in page.locator(RESULT_ROWS).all()]


def test_it_finds_a_resident_by_initials_and_shows_the_id_masked(
    committed_cast: SimpleNamespace, reg: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    page = open_page(user=committed_cast.worker_a1)
    page.goto(live_server.url + "/registry/residents/")
    assert rows(page) == ["张三", "李四", "王五"]

    # Typing is enough: the list follows the search box (htmx, 300 ms after the last key).
    page.locator("#id_q").press_sequentially("zs")
    # (expect, not wait_for_function: that evaluates a string, which the CSP refuses)
    expect(page.locator(RESULT_ROWS)).to_have_count(1)
    assert rows(page) == ["张三"]
    assert page.locator("#result-count").inner_text() != ""
    assert page.url == live_server.url + "/registry/residents/"  # nothing typed in the address
    base.shoot(page, "registry-search-desktop")

    landed = base.path_after(page, page.locator(RESULT_ROWS).get_by_role("link").click)

    assert landed == f"/registry/residents/{reg.zhang.public_id}/"
    assert page.locator("#id-number").inner_text() == reg.zhang.id_masked
    assert reg.zhang_id not in page.content()
    # A grid worker may not unmask: no reason box, no button.
    assert page.locator("form.reveal").count() == 0
    base.shoot(page, "registry-resident-worker-desktop")


def test_it_reveals_the_id_number_to_a_grid_head_who_gives_a_reason(
    committed_cast: SimpleNamespace, reg: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    from gridgov.registry.models import AccessLog

    page = open_page(base.PHONE, user=committed_cast.head_a)
    page.goto(f"{live_server.url}/registry/residents/{reg.zhang.public_id}/")
    assert page.locator("#id-number").inner_text() == reg.zhang.id_masked
    assert page.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
    base.shoot(page, "registry-resident-head-phone")

    page.locator("#id_reason").fill("核对低保资格")
    base.path_after(page, page.locator("form.reveal button[value=id_number]").click)

    assert page.locator("#revealed").inner_text() == reg.zhang_id
    assert page.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
    base.shoot(page, "registry-revealed-phone")
    log = AccessLog.objects.get()
    assert (log.actor_id, log.resident_id, log.field, log.reason) == (
        committed_cast.head_a.pk, reg.zhang.pk, "id_number", "核对低保资格"
    )  # fmt: skip
    # Opened again, the page is masked: the full number was shown that once.
    page.goto(f"{live_server.url}/registry/residents/{reg.zhang.public_id}/")
    assert page.locator("#revealed").count() == 0
    assert reg.zhang_id not in page.content()


def test_it_adds_a_tag_with_the_fields_of_its_kind(
    committed_cast: SimpleNamespace, reg: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    from gridgov.registry.models import Tag

    page = open_page(base.PHONE, user=committed_cast.worker_a1)
    page.goto(f"{live_server.url}/registry/residents/{reg.wang.public_id}/")
    page.locator("details.addtag summary").click()
    # Another kind, other fields: fetched when the kind changes.
    page.locator("#id_kind").select_option("left_behind_child")
    page.wait_for_selector("#id_detail_guardian")
    page.locator("#id_detail_guardian").fill("王大爷")
    assert page.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
    base.shoot(page, "registry-add-tag-phone")

    base.path_after(page, page.locator("details.addtag button[type=submit]").click)

    tag = Tag.objects.get(resident=reg.wang)
    assert (tag.kind, tag.details) == ("left_behind_child", {"guardian": "王大爷"})
    assert page.locator("#tags .taglist strong").inner_text() == "留守儿童"


def test_it_moves_a_resident_to_a_household_found_by_address(
    committed_cast: SimpleNamespace, reg: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    from gridgov.registry.models import Resident

    page = open_page(user=committed_cast.worker_a1)
    page.goto(f"{live_server.url}/registry/residents/{reg.wang.public_id}/move/")
    page.locator("#find").press_sequentially("幸福路1")
    page.get_by_label("幸福路1号").check()
    base.shoot(page, "registry-move-picked-desktop")

    landed = base.path_after(page, page.locator("form button[type=submit]").last.click)

    assert landed == f"/registry/residents/{reg.wang.public_id}/"
    assert Resident.objects.get(pk=reg.wang.pk).household_id == reg.h1.pk


def test_it_shows_a_refusal_next_to_its_field_and_keeps_the_record(
    committed_cast: SimpleNamespace, reg: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    from gridgov.registry.models import Resident

    page = open_page(base.PHONE, user=committed_cast.worker_a1)
    page.goto(f"{live_server.url}/registry/residents/{reg.zhang.public_id}/edit/")
    page.locator("#id_id_number").fill("640402198005010118")  # a wrong check digit
    page.locator("form.card button[type=submit]").click()

    page.wait_for_selector("#id_id_number_error")
    field = page.locator("#id_id_number")
    assert field.get_attribute("aria-invalid") == "true"
    assert "id_id_number_error" in (field.get_attribute("aria-describedby") or "")
    assert page.locator(".error-summary").count() == 1
    assert page.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
    base.shoot(page, "registry-edit-error-phone")
    assert Resident.objects.get(pk=reg.zhang.pk).id_number_hash == reg.zhang.id_number_hash


def test_it_loads_the_completeness_panel_on_the_grid_page(
    committed_cast: SimpleNamespace, reg: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    for size, viewport in [("desktop", base.DESKTOP), ("phone", base.PHONE)]:
        page = open_page(viewport, user=committed_cast.head_a)
        page.goto(live_server.url + base.detail_url(base.COMMUNITY_A))
        page.wait_for_selector("#completeness ul.meters")
        assert page.locator("#completeness table.figures tbody tr").count() == 2
        assert page.evaluate(base.PAGE_WIDTH) <= viewport["width"]
        base.shoot(page, f"registry-completeness-{size}")


@pytest.mark.parametrize(
    ("name", "who", "path"),
    [
        ("residents", "head_a", "/registry/residents/"),
        ("resident", "worker_a1", "/registry/residents/{zhang}/"),
        ("edit", "worker_a1", "/registry/residents/{zhang}/edit/"),
        ("move", "worker_a1", "/registry/residents/{zhang}/move/"),
        ("household", "worker_a1", "/registry/households/{h1}/"),
        ("households", "head_a", "/registry/households/"),
        ("new-household", "head_a", "/registry/households/new/"),
        ("organisations", "head_a", "/registry/organisations/new/"),
        ("access-log", "auditor", "/registry/access-log/"),
    ],
)
def test_it_fits_a_desktop_and_a_360px_phone_with_every_control_labelled(
    committed_cast: SimpleNamespace,
    reg: SimpleNamespace,
    open_page: Any,
    live_server: Any,
    name: str,
    who: str,
    path: str,
) -> None:
    url = live_server.url + path.format(zhang=reg.zhang.public_id, h1=reg.h1.public_id)
    for size, viewport in [("desktop", base.DESKTOP), ("phone", base.PHONE)]:
        page = open_page(viewport, user=getattr(committed_cast, who))
        page.goto(url)
        assert page.get_attribute("html", "lang") == "zh-hans"
        assert page.evaluate(base.PAGE_WIDTH) <= viewport["width"]
        assert page.evaluate(base.HEADER_OVERLAPS) == []
        assert page.evaluate(UNLABELLED) == []
        base.shoot(page, f"registry-{name}-{size}")
