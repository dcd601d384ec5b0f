"""Recording a visit: the due date moves on by the household's shortest round, on time or
late, the place checked against the household's grid, a case opened in the same step, the
follow-up visit after that case closed; refusals change nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from PIL import Image

from gridgov.cases.models import Case, Category
from gridgov.cases.services import act
from gridgov.core.errors import ServiceError
from gridgov.visits import schedule
from gridgov.visits.models import Schedule, Visit, VisitPhoto
from gridgov.visits.services import record_visit

from .conftest import IN_A1, IN_A2, at

pytestmark = pytest.mark.django_db
D = dt.date


def visit(actor: Any, household: Any, when: dt.datetime, **extra: Any) -> Visit:
    lon, lat = extra.pop("point", IN_A1)
    with time_machine.travel(when, tick=False):
        return record_visit(
            actor=actor, household=household, findings=extra.pop("findings", "情况正常"),
            lon=lon, lat=lat, **extra,
        )  # fmt: skip


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "olive").save(out, "JPEG")
    return out.getvalue()


def test_it_moves_the_due_date_on_across_months(cast: Any, homes: Any) -> None:
    # Weekly: 28 Dec 2026 → 4 Jan 2027; visited 6 Jan (late) → 13 Jan.
    v1 = visit(cast.worker_a1, homes.alone, at(2026, 12, 28), residents=[homes.granny])
    assert (v1.due_on, v1.on_time, v1.next_due, v1.must_visit) == (
        D(2026, 6, 1), False, D(2027, 1, 4), True,
    )  # fmt: skip
    assert list(v1.residents.all()) == [homes.granny]
    v2 = visit(cast.worker_a1, homes.alone, at(2027, 1, 6))
    assert (v2.due_on, v2.on_time, v2.next_due) == (D(2027, 1, 4), False, D(2027, 1, 13))
    v3 = visit(cast.worker_a1, homes.alone, at(2027, 1, 13, 18, 0))
    assert (v3.on_time, v3.next_due) == (True, D(2027, 1, 20))
    # Monthly, calendar months: 31 January → 28 February → 28 March.
    m1 = visit(cast.worker_a1, homes.poor, at(2027, 1, 31))
    assert m1.next_due == D(2027, 2, 28)
    m2 = visit(cast.worker_a1, homes.poor, at(2027, 2, 27))
    assert (m2.on_time, m2.next_due) == (True, D(2027, 3, 27))
    row = Schedule.objects.get(pk=homes.poor.pk)
    assert (row.next_due, row.last_visit_on) == (D(2027, 3, 27), D(2027, 2, 27))


def test_it_keeps_photos_and_opens_a_case_in_the_same_step(
    cast: Any, homes: Any, django_capture_on_commit_callbacks: Any
) -> None:
    category = Category.objects.get(code="0903")
    with django_capture_on_commit_callbacks(execute=True):
        v = visit(
            cast.worker_a1, homes.poor, at(2027, 1, 4), findings="屋顶漏雨,需帮扶",
            open_case=True, category=category, photos=[jpeg()],
        )  # fmt: skip
    case = Case.objects.get()
    assert v.case == case
    assert (case.grid_code, case.description, case.reporter, case.lon) == (
        cast.a1.code, "屋顶漏雨,需帮扶", cast.worker_a1, IN_A1[0],
    )  # fmt: skip
    assert case.attachments.count() == 1
    assert VisitPhoto.objects.get(visit=v).file.startswith(f"visits/{v.public_id}/")


def test_it_schedules_the_follow_up_once_the_case_is_closed(cast: Any, homes: Any) -> None:
    category = Category.objects.get(code="0903")
    with time_machine.travel(at(2027, 1, 4), tick=False):
        schedule.refresh()
    v = visit(cast.worker_a1, homes.plain, at(2027, 1, 4), open_case=True, category=category)
    assert Schedule.objects.get(pk=homes.plain.pk).next_due == D(2028, 1, 4)
    with time_machine.travel(at(2027, 1, 5), tick=False):
        c = act(case=v.case, actor=cast.worker_a1, action="settle", note="已联系民政")
        act(case=c, actor=cast.head_a, action="verify")
    with time_machine.travel(at(2027, 1, 5, 11, 0), tick=False):
        schedule.refresh()
    row = Schedule.objects.get(pk=homes.plain.pk)
    assert (row.next_due, row.follow_up_case_id) == (D(2027, 1, 5), v.case.pk)
    follow = visit(cast.worker_a1, homes.plain, at(2027, 1, 7))
    assert (follow.kind, follow.follow_up_of_id, follow.on_time) == ("follow_up", v.case.pk, False)
    row.refresh_from_db()
    assert (row.next_due, row.follow_up_case_id) == (D(2028, 1, 7), None)


@pytest.mark.parametrize(
    ("who", "change", "code"),
    [
        ("worker_b1", {}, "not_found"),
        ("nobody", {}, "not_found"),
        ("dispatcher", {}, "forbidden"),
        ("auditor", {}, "forbidden"),
        ("worker_a1", {"findings": "  "}, "invalid"),
        ("worker_a1", {"findings": "儿子电话 139 1234 5678"}, "number_in_text"),
        ("worker_a1", {"point": IN_A2}, "outside"),
        ("worker_a1", {"open_case": True}, "invalid"),
        ("worker_a1", {"photos": [b"not a photo"]}, "invalid"),
        ("worker_a1", {"residents": "granny"}, "invalid"),
    ],
)
def test_it_refuses_and_changes_nothing(
    cast: Any, homes: Any, who: str, change: dict[str, Any], code: str
) -> None:
    if change.get("residents") == "granny":
        change["residents"] = [homes.granny]  # not of this household
    with pytest.raises(ServiceError) as e:
        visit(getattr(cast, who), homes.poor, at(2027, 1, 4), **change)
    assert e.value.code == code
    assert (Visit.objects.count(), Case.objects.count(), Schedule.objects.count()) == (0, 0, 0)


def test_it_refuses_a_case_it_may_not_open_and_keeps_no_visit(cast: Any, homes: Any) -> None:
    major = Category.objects.get(code="09")  # not of the lowest level
    with pytest.raises(ServiceError):
        visit(cast.worker_a1, homes.poor, at(2027, 1, 4), open_case=True, category=major)
    assert (Visit.objects.count(), Case.objects.count()) == (0, 0)


def test_it_takes_a_visit_dated_back_a_week_at_most(cast: Any, homes: Any) -> None:
    with pytest.raises(ServiceError) as e:
        visit(cast.worker_a1, homes.poor, at(2027, 1, 20), visited_at=at(2027, 1, 10))
    assert e.value.field == "visited_at"
    v = visit(cast.worker_a1, homes.poor, at(2027, 1, 20), visited_at=at(2027, 1, 15))
    assert v.next_due == D(2027, 2, 15)
