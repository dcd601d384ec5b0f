"""Meeting services: who is invited, attendance, minutes and decisions, follow-up tasks —
and for each, out of scope (404), no right (403), bad input (422), wrong moment (409), with
nothing changed on a refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from gridgov.cases.models import Case, Category
from gridgov.core.errors import ServiceError
from gridgov.core.models import AuditEntry
from gridgov.meetings import services
from gridgov.meetings.models import Attendance, Decision, FollowUp, Meeting

from .conftest import NOW, at, held, plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def counts() -> tuple[int, ...]:
    audit = AuditEntry.objects.filter(object_type__startswith="meeting")
    models = (Meeting, Attendance, Decision, FollowUp)
    return (*(m.objects.count() for m in models), audit.count())


def refused(fn: Any, **kwargs: Any) -> tuple[int, str, str | None]:
    before = counts()
    with pytest.raises(ServiceError) as e:
        fn(**kwargs)
    assert counts() == before
    return e.value.status, e.value.code, e.value.field


def test_it_invites_the_staff_under_the_level_and_the_chair(cast: Any) -> None:
    meeting = plan(cast)
    invited = Meeting.objects.get().attendances.values_list("user__username", "presence")
    assert sorted(invited) == [("head_a", "invited"), ("worker_a1", "invited")]
    assert (meeting.agenda, meeting.held_at) == (["通报上月事件办理情况", "部署入户走访"], None)
    entry = AuditEntry.objects.get(action="meeting.plan")
    assert (entry.actor, entry.after["invited"], entry.after["grid"]) == (
        cast.head_a, 2, cast.community_a.code,
    )  # fmt: skip


def test_it_links_cases_to_a_consultation_only_those_the_holder_sees(cast: Any) -> None:
    category = Category.objects.filter(children__isnull=True, parent__isnull=False).first()

    def case(grid: Any, number: str) -> Case:
        return Case.objects.create(
            number=number, category=category, grid=grid, grid_code=grid.code,
            holder_code=grid.code, description="楼道堆物", source="worker", stage="handling",
        )  # fmt: skip

    mine, theirs = case(cast.a1, "C1"), case(cast.b1, "C2")
    meeting = plan(cast, kind="consultation", title="疑难问题联席会商", cases=[mine])
    assert list(meeting.cases.values_list("number", flat=True)) == ["C1"]
    kw = {"kind": "consultation", "cases": [mine, theirs]}
    assert refused(plan, cast=cast, **kw) == (404, "not_found", "cases")
    assert refused(plan, cast=cast, cases=[mine]) == (422, "invalid", "cases")


@pytest.mark.parametrize(
    ("who", "grid", "change", "expected"),
    [
        ("nobody", "community_a", {}, (404, "not_found", "grid")),
        ("worker_b1", "community_a", {}, (404, "not_found", "grid")),
        ("worker_a1", "community_a", {}, (404, "not_found", "grid")),
        ("worker_a1", "a1", {}, (403, "forbidden", None)),
        ("dispatcher", "community_a", {}, (403, "forbidden", None)),
        ("head_a", "community_a", {"title": "电话13912345678"}, (422, "number_in_text", "title")),
        ("head_a", "community_a", {"place": "  "}, (422, "invalid", "place")),
        ("head_a", "community_a", {"chair": "worker_b1"}, (422, "invalid", "chair")),
        ("head_a", "community_a", {"starts_at": at(2028, 6, 1)}, (422, "invalid", "starts_at")),
    ],
)
def test_it_refuses_to_plan_and_changes_nothing(
    cast: Any, who: str, grid: str, change: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    if "chair" in change:
        change["chair"] = getattr(cast, change["chair"])
    kw = {"actor": getattr(cast, who), "grid": getattr(cast, grid), **change}
    assert refused(plan, cast=cast, **kw) == expected


def test_it_marks_attendance_once_begun_with_a_reason_for_an_excuse(cast: Any) -> None:
    meeting = plan(cast, starts_at=at(2027, 3, 12))
    mark = services.mark_attendance
    kw = {"meeting": meeting, "user": cast.worker_a1, "presence": "present"}
    assert refused(mark, actor=cast.head_a, **kw) == (409, "not_started", None)
    with time_machine.travel(at(2027, 3, 12, 11), tick=False):
        assert refused(mark, actor=cast.worker_b1, **kw) == (404, "not_found", None)
        assert refused(mark, actor=cast.nobody, **kw) == (404, "not_found", None)
        # The dispatcher sees the county's meetings; worker_a1 is invited: neither holds it.
        assert refused(mark, actor=cast.dispatcher, **kw) == (403, "forbidden", None)
        assert refused(mark, actor=cast.worker_a1, **kw) == (403, "forbidden", None)
        excused = {**kw, "presence": "excused"}
        assert refused(mark, actor=cast.head_a, **excused) == (422, "invalid", "reason")
        outsider = {**kw, "user": cast.worker_b1}
        assert refused(mark, actor=cast.head_a, **outsider) == (404, "not_found", "user")
        mark(actor=cast.head_a, **excused, reason="入户走访")
        mark(actor=cast.head_a, meeting=meeting, user=cast.head_a, presence="present")
    rows = Attendance.objects.filter(meeting=meeting).order_by("user__username")
    assert [(a.user.username, a.presence, a.reason, a.marked_by) for a in rows] == [
        ("head_a", "present", "", cast.head_a), ("worker_a1", "excused", "入户走访", cast.head_a),
    ]  # fmt: skip


def test_it_numbers_decisions_after_those_recorded(cast: Any) -> None:
    meeting = held(cast, decisions=("加强独居老人走访", "", "清理楼道堆物"))
    services.record_minutes(
        actor=cast.head_a, meeting=meeting, minutes="补充：", decisions=["更新公示牌"]
    )
    meeting.refresh_from_db()
    assert meeting.held_at == NOW
    assert meeting.minutes == "补充："
    assert list(meeting.decisions.values_list("number", "text")) == [
        (1, "加强独居老人走访"), (2, "清理楼道堆物"), (3, "更新公示牌"),
    ]  # fmt: skip
    kw = {"meeting": meeting, "minutes": "x", "decisions": []}
    assert refused(services.record_minutes, actor=cast.worker_a1, **kw)[0] == 403
    assert refused(services.record_minutes, actor=cast.worker_b1, **kw)[0] == 404
    later = plan(cast, starts_at=at(2027, 3, 20))
    kw["meeting"] = later
    assert refused(services.record_minutes, actor=cast.head_a, **kw)[:2] == (409, "not_started")


def test_it_tracks_a_task_to_done_by_its_owner_or_the_chair(cast: Any) -> None:
    meeting = held(cast)
    decision = meeting.decisions.get()
    add = services.add_task
    kw = {"meeting": meeting, "decision": decision, "deadline": dt.date(2027, 3, 31)}
    task = add(actor=cast.head_a, owner=cast.worker_a1, text="走访幸福路独居老人", **kw)
    assert refused(add, actor=cast.head_a, owner=cast.worker_b1, text="x", **kw)[2] == "owner"
    assert refused(add, actor=cast.worker_a1, owner=cast.worker_a1, text="x", **kw)[0] == 403
    past = {**kw, "deadline": dt.date(2027, 3, 1)}
    assert refused(add, actor=cast.head_a, owner=cast.worker_a1, text="x", **past)[2] == "deadline"

    done = services.complete_task
    assert refused(done, actor=cast.worker_b1, task=task, note="已走访")[0] == 404
    assert refused(done, actor=cast.dispatcher, task=task, note="已走访")[0] == 403
    assert refused(done, actor=cast.worker_a1, task=task, note=" ")[:3] == (422, "invalid", "note")
    done(actor=cast.worker_a1, task=task, note="已走访3户")
    assert refused(done, actor=cast.head_a, task=task, note="再次")[:2] == (409, "already_done")
    t = FollowUp.objects.get()
    assert (t.status, t.done_note, t.done_by, t.done_at) == (
        "done",
        "已走访3户",
        cast.worker_a1,
        NOW,
    )


def test_it_shows_a_meeting_to_its_invited_and_a_task_to_its_owner(cast: Any) -> None:
    meeting = held(cast)
    other = plan(cast, grid=cast.a2, title="第2网格工作会议", kind="work")
    task = services.add_task(
        actor=cast.head_a, meeting=meeting, decision=meeting.decisions.get(),
        owner=cast.worker_a1, deadline=dt.date(2027, 3, 9 + 20), text="走访",
    )  # fmt: skip

    def seen(user: Any) -> list[str]:
        return sorted(m.title for m in Meeting.objects.visible_to(user))

    assert seen(cast.worker_a1) == ["三月网格员例会"]  # invited; A2's is not theirs
    assert seen(cast.head_a) == sorted([meeting.title, other.title])
    assert seen(cast.worker_b1) == seen(cast.nobody) == []
    assert list(FollowUp.objects.visible_to(cast.worker_a1)) == [task]
    assert list(FollowUp.objects.visible_to(cast.worker_b1)) == []
