"""A meeting in a real browser: the community head marks attendance one click per person on a
desktop (htmx swaps the person's row), the grid worker records their follow-up task done on a
360-px phone; every control labelled, no sideways scrolling (see test_browser.py for why the
cast is committed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from gridgov.web.tests import test_browser as base

pytestmark = [
    pytest.mark.skipif(not Path(base.CHROMIUM).exists(), reason=f"no Chromium at {base.CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

leave_the_database_as_found = base.leave_the_database_as_found
browser = base.browser
committed_cast = base.committed_cast
open_page = base.open_page


def test_it_marks_attendance_and_closes_a_task(
    committed_cast: SimpleNamespace, open_page: Any, live_server: Any
) -> None:
    from gridgov.meetings import services
    from gridgov.meetings.models import Attendance, Cadence, FollowUp

    c = committed_cast
    # A flush between transactional tests may have taken the cadences of migration 0002.
    Cadence.objects.get_or_create(kind="workers", defaults={"depth": 2, "every_months": 1})
    meeting = services.plan_meeting(
        actor=c.head_a, grid=c.community_a, kind="workers", title="网格员工作例会",
        starts_at=timezone.now() - dt.timedelta(hours=1), place="甲社区会议室", chair=c.head_a,
        agenda=["通报上月事件办理情况", "部署独居老人走访"],
    )  # fmt: skip
    services.record_minutes(
        actor=c.head_a, meeting=meeting, minutes="会议通报了上月情况，部署了走访。",
        decisions=["加强独居老人走访", "清理楼道堆物"],
    )  # fmt: skip
    services.add_task(
        actor=c.head_a, meeting=meeting, decision=meeting.decisions.get(number=2),
        owner=c.worker_a1, deadline=timezone.localdate() + dt.timedelta(days=7),
        text="清理3号楼楼道堆物",
    )  # fmt: skip

    desk = open_page(user=c.head_a)
    desk.goto(f"{live_server.url}/meetings/{meeting.public_id}/")
    assert desk.locator("h1").inner_text() == "网格员工作例会"
    assert all(label for _id, label in desk.evaluate(base.LABELS))
    row = desk.locator(f"#att-{c.worker_a1.pk}")
    row.get_by_role("button", name="出席").click()
    row.locator(".presence", has_text="出席").wait_for()
    excused = desk.locator(f"#att-{c.head_a.pk}")
    excused.get_by_label("head_a 的请假原因").fill("区里开会")
    excused.get_by_role("button", name="请假").click()
    excused.locator(".presence", has_text="区里开会").wait_for()
    desk.locator("#att-counts", has_text="出席 1 人，缺席 0 人，请假 1 人").wait_for()
    assert sorted(Attendance.objects.values_list("user__username", "presence", "reason")) == [
        ("head_a", "excused", "区里开会"), ("worker_a1", "present", ""),
    ]  # fmt: skip
    base.shoot(desk, "meeting-1280")
    desk.goto(f"{live_server.url}/meetings/?grid={c.community_a.code}")
    assert "网格员工作例会" in desk.inner_text("main")
    base.shoot(desk, "meetings-list-1280")

    phone = open_page(viewport=base.PHONE, user=c.worker_a1)
    phone.goto(f"{live_server.url}/meetings/tasks/?mine=1")
    assert phone.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
    assert all(label for _id, label in phone.evaluate(base.LABELS))
    task = phone.locator(".task", has_text="清理3号楼楼道堆物")
    task.locator("summary").click()
    task.get_by_label("完成情况").fill("已清理，楼道畅通")
    base.shoot(phone, "meeting-tasks-360")
    path = base.path_after(phone, lambda: task.get_by_role("button", name="记录完成").click())
    assert path == "/meetings/tasks/"
    assert FollowUp.objects.values_list("status", "done_note", "done_by").get() == (
        "done", "已清理,楼道畅通", c.worker_a1.pk,  # text is normalised (ADR 0011)
    )  # fmt: skip
    phone.goto(f"{live_server.url}/meetings/{meeting.public_id}/")
    assert phone.evaluate(base.PAGE_WIDTH) <= base.PHONE["width"]
    base.shoot(phone, "meeting-360")
