"""/api/v1/meetings: list, create, read, attendance, minutes, tasks, task done —
anonymous / no right / out of scope / in scope; refusals change nothing."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client

from gridgov.meetings.models import Attendance, Decision, FollowUp, Meeting

from .conftest import NOW, held, plan

pytestmark = pytest.mark.django_db
BASE = "/api/v1/meetings"


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def api(cast: Any, who: str | None) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}") if who else Client()


def post(cast: Any, who: str | None, url: str, body: dict[str, Any]) -> Any:
    return api(cast, who).post(url, body, content_type="application/json")


def state() -> tuple[Any, ...]:
    return (
        list(Meeting.objects.values_list("title", "minutes", "held_at")),
        sorted(Attendance.objects.values_list("user_id", "presence", "reason")),
        Decision.objects.count(),
        list(FollowUp.objects.values_list("status", "done_note")),
    )


def body(cast: Any, **change: Any) -> dict[str, Any]:
    return {
        "grid": cast.community_a.code, "kind": "workers", "title": "四月网格员例会",
        "starts_at": "2027-04-02T09:00:00+08:00", "place": "甲社区会议室",
        "agenda": ["通报", "部署"], **change,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("who", "change", "status", "field"),
    [
        (None, {}, 401, None),
        ("nobody", {}, 404, "grid"),
        ("worker_b1", {}, 404, "grid"),
        ("dispatcher", {}, 403, None),
        ("head_a", {"grid": "640402001001999"}, 404, "grid"),
        ("head_a", {"chair": "worker_b1"}, 422, "chair"),
        ("head_a", {"chair": "no_such_person"}, 404, "chair"),
        ("head_a", {"cases": ["C404"]}, 404, "cases"),
        ("head_a", {"title": "身份证640402194003011234"}, 422, "title"),
        ("head_a", {"starts_at": "2029-01-01T09:00:00+08:00"}, 422, "starts_at"),
        ("head_a", {"kind": "party"}, 422, "kind"),
    ],
)
def test_it_refuses_to_call_a_meeting_and_changes_nothing(
    cast: Any, who: str | None, change: dict[str, Any], status: int, field: str | None
) -> None:
    r = post(cast, who, BASE, body(cast, **change))
    assert r.status_code == status, r.content
    assert r.json()["field"] == field
    assert Meeting.objects.count() == 0


def test_it_calls_a_meeting_and_reads_it_back(cast: Any) -> None:
    r = post(cast, "head_a", BASE, body(cast))
    assert r.status_code == 201, r.json()
    out = r.json()
    assert (out["chair"], out["held"], out["agenda"]) == ("head_a", False, ["通报", "部署"])
    assert [(a["user"], a["presence"]) for a in out["attendance"]] == [
        ("head_a", "invited"), ("worker_a1", "invited"),
    ]  # fmt: skip
    url = f"{BASE}/{out['public_id']}"
    assert api(cast, "worker_a1").get(url).json()["title"] == "四月网格员例会"  # invited
    assert api(cast, "worker_b1").get(url).status_code == 404
    assert api(cast, None).get(url).status_code == 401
    listed = api(cast, "worker_a1").get(BASE).json()
    assert [m["title"] for m in listed] == ["四月网格员例会"]
    assert api(cast, "worker_b1").get(BASE).json() == []


def test_it_marks_attendance_and_records_minutes(cast: Any) -> None:
    meeting = plan(cast)
    url = f"{BASE}/{meeting.public_id}"
    mark = {"user": "worker_a1", "presence": "excused", "reason": "入户走访"}
    before = state()
    for who, status in ((None, 401), ("worker_b1", 404), ("worker_a1", 403), ("dispatcher", 403)):
        assert post(cast, who, f"{url}/attendance", mark).status_code == status
        assert post(cast, who, f"{url}/minutes", {"minutes": "x"}).status_code == status
    r = post(cast, "head_a", f"{url}/attendance", {**mark, "reason": ""})
    assert (r.status_code, r.json()["field"]) == (422, "reason")
    r = post(cast, "head_a", f"{url}/attendance", {**mark, "user": "worker_b1"})
    assert (r.status_code, r.json()["field"]) == (404, "user")
    assert state() == before
    r = post(cast, "head_a", f"{url}/attendance", mark)
    assert r.json() == {"user": "worker_a1", "name": "worker_a1", "presence": "excused",
                        "reason": "入户走访"}  # fmt: skip
    r = post(cast, "head_a", f"{url}/minutes", {"minutes": "纪要", "decisions": ["一", "二"]})
    assert r.status_code == 200
    assert (r.json()["held"], [d["number"] for d in r.json()["decisions"]]) == (True, [1, 2])
    later = plan(cast, title="下周例会", starts_at=NOW.replace(day=20))
    r = post(cast, "head_a", f"{BASE}/{later.public_id}/attendance", mark)
    assert (r.status_code, r.json()["code"]) == (409, "not_started")


def test_it_sets_tasks_lists_them_and_records_them_done(cast: Any) -> None:
    meeting = held(cast)
    url = f"{BASE}/{meeting.public_id}/tasks"
    task = {"decision": 1, "owner": "worker_a1", "deadline": "2027-03-09", "text": "走访独居老人"}
    before = state()
    assert post(cast, "worker_a1", url, task).status_code == 403
    assert post(cast, "worker_b1", url, task).status_code == 404
    r = post(cast, "head_a", url, {**task, "decision": 9})
    assert (r.status_code, r.json()["field"]) == (404, "decision")
    r = post(cast, "head_a", url, {**task, "owner": "worker_b1"})
    assert (r.status_code, r.json()["field"]) == (422, "owner")
    assert state() == before
    r = post(cast, "head_a", url, task)
    assert r.status_code == 201
    out = r.json()
    assert (out["status"], out["overdue"], out["decision"]) == ("open", True, 1)
    mine = api(cast, "worker_a1").get(f"{BASE}/tasks", {"mine": "true", "state": "overdue"})
    assert [t["text"] for t in mine.json()] == ["走访独居老人"]
    assert api(cast, "worker_b1").get(f"{BASE}/tasks").json() == []
    done = f"{BASE}/tasks/{out['public_id']}/done"
    assert post(cast, "worker_b1", done, {"note": "已走访"}).status_code == 404
    assert post(cast, "dispatcher", done, {"note": "已走访"}).status_code == 403
    assert post(cast, None, done, {"note": "已走访"}).status_code == 401
    assert FollowUp.objects.get().status == "open"
    r = post(cast, "worker_a1", done, {"note": "已走访"})
    assert (r.json()["status"], r.json()["done_by"], r.json()["overdue"]) == (
        "done", "worker_a1", False,
    )  # fmt: skip
    assert post(cast, "head_a", done, {"note": "再记"}).status_code == 409
    assert api(cast, "head_a").get(f"{BASE}/tasks", {"state": "done"}).json()[0]["done_note"] == (
        "已走访"
    )
