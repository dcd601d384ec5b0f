"""The Content-Security-Policy in the real browser: pages with maps, htmx and the API's
documentation work under it, and Chromium reports no violation on any of them."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from playwright.sync_api import expect

from gridgov.web.tests import test_browser as base

pytestmark = base.pytestmark
leave_the_database_as_found = base.leave_the_database_as_found
browser = base.browser
committed_cast = base.committed_cast
open_page = base.open_page


def violations(page: Any) -> list[str]:
    seen: list[str] = []
    page.on(
        "console",
        lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return seen


def test_it_draws_maps_and_runs_htmx_under_the_policy(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    page = open_page(user=committed_cast.worker_a1)
    seen = violations(page)

    page.goto(live_server.url + base.detail_url(base.A1))
    assert base.map_paths(page, 1).count() == 1
    page.goto(live_server.url + "/registry/buildings/new/")  # the map that picks a point
    page.wait_for_selector("#point-map[data-ready]")
    page.goto(live_server.url + "/registry/residents/")
    page.locator("#id_q").press_sequentially("zz")  # htmx swaps the list in
    expect(page.locator("#result-count")).not_to_be_empty()
    # htmx's indicator rules come from site.css, not from a <style> it would inject.
    assert page.locator("head style").count() == 0

    assert seen == []


def test_it_shows_the_api_documentation_under_the_policy(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    page = open_page(user=committed_cast.worker_a1)
    seen = violations(page)

    page.goto(live_server.url + "/api/v1/docs")

    expect(page.locator("#swagger-ui .info .title")).to_contain_text("gridgov")
    assert seen == []
