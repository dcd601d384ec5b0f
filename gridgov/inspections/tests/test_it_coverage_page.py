"""The heads' inspection page (/inspections/) and its xlsx export: anonymous / no right /
out of scope / in scope; the figures per child grid, the drill-down, the overdue
rectifications with links to their cases."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from gridgov.conftest import log_in
from gridgov.core.models import AuditEntry
from gridgov.inspections import services

from .conftest import at, outcomes

pytestmark = pytest.mark.django_db
RECORDED = at(2026, 11, 27)  # a Friday
NOW = at(2026, 12, 1)
NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30"}


@pytest.fixture(scope="module")
def done(cast: Any, plans: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    from gridgov.accounts.models import Assignment, User

    with django_db_blocker.unblock(), time_machine.travel(RECORDED, tick=False):
        monthly = services.record_inspection(
            actor=cast.head_a, grid=cast.a2, schedule=plans.monthly,
            outcomes=outcomes(plans.monthly.template),
        )  # fmt: skip
        friday = services.record_inspection(
            actor=cast.worker_a1, grid=cast.a1, schedule=plans.friday,
            outcomes=outcomes(plans.friday.template, fail=1),
            findings=[services.FindingIn("幸福路门前垃圾未清运", dt.date(2026, 11, 28))],
        )  # fmt: skip
        volunteer = User.objects.create_user("volunteer_a1", password="pw")
        Assignment.objects.create(
            user=volunteer, grid=cast.a1, role="volunteer", starts_on=dt.date(2026, 1, 1)
        )
        yield SimpleNamespace(monthly=monthly, friday=friday, volunteer=volunteer)


@pytest.fixture(autouse=True)
def _today(done: Any) -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_asks_anonymous_people_to_log_in(cast: Any) -> None:
    assert Client().get("/inspections/")["Location"].startswith("/login/")
    r = Client().post("/inspections/export/", {**NOVEMBER, "node": cast.community_a.code})
    assert r["Location"].startswith("/login/")


def test_it_refuses_people_without_the_right_or_out_of_scope(cast: Any, done: Any) -> None:
    assert log_in(Client(), cast.nobody).get("/inspections/").status_code == 403
    volunteer = log_in(Client(), done.volunteer)
    assert volunteer.get("/inspections/", {"node": cast.a1.code}).status_code == 403
    outsider = log_in(Client(), cast.worker_b1)
    assert outsider.get("/inspections/", {"node": cast.community_a.code}).status_code == 404
    data = {**NOVEMBER, "node": cast.community_a.code}
    before = AuditEntry.objects.count()
    assert outsider.post("/inspections/export/", data).status_code == 404
    assert volunteer.post("/inspections/export/", {**data, "node": cast.a1.code}).status_code == 403
    assert log_in(Client(), cast.nobody).post("/inspections/export/", data).status_code == 404
    assert AuditEntry.objects.count() == before


def test_it_shows_due_versus_done_per_child_grid(cast: Any, done: Any) -> None:
    page = log_in(Client(), cast.head_a).get("/inspections/", NOVEMBER)
    assert page.status_code == 200
    assert page.context["grid"] == cast.community_a
    rows = {r.key: r for r in page.context["rows"]}
    # Each grid in November: 21 working days' safety patrols, 4 hygiene Fridays, the monthly
    # inspection and the month-end hygiene day; the spot check (4 Wednesdays) targets the
    # community itself, in a row of its own. All past on 1 December.
    figures = {k: (r.due, r.done, r.overdue, r.upcoming, r.findings, r.late_rectifications)
               for k, r in rows.items()}  # fmt: skip
    assert figures == {
        cast.community_a.code: (4, 0, 4, 0, 0, 0),
        cast.a1.code: (27, 1, 26, 0, 1, 1),
        cast.a2.code: (27, 1, 26, 0, 0, 0),
    }
    total = page.context["total"]
    # Points: the hygiene day's four items passed, one failed (+1 / −1 each: +3); the
    # monthly inspection's pass points (+5).
    assert (total.due, total.done, total.overdue, total.points) == (58, 2, 56, 3 + 5)
    text = page.content.decode()
    assert "检查" in text and "甲社区第1网格" in text
    # The overdue rectification, linked to its case.
    case = done.friday.findings.get().case
    assert [f.case for f in page.context["late"]] == [case]
    assert f'href="/cases/{case.number}/"' in text and "幸福路门前垃圾未清运" in text
    late = page.content.decode().split('id="h-late"')[1].split("</section>")[0]
    assert "甲社区第1网格" in late and "逾期未整改" in text
    # Drill down to a grid; its ancestors are links back up.
    grid = log_in(Client(), cast.head_a).get("/inspections/", {**NOVEMBER, "node": cast.a1.code})
    assert grid.status_code == 200
    assert [(r.key, r.due, r.done) for r in grid.context["rows"]] == [(cast.a1.code, 27, 1)]
    assert f"?node={cast.community_a.code}&amp;" in grid.content.decode()
    assert [i.pk for i in grid.context["inspections"]] == [done.friday.pk]
    # A bad period is told, not a crash.
    bad = log_in(Client(), cast.head_a).get(
        "/inspections/", {"start": "2026-12-01", "end": "2026-11-01"}
    )
    assert bad.status_code == 400


def test_it_exports_what_the_page_shows(cast: Any) -> None:
    r = log_in(Client(), cast.head_a).post(
        "/inspections/export/", {**NOVEMBER, "node": cast.community_a.code}
    )
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    rows = list(load_workbook(io.BytesIO(r.content)).active.values)
    assert rows[0][:4] == ("名称", "编码", "应检查次数", "已检查")
    assert rows[-1][:4] == ("合计", None, 58, 2)
    assert AuditEntry.objects.filter(action="inspection_coverage.export").count() == 1
