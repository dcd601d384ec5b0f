"""A few months of meetings in the demo district (issue 10, R-STAFF-6), so that the meeting
pages have something to show: each community's monthly workers' meeting (one month skipped
now and then, so the schedule shows a missed one), each street's party-building meeting
every two months, and a joint consultation on a hard case here and there — with attendance,
minutes, decisions and follow-up tasks, most done, some open, some overdue.

Made through the services (they invite the people and write the audit trail), as each
level's grid head; deterministic for a seed and a `now`.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from gridgov.accounts.models import Assignment
from gridgov.accounts.roles import Role
from gridgov.cases.models import Case
from gridgov.grids.models import Grid
from gridgov.meetings import services
from gridgov.meetings.models import FollowUp, Meeting

MONTHS = 4
AGENDA = {
    "workers": ["通报上月事件办理情况", "梳理网格内社情民意", "部署本月入户走访"],
    "party_building": ["各党支部汇报网格化工作进展", "督查党建网格化落实情况", "部署下阶段任务"],
    "consultation": ["通报疑难问题情况", "相关单位发表意见", "明确责任分工"],
}
DECISIONS = (
    "加强独居老人和困难家庭走访", "清理楼道和公共区域堆物", "更新网格公示牌", "排查电动车违规充电",
    "做好矛盾纠纷排查化解", "完善党员中心户联系台账", "开展防诈骗宣传", "核实流动人口信息",
)  # fmt: skip
DONE_NOTES = ("已完成，情况已上报", "已逐户落实", "已整改到位", "已完成并建立台账")
TITLES = {
    "workers": "{month}月网格员例会",
    "party_building": "{month}月党建工作推进会",
    "consultation": "疑难问题联席会商",
}


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=timezone.get_current_timezone())


def _hold(rng: random.Random, head: Any, grid: Grid, kind: str, when: dt.datetime,
          today: dt.date, cases: list[Case] | None = None) -> Meeting:  # fmt: skip
    meeting = services.plan_meeting(
        actor=head, grid=grid, kind=kind, chair=head, starts_at=when,
        title=TITLES[kind].format(month=timezone.localtime(when).month),
        place=f"{grid.name}会议室", agenda=AGENDA[kind], cases=cases or [],
    )  # fmt: skip
    for a in meeting.attendances.select_related("user"):
        roll = rng.random()
        presence, reason = (
            ("present", "")
            if roll < 0.8
            else ("excused", "入户走访")
            if roll < 0.93
            else ("absent", "")
        )
        services.mark_attendance(
            actor=head, meeting=meeting, user=a.user, presence=presence, reason=reason
        )
    services.record_minutes(
        actor=head, meeting=meeting, minutes="会议通报了近期工作情况，研究部署了下一步任务。",
        decisions=rng.sample(DECISIONS, 2),
    )  # fmt: skip
    owners = list(services.people_for(grid).exclude(pk=head.pk)[:20]) or [head]
    day = timezone.localtime(when).date()
    for decision in meeting.decisions.all():
        owner = rng.choice(owners)
        deadline = day + dt.timedelta(days=rng.choice((7, 14, 21)))
        task = services.add_task(
            actor=head, meeting=meeting, decision=decision, owner=owner, deadline=deadline,
            text=f"落实：{decision.text}",
        )  # fmt: skip
        # Most tasks past their deadline were done; a few are left open (overdue).
        if deadline < today and rng.random() < 0.85:
            services.complete_task(actor=owner, task=task, note=rng.choice(DONE_NOTES))
    return meeting


def ensure_demo_meetings(seed: int = 11, *, now: dt.datetime | None = None) -> int:
    """Meetings of the last `MONTHS` months (once); returns the meetings made."""
    if Meeting.objects.exists():
        return 0
    rng = random.Random(seed)
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    heads = {
        a.grid_code: a.user
        for a in Assignment.objects.active(today)
        .filter(role=Role.GRID_HEAD, grid__depth__in=(1, 2), grid__network__slug="comprehensive")
        .select_related("user")
        .order_by("grid_code", "user_id")
    }
    levels = list(Grid.objects.current(today).filter(code__in=heads).order_by("code"))
    made = 0
    with transaction.atomic():
        first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        for back in range(MONTHS):
            month = first
            for _ in range(back):
                month = (month - dt.timedelta(days=1)).replace(day=1)
            for grid in levels:
                head = heads[grid.code]
                if grid.depth == 2 and rng.random() < 0.9:
                    when = _moment(month + dt.timedelta(days=rng.randint(2, 10)), 9)
                    _hold(rng, head, grid, "workers", when, today)
                    made += 1
                if grid.depth == 1 and month.month % 2 == 1:
                    when = _moment(month + dt.timedelta(days=rng.randint(5, 20)), 14)
                    _hold(rng, head, grid, "party_building", when, today)
                    made += 1
        # A joint consultation on hard cases in a few communities, last month.
        for grid in [g for g in levels if g.depth == 2][:3]:
            low, high = grid.code, grid.code + ":"
            hard = list(
                Case.objects.visible_to(heads[grid.code])
                .filter(grid_code__gte=low, grid_code__lt=high)
                .order_by("-escalations", "id")[:2]
            )
            if hard:
                when = _moment(first + dt.timedelta(days=rng.randint(12, 25)), 15)
                _hold(rng, heads[grid.code], grid, "consultation", when, today, hard)
                made += 1
        # At least one task overdue, whatever the dice said.
        if made and not FollowUp.objects.overdue(today).exists():
            late = FollowUp.objects.filter(status="done").order_by("deadline").first()
            if late is not None:
                FollowUp.objects.filter(pk=late.pk).update(
                    status="open", done_note="", done_at=None, done_by=None
                )
    return made
