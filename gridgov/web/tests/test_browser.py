"""The pages in a real browser: Debian's Chromium driven by Playwright against the live server.

The live server answers from another thread (on PostgreSQL, another connection), so the cast
is committed rather than held in the test's transaction. `live_server` makes every test
transactional: pytest-django flushes the tables after each one, so the cast is built per test,
and the module puts back what the migrations had stored once it is done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.test import Client

from gridgov.conftest import build_cast

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
COUNTY, STREET_A, STREET_B = "640402", "640402001", "640402002"
COMMUNITY_A, A1 = "640402001001", "640402001001001"

# What the tests ask the page: how wide it is, what has the focus, each control's label,
# and which header controls overlap one another.
PAGE_WIDTH = "document.documentElement.scrollWidth"
FOCUSED = "document.activeElement.id || document.activeElement.textContent.trim()"
LABELS = """
[...document.querySelectorAll("input:not([type=hidden]), select, textarea, button")].map(e => [
  e.id || e.name || e.tagName.toLowerCase(),
  e.getAttribute("aria-label")
    || [...(e.labels || [])].map(l => l.textContent.trim()).join(" ")
    || (e.tagName === "BUTTON" ? e.textContent.trim() : ""),
])
"""
HEADER_OVERLAPS = """
(() => {
  const boxes = [...document.querySelectorAll(
    ".top .brand, .top nav a, .tools select, .tools button, .tools .who")]
    .map(e => [e.textContent.trim() || e.id, e.getBoundingClientRect()]);
  const hits = [];
  boxes.forEach(([a, r], i) => boxes.slice(i + 1).forEach(([b, s]) => {
    if (r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom)
      hits.push([a, b]);
  }));
  return hits;
})()
"""

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]


def detail_url(code: str) -> str:
    return f"/grids/comprehensive/{code}/"


def report_url(code: str) -> str:
    return f"/grids/comprehensive/{code}/report/"


@pytest.fixture(scope="module", autouse=True)
def leave_the_database_as_found(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Put back the rows the migrations stored (e.g. the boundary stamp) after the flushes.

    Other modules, and later runs with --reuse-db, expect them; this is Django's
    serialized_rollback done once for the module instead of around every test.
    """
    with django_db_blocker.unblock():
        saved = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(saved)
        # The rows come back with their ids, but PostgreSQL's sequences stay where the flush
        # left them (1): the next insert of such a table would collide. Set them past the rows.
        sql = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
        if sql:
            with connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, and Django refuses
    # ORM calls next to a running loop. Fixtures here use the ORM only between page actions.
    with pytest.MonkeyPatch.context() as mp, sync_playwright() as pw:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def committed_cast(transactional_db: Any, browser: Any) -> Iterator[SimpleNamespace]:
    """The fixed cast, committed; transactional_db flushes it after the test."""
    from gridgov.grids import index

    index.drop_all()
    yield build_cast()
    index.drop_all()


@pytest.fixture
def open_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh browser context, logged in as `user` if given.

    The session cookie comes from Django's test client: the login form is tested once, in
    the drill-down test. The context asks for en-US on purpose: pages must still come in
    Simplified Chinese unless the person switched.
    """
    contexts = []

    def open_(
        viewport: dict[str, int] = DESKTOP, user: Any = None, storage_state: Any = None
    ) -> Any:
        context = browser.new_context(
            viewport=viewport, locale="en-US", storage_state=storage_state
        )
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies["sessionid"].value
            context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def map_paths(page: Any, features: int) -> Any:
    """Wait until the map has drawn its `features`; the SVG paths inside #map."""
    page.wait_for_selector("#map[data-ready]")
    assert page.get_attribute("#map", "data-ready") == str(features)
    return page.locator("#map svg path.leaflet-interactive")


def path_after(page: Any, action: Callable[[], Any]) -> str:
    """Do `action`, wait for the navigation it starts; the path (and query) it ends on.

    Comparing the path afterwards, rather than waiting for an expected URL, makes a wrong
    turn (say, back to the login page) fail at once and say where it went.
    """
    with page.expect_navigation():
        action()
    url = urlsplit(page.url)
    return f"{url.path}?{url.query}" if url.query else url.path


def shoot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_it_logs_in_and_drills_down_to_a_grid_on_the_map(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    page = open_page()
    page.goto(live_server.url + "/grids/")
    assert page.url == f"{live_server.url}/login/?next=/grids/"

    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill("pw")
    landed = path_after(page, page.get_by_role("button", name="登录").click)

    assert landed == detail_url(COUNTY)
    assert page.locator("h1").inner_text() == "原州区"
    assert map_paths(page, 3).count() == 3  # the county's outline and its two streets
    for name, code in [("南关街道", STREET_A), ("甲社区", COMMUNITY_A), ("甲社区第1网格", A1)]:
        link = page.locator("table.list").get_by_role("link", name=name, exact=True)
        assert path_after(page, link.click) == detail_url(code)
        assert page.locator("h1").inner_text() == name
    # A grid has no children: the map holds its outline only, a 0.1° × 0.4° upright strip.
    paths = map_paths(page, 1)
    assert paths.count() == 1
    box = paths.bounding_box()
    assert box["height"] > 3 * box["width"] > 0
    assert page.locator("table.list").count() == 0
    shoot(page, "grid-a1-desktop")

    phone = open_page(PHONE, storage_state=page.context.storage_state())
    phone.goto(live_server.url + detail_url(A1))
    assert map_paths(phone, 1).count() == 1
    assert phone.evaluate(PAGE_WIDTH) <= PHONE["width"]
    shoot(phone, "grid-a1-phone")


def test_it_works_from_the_keyboard(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    page = open_page()
    page.goto(live_server.url + "/login/")
    # The username field takes the focus on load; one step back is the header's last control.
    assert page.evaluate(FOCUSED) == "id_username"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED) == "切换"

    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "id_username"
    page.keyboard.type("worker_a1")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "id_password"
    page.keyboard.type("pw")
    assert path_after(page, lambda: page.keyboard.press("Enter")) == detail_url(A1)

    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "跳到正文"
    assert page.locator("a.skip").bounding_box()["x"] >= 0  # moved on screen by :focus
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED) == "main"


def test_it_opens_a_child_clicked_on_the_map(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    page = open_page(user=committed_cast.dispatcher)
    page.goto(live_server.url + detail_url(COUNTY))
    paths = map_paths(page, 3)

    # Paths are drawn in feature order: the county outline, street A, street B.
    landed = path_after(page, paths.nth(2).click)

    assert landed == detail_url(STREET_B)
    assert page.locator("h1").inner_text() == "古雁街道"


def test_it_labels_every_form_control(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    login = open_page()
    login.goto(live_server.url + "/login/")
    assert login.evaluate(LABELS) == [
        ["language", "语言"],
        ["button", "切换"],
        ["id_username", "用户名"],
        ["id_password", "密码"],
        ["button", "登录"],
    ]

    page = open_page(user=committed_cast.head_a)
    for url in (detail_url(COMMUNITY_A), report_url(COMMUNITY_A)):
        page.goto(live_server.url + url)
        assert page.evaluate(LABELS) == [
            ["language", "语言"],
            ["button", "切换"],
            ["button", "退出"],
        ]


@pytest.mark.parametrize(
    ("name", "who", "url", "features"),
    [
        ("login", None, "/login/", None),
        ("county", "dispatcher", detail_url(COUNTY), 3),
        ("community-a", "head_a", detail_url(COMMUNITY_A), 3),
        ("report-county", "dispatcher", report_url(COUNTY), None),
    ],
)
def test_it_fits_a_desktop_and_a_360px_phone(
    committed_cast: SimpleNamespace,
    open_page: Any,
    live_server: Any,
    name: str,
    who: str | None,
    url: str,
    features: int | None,
) -> None:
    user = getattr(committed_cast, who) if who else None
    for size, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
        page = open_page(viewport, user=user)
        page.goto(live_server.url + url)
        if features is not None:
            map_paths(page, features)
        assert page.get_attribute("html", "lang") == "zh-hans"
        assert page.evaluate(PAGE_WIDTH) <= viewport["width"]
        assert page.evaluate(HEADER_OVERLAPS) == []
        shoot(page, f"{name}-{size}")
