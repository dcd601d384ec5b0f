"""An import in a real browser: upload a residents file with one bad row, watch the job wait
and then finish (a task-queue consumer runs it in another thread, as in production), read
the summary, download the error workbook and check the marked cell with openpyxl.

The cast, browser and page fixtures are test_browser's (a committed cast; the live server).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from huey.storage import MemoryStorage
from openpyxl import load_workbook

from gridgov.registry import tasks
from gridgov.registry.models import ImportJob, Resident
from gridgov.registry.tests.sheets import id_number, resident, residents_file, wrong_check_digit
from gridgov.web.tests import test_browser as base

# The browser, live-server cast and page fixtures are test_browser's.
browser = base.browser
committed_cast = base.committed_cast
open_page = base.open_page
leave_the_database_as_found = base.leave_the_database_as_found
pytestmark = base.pytestmark
DESKTOP, PHONE, PAGE_WIDTH, shoot = base.DESKTOP, base.PHONE, base.PAGE_WIDTH, base.shoot

URL = "/registry/imports/"
BAD_ID = wrong_check_digit(id_number(2))


@pytest.fixture
def queue() -> Iterator[SimpleNamespace]:
    """The queue as in production (not immediate), in memory; a consumer started on demand."""
    huey = tasks.huey
    saved = (huey._immediate, huey.storage)
    huey._immediate, huey.storage = False, MemoryStorage("browser-test")
    state = SimpleNamespace(consumer=None)

    def start() -> None:
        state.consumer = tasks.start_consumer()

    state.start = start
    yield state
    if state.consumer is not None:
        state.consumer.stop(graceful=True)
    huey._immediate, huey.storage = saved


def test_it_imports_a_file_with_one_bad_row_and_returns_the_error_workbook(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any, queue: Any, tmp_path: Any
) -> None:
    path = tmp_path / "居民.xlsx"
    path.write_bytes(residents_file([
        resident(name="张三", number=id_number(1)),
        resident(name="李四", relation="配偶", number=BAD_ID),
        resident(name="张小三", relation="子女", number=id_number(3), phone=""),
    ]))  # fmt: skip
    page = open_page(DESKTOP, user=committed_cast.worker_a1)
    page.goto(live_server.url + URL)
    shoot(page, "import-upload-desktop")
    page.set_input_files("input[name=file]", str(path))
    with page.expect_navigation():
        page.locator("form.upload button[type=submit]").click()

    # No consumer yet: the job waits, and the page says so with a progress bar.
    job = ImportJob.objects.get()
    assert page.url == f"{live_server.url}{URL}{job.public_id}/"
    assert page.get_attribute("#job-status", "data-status") == "queued"
    assert page.locator("#job-progress").is_visible()
    shoot(page, "import-progress-desktop")

    queue.start()
    page.wait_for_selector('#job-status[data-status="rejected"]', timeout=15_000)
    job.refresh_from_db()
    assert (job.error_rows, Resident.objects.count()) == (1, 0)
    problem = page.locator("table.problems tbody tr")
    assert problem.count() == 1
    assert problem.locator("th").inner_text() == "3"
    assert problem.locator("td").nth(0).inner_text() == "证件号码"
    reason = problem.locator("td").nth(1).inner_text()
    assert reason == job.errors[0]["message"]
    shoot(page, "import-errors-desktop")

    with page.expect_download() as download:
        page.locator("#error-workbook").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book.worksheets[0]
    assert sheet["I3"].value == BAD_ID
    assert sheet["I3"].fill.start_color.rgb == "00FFC7CE"
    assert sheet["I3"].comment.text == reason
    assert sheet["Q1"].value == "错误" and sheet["Q3"].value == f"证件号码：{reason}"
    assert sheet["Q2"].value is None and sheet["I2"].comment is None

    phone = open_page(PHONE, storage_state=page.context.storage_state())
    for name, url in (("import-errors", page.url), ("import-upload", live_server.url + URL)):
        phone.goto(url)
        assert phone.evaluate(PAGE_WIDTH) <= PHONE["width"]
        shoot(phone, f"{name}-phone")
