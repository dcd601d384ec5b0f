"""The inspector's phone pages (/m/inspections/): the occurrences due to the person, and
the check-list form (every item pass / fail / N.A., findings with a rectification deadline
that open cases). Anonymous / no role / out of scope / in scope; a refusal changes
nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from gridgov.cases.models import Case
from gridgov.conftest import log_in
from gridgov.inspections.models import Finding, Inspection, PointEntry

from .conftest import at

pytestmark = pytest.mark.django_db
NOW = at(2026, 11, 27)  # a Friday
WEEK = dt.date(2026, 11, 23)  # its Monday: the hygiene Friday's period


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def url(schedule: Any, period: dt.date, target: str) -> str:
    return f"/m/inspections/{schedule.pk}/{period.isoformat()}/{target}/"


def marks(schedule: Any, fail: int = 0) -> dict[str, str]:
    items = schedule.template.items.order_by("position")
    return {f"item_{i.pk}": ("fail" if n < fail else "pass") for n, i in enumerate(items)}


def counts() -> tuple[int, int, int, int]:
    return (Inspection.objects.count(), PointEntry.objects.count(), Finding.objects.count(),
            Case.objects.count())  # fmt: skip


def test_it_lists_what_is_due_to_the_person(cast: Any, plans: Any) -> None:
    assert Client().get("/m/inspections/")["Location"].startswith("/login/")
    assert log_in(Client(), cast.nobody).get("/m/inspections/").status_code == 403
    page = log_in(Client(), cast.worker_a1).get("/m/inspections/")
    assert page.status_code == 200
    sections = {key: items for key, _t, items in page.context["sections"]}
    # The grid worker's hygiene days only: today's Friday and this month's month-end one,
    # next week's Friday, and those of the last month left undone.
    assert [i["d"].schedule for i in sections["due"]] == [plans.friday, plans.month_end]
    assert [i["d"].occurrence.due_on for i in sections["upcoming"]] == [dt.date(2026, 12, 4)]
    assert {i["d"].schedule for i in sections["overdue"]} == {plans.friday, plans.month_end}
    text = page.content.decode()
    assert "周五卫生日" in text and url(plans.friday, WEEK, cast.a1.code) in text
    assert "督查组月检查" not in text


def test_it_records_an_inspection_from_the_form(cast: Any, plans: Any) -> None:
    client = log_in(Client(), cast.worker_a1)
    form = client.get(url(plans.friday, WEEK, cast.a1.code))
    assert form.status_code == 200
    text = form.content.decode()
    # Each item a labelled group of radios.
    first = plans.friday.template.items.order_by("position").first()
    assert f"<legend>1. {first.text}</legend>" in text
    assert f'<label for="id_item_{first.pk}_0"><input type="radio"' in text
    r = client.post(url(plans.friday, WEEK, cast.a1.code), {
        **marks(plans.friday, fail=1), "finding_0": "楼道堆放杂物",
        "rectify_by_0": "2026-12-04",
    })  # fmt: skip
    assert r.status_code == 302 and r["Location"] == "/m/inspections/"
    inspection = Inspection.objects.get()
    assert (inspection.schedule, inspection.grid, inspection.inspector) == (
        plans.friday, cast.a1, cast.worker_a1,
    )  # fmt: skip
    assert (inspection.period_start, inspection.score) == (WEEK, 3)
    finding = Finding.objects.get()
    assert (finding.text, finding.rectify_by, finding.case.source) == (
        "楼道堆放杂物", dt.date(2026, 12, 4), "inspection",
    )  # fmt: skip
    # Done: the form says so, and a second one is refused.
    again = client.get(url(plans.friday, WEEK, cast.a1.code))
    assert again.context["done"] == inspection
    before = counts()
    r = client.post(url(plans.friday, WEEK, cast.a1.code), marks(plans.friday))
    assert r.status_code == 400 and r.context["form"].non_field_errors()
    assert counts() == before


def test_it_refuses_and_changes_nothing(cast: Any, plans: Any) -> None:
    target = url(plans.friday, WEEK, cast.a1.code)
    data = marks(plans.friday)
    assert Client().post(target, data)["Location"].startswith("/login/")
    assert log_in(Client(), cast.nobody).post(target, data).status_code == 404
    assert log_in(Client(), cast.worker_b1).get(target).status_code == 404
    assert log_in(Client(), cast.dispatcher).post(target, data).status_code == 403
    # The daily safety patrol is not the grid worker's.
    daily = url(plans.daily, NOW.date(), cast.a1.code)
    assert log_in(Client(), cast.worker_a1).post(daily, marks(plans.daily)).status_code == 403
    # No such occurrence: a day that starts no period of the schedule, a grid not under it.
    client = log_in(Client(), cast.worker_a1)
    assert client.get(url(plans.friday, NOW.date(), cast.a1.code)).status_code == 404
    assert client.get(url(plans.friday, WEEK, cast.b1.code)).status_code == 404
    # An item left out, a phone number in a finding, a finding with no deadline.
    r = client.post(target, dict(list(data.items())[1:]))
    assert r.status_code == 400 and r.context["form"].errors
    r = client.post(target, {**data, "finding_0": "联系电话13912345678",
                             "rectify_by_0": "2026-12-04"})  # fmt: skip
    assert r.status_code == 400 and r.context["form"].errors["finding_0"]
    r = client.post(target, {**data, "finding_0": "垃圾未清运"})
    assert r.status_code == 400 and r.context["form"].errors["rectify_by_0"]
    r = client.post(target, {**data, "finding_0": "垃圾未清运", "rectify_by_0": "2026-11-26"})
    assert r.status_code == 400 and r.context["form"].errors["finding_0"]
    assert counts() == (0, 0, 0, 0)


def test_it_lets_a_spot_check_choose_its_grid(cast: Any, plans: Any) -> None:
    wednesday = url(plans.spot, WEEK, cast.community_a.code)
    client = log_in(Client(), cast.head_a)
    page = client.get(wednesday)
    assert page.status_code == 200
    assert [c[0] for c in page.context["form"].fields["grid"].choices] == [
        cast.a1.code, cast.a2.code,
    ]  # fmt: skip
    r = client.post(wednesday, {**marks(plans.spot), "grid": cast.a2.code})
    assert r.status_code == 302
    inspection = Inspection.objects.get()
    assert (inspection.grid, inspection.target_code, inspection.on_time) == (
        cast.a2, cast.community_a.code, False,
    )  # fmt: skip


def test_it_records_a_past_weeks_occurrence_on_the_day_given(cast: Any, plans: Any) -> None:
    last_week = url(plans.friday, dt.date(2026, 11, 16), cast.a1.code)
    client = log_in(Client(), cast.worker_a1)
    page = client.get(last_week)
    assert page.status_code == 200 and not page.context["in_period"] and page.context["late"]
    # Now is in another period: the day it was done must be given, in its own period.
    r = client.post(last_week, marks(plans.friday))
    assert r.status_code == 400 and r.context["form"].errors["inspected_at"]
    r = client.post(last_week, {**marks(plans.friday), "inspected_at": "2026-11-24T10:00"})
    assert r.status_code == 400 and r.context["form"].errors["inspected_at"]
    assert counts() == (0, 0, 0, 0)
    r = client.post(last_week, {**marks(plans.friday), "inspected_at": "2026-11-21T10:00"})
    assert r.status_code == 302
    inspection = Inspection.objects.get()
    assert (inspection.period_start, inspection.due_on, inspection.on_time) == (
        dt.date(2026, 11, 16), dt.date(2026, 11, 20), False,
    )  # fmt: skip
