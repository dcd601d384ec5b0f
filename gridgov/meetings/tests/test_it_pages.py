"""Meeting pages in Simplified Chinese: anonymous / no right / out of scope / in scope for
each, nothing changed on a refusal; attendance by one click (htmx gets the row back)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import openpyxl
import pytest
import time_machine
from django.test import Client

from gridgov.conftest import log_in
from gridgov.meetings import services
from gridgov.meetings.models import Attendance, Decision, FollowUp, Meeting

from .conftest import NOW, at, held, plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def as_(user: Any) -> Client:
    return log_in(Client(), user) if user else Client()


def state() -> tuple[Any, ...]:
    return (
        list(Meeting.objects.values_list("title", "minutes")),
        list(Attendance.objects.values_list("presence", "reason")),
        Decision.objects.count(),
        list(FollowUp.objects.values_list("status", "done_note")),
    )


def test_it_lists_a_levels_meetings_and_the_regular_ones_due(cast: Any) -> None:
    held(cast)
    page = as_(cast.head_a).get("/meetings/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "会议 · 甲社区" in text and "三月网格员例会" in text and "召开会议" in text
    assert "甲社区 · 网格员例会" in text  # January missed
    # A worker sees the meeting they are invited to, not the button to call one.
    text = as_(cast.worker_a1).get("/meetings/").content.decode()
    assert "三月网格员例会" in text and "召开会议" not in text
    assert "三月网格员例会" not in as_(cast.worker_b1).get("/meetings/").content.decode()
    assert as_(cast.worker_b1).get(f"/meetings/?grid={cast.community_a.code}").status_code == 404
    assert as_(None).get("/meetings/").status_code == 302


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("nobody", 404), ("worker_b1", 404), ("dispatcher", 403), ("head_a", 200)],
)
def test_it_calls_a_meeting_only_where_the_person_holds_them(
    cast: Any, who: str | None, status: int
) -> None:
    client = as_(getattr(cast, who) if who else None)
    url = f"/meetings/new/?grid={cast.community_a.code}"
    assert client.get(url).status_code == status
    data = {
        "kind": "workers", "title": "四月例会", "starts_at": "2027-04-02T09:00",
        "place": "甲社区会议室", "chair": cast.head_a.pk, "agenda": "一、通报\n二、部署\n",
    }  # fmt: skip
    r = client.post(url, data)
    if status != 200:
        assert r.status_code == status
        assert Meeting.objects.count() == 0
        return
    meeting = Meeting.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/meetings/{meeting.public_id}/"
    assert meeting.agenda == ["一、通报", "二、部署"]
    r = client.post(url, {**data, "place": "电话 139 1234 5678"})
    assert r.status_code == 400
    assert "此处不得填写电话和证件号码" in r.content.decode()
    assert Meeting.objects.count() == 1


def test_it_marks_attendance_with_one_click(cast: Any) -> None:
    meeting = plan(cast)
    url = f"/meetings/{meeting.public_id}/attendance/"
    before = state()
    assert (
        as_(None).post(url, {"user": cast.worker_a1.pk, "presence": "present"}).status_code == 302
    )
    for who, status in (("worker_b1", 404), ("nobody", 404), ("worker_a1", 403)):
        r = as_(getattr(cast, who)).post(url, {"user": cast.worker_a1.pk, "presence": "present"})
        assert r.status_code == status
    assert state() == before
    head = as_(cast.head_a)
    page = head.get(f"/meetings/{meeting.public_id}/").content.decode()
    assert "出席" in page and "请假" in page and "事由" in page
    r = head.post(url, {"user": cast.worker_a1.pk, "presence": "excused"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422
    assert "此项必填" in r.content.decode()
    r = head.post(
        url, {"user": cast.worker_a1.pk, "presence": "excused", "reason": "入户走访"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert r.status_code == 200
    assert (
        r.content.decode()
        .lstrip()
        .startswith(f'<li class="person excused" id="att-{cast.worker_a1.pk}"')
    )
    r = head.post(url, {"user": cast.head_a.pk, "presence": "present"})
    assert r.status_code == 302
    assert sorted(Attendance.objects.values_list("user__username", "presence", "reason")) == [
        ("head_a", "present", ""), ("worker_a1", "excused", "入户走访"),
    ]  # fmt: skip


def test_it_records_minutes_and_sets_a_task_closed_by_its_owner(cast: Any) -> None:
    meeting = plan(cast)
    base = f"/meetings/{meeting.public_id}"
    before = state()
    assert as_(cast.worker_a1).post(f"{base}/minutes/", {"minutes": "x"}).status_code == 403
    assert as_(cast.worker_b1).post(f"{base}/minutes/", {"minutes": "x"}).status_code == 404
    assert state() == before
    head = as_(cast.head_a)
    r = head.post(
        f"{base}/minutes/", {"minutes": "通报了情况。", "decisions": "加强走访\n清理堆物"}
    )
    assert r.status_code == 302
    decision = Decision.objects.get(number=2)
    task = {"decision": decision.pk, "text": "清理3号楼楼道", "owner": cast.worker_a1.pk,
            "deadline": "2027-03-20"}  # fmt: skip
    assert as_(cast.worker_a1).post(f"{base}/tasks/", task).status_code == 403
    r = head.post(f"{base}/tasks/", {**task, "owner": cast.worker_b1.pk})
    assert r.status_code == 422 and FollowUp.objects.count() == 0
    assert head.post(f"{base}/tasks/", task).status_code == 302
    t = FollowUp.objects.get()
    page = as_(cast.worker_a1).get(f"{base}/").content.decode()
    assert "清理3号楼楼道" in page and "记录完成" in page
    done = f"/meetings/tasks/{t.public_id}/done/"
    assert as_(cast.worker_b1).post(done, {"note": "已清理"}).status_code == 404
    assert as_(cast.dispatcher).post(done, {"note": "已清理"}).status_code == 403
    assert as_(cast.worker_a1).post(done, {"note": ""}).status_code == 422
    assert FollowUp.objects.get().status == "open"
    r = as_(cast.worker_a1).post(done, {"note": "已清理", "next": "tasks"})
    assert (r.status_code, r["Location"]) == (302, "/meetings/tasks/")
    assert FollowUp.objects.values_list("status", "done_note").get() == ("done", "已清理")


def test_it_lists_filters_and_exports_the_tasks(cast: Any, django_assert_num_queries: Any) -> None:
    meeting = held(cast, starts_at=at(2027, 3, 1, 9))
    decision = meeting.decisions.get()
    for day, text in ((5, "逾期的事项"), (20, "未到期的事项")):
        services.add_task(
            actor=cast.head_a, meeting=meeting, decision=decision, owner=cast.worker_a1,
            deadline=dt.date(2027, 3, day), text=text,
        )  # fmt: skip
    head = as_(cast.head_a)
    # Session, user, the user's assignments (scope), unread notices (the header), count, the
    # page's tasks with their meetings, decisions and owners.
    with django_assert_num_queries(6):
        page = head.get("/meetings/tasks/?state=overdue").content.decode()
    assert "逾期的事项" in page and "未到期的事项" not in page
    assert "未到期的事项" in as_(cast.worker_a1).get("/meetings/tasks/?mine=1").content.decode()
    assert "逾期的事项" not in as_(cast.worker_b1).get("/meetings/tasks/").content.decode()
    assert as_(cast.worker_b1).get(f"/meetings/tasks/?grid={cast.a1.code}").status_code == 404
    r = head.post("/meetings/tasks/export/", {"state": "open"})
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(__import__("io").BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [(r[4], r[6], r[7]) for r in rows] == [
        ("逾期的事项", "2027-03-05", "逾期"), ("未到期的事项", "2027-03-20", "未完成"),
    ]  # fmt: skip
    assert (
        as_(cast.worker_b1).post("/meetings/tasks/export/", {"grid": cast.a1.code}).status_code
        == 404
    )
