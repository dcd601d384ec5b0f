"""What the meeting pages and the API read: the level a person looks at, the regular
meetings due or missed there (computed from the cadences, nothing stored per occurrence),
the task list's one filter, and its xlsx export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.lib import frequency
from gridgov.core.lib.codes import subtree_range
from gridgov.grids.queries import grid_for, home_code

from .choices import Kind
from .models import Cadence, FollowUp, Meeting

# Periods shown before the current one: the last two are "missed" if nothing was held.
BACK = 2


def level_for(user: Any, code: str) -> Any:
    """The comprehensive grid `code`, if the person may see it: 404 out of scope (or no
    such grid), 403 in scope without the right "view"."""
    return grid_for(user, code, _("You may not see the meetings here."), field="grid")


def default_level(user: Any) -> str:
    """Where the meetings page opens: the person's outermost grid with the right "view"."""
    return home_code(user)


# ---------------------------------------------------------------- the cadence


def period_of(day: dt.date, every_months: int) -> tuple[dt.date, dt.date]:
    """The period of a cadence holding `day`: [first day, first day of the next). Periods
    of `every_months` months start in January (every 2: Jan–Feb, Mar–Apr, …)."""
    first_month = (day.month - 1) // every_months * every_months + 1
    start = dt.date(day.year, first_month, 1)
    return start, frequency.add(start, every_months, "month")


def periods(today: dt.date, every_months: int, back: int = BACK) -> list[tuple[dt.date, dt.date]]:
    """The current period and the `back` before it, oldest first."""
    out = [period_of(today, every_months)]
    for _i in range(back):
        start = out[0][0]
        prev = (
            dt.date(start.year - 1, 12, 1)
            if start.month == 1
            else start.replace(month=start.month - 1)
        )
        out.insert(0, period_of(prev, every_months))
    return out


@dataclass
class Slot:
    """One grid's regular meeting of one kind in one period, as the schedule sees it."""

    grid_code: str
    grid_name: str
    kind: str
    start: dt.date
    end: dt.date  # the period's last day
    state: str  # held / planned / due / missed
    meeting: Any = None

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)


def regular(grid: Any, today: dt.date, back: int = BACK) -> list[Slot]:
    """The regular meetings of the grids at or under `grid` that the cadences ask for, per
    period (the current one and `back` before): held, planned (called, not yet held), due
    (the current period, nothing called) or missed (a past period with none held).

    One query for the cadences, then per cadence one for its grids and one for their
    meetings in the periods shown."""
    from gridgov.grids.models import Grid

    low, high = subtree_range(grid.code)
    slots: list[Slot] = []
    for cadence in Cadence.objects.filter(active=True, depth__gte=grid.depth):
        spans = periods(today, cadence.every_months, back)
        nodes = list(
            Grid.objects.current(today)
            .filter(network_id=grid.network_id, depth=cadence.depth, code__gte=low, code__lt=high)
            .order_by("code")
            .values_list("code", "name", "valid_from")
        )
        if not nodes:
            continue
        tz = timezone.get_current_timezone()
        first = dt.datetime.combine(spans[0][0], dt.time(), tzinfo=tz)
        last = dt.datetime.combine(spans[-1][1], dt.time(), tzinfo=tz)
        found: dict[tuple[str, dt.date], Meeting] = {}
        for m in Meeting.objects.filter(
            kind=cadence.kind, grid_code__in=[c for c, _n, _v in nodes],
            starts_at__gte=first, starts_at__lt=last,
        ).order_by("starts_at"):  # fmt: skip
            start = period_of(timezone.localtime(m.starts_at).date(), cadence.every_months)[0]
            kept = found.get((m.grid_code, start))
            if kept is None or (m.held_at and not kept.held_at):
                found[(m.grid_code, start)] = m
        for code, name, valid_from in nodes:
            for start, end in spans:
                if end <= valid_from:
                    continue
                one = found.get((code, start))
                if one is not None and one.held_at:
                    state = "held"
                elif end <= today:
                    state = "missed"  # a meeting called but never held counts as none
                else:
                    state = "planned" if one is not None else "due"
                slots.append(
                    Slot(code, name, cadence.kind, start, end - dt.timedelta(days=1), state, one)
                )
    return slots


# ---------------------------------------------------------------- lists


def meetings(user: Any, *, grid: str = "", kind: str = "") -> Any:
    """The meetings the person can see, newest first; `grid` keeps those at or under a
    code, `kind` one kind."""
    qs = Meeting.objects.visible_to(user).select_related("grid", "chair")
    if grid:
        low, high = subtree_range(grid)
        qs = qs.filter(grid_code__gte=low, grid_code__lt=high)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def tasks(user: Any, *, state: str = "", grid: str = "", mine: bool = False) -> Any:
    """The task list's one filter (page, export and API): the tasks the person can see,
    open / overdue / done, at or under a level, or their own only; soonest deadline first."""
    today = timezone.localdate()
    qs = (
        FollowUp.objects.visible_to(user)
        .filtered(state, today)
        .select_related("meeting", "decision", "owner")
    )
    if grid:
        low, high = subtree_range(grid)
        qs = qs.filter(grid_code__gte=low, grid_code__lt=high)
    if mine:
        qs = qs.filter(owner=user)
    return qs.order_by("status", "deadline", "id")


def person(user: Any) -> str:
    return user.get_full_name() or user.username


def export_tasks(*, actor: Any, state: str, grid: str, mine: bool) -> tuple[bytes, str]:
    """The task list as the page shows it, as xlsx; one audit entry."""
    from gridgov.core import models as audit
    from gridgov.registry import xlsx

    if grid:
        level_for(actor, grid)
    today = timezone.localdate()
    rows = list(tasks(actor, state=state, grid=grid, mine=mine)[:10000])
    states = {"open": "未完成", "done": "已完成"}
    headers = ["会议", "日期", "网格编码", "决定", "督办事项", "责任人", "期限", "状态",
               "完成情况", "完成时间"]  # fmt: skip
    widths = [30, 12, 18, 40, 40, 14, 12, 10, 40, 18]

    def cells(t: FollowUp) -> list[Any]:
        state_text = "逾期" if t.is_overdue(today) else states.get(t.status, t.status)
        return [
            t.meeting.title, timezone.localtime(t.meeting.starts_at).date().isoformat(),
            t.grid_code, f"{t.decision.number}. {t.decision.text}", t.text, person(t.owner),
            t.deadline.isoformat(), state_text, t.done_note,
            timezone.localtime(t.done_at).strftime("%Y-%m-%d %H:%M") if t.done_at else "",
        ]  # fmt: skip

    title = "督办事项"
    with transaction.atomic():
        data = xlsx.write_rows(headers, (cells(t) for t in rows), title, widths)
        audit.record(
            actor=actor, action="meeting_tasks.export", object_type="export",
            object_key=grid or "-",
            after={"state": state, "grid": grid, "mine": mine, "rows": len(rows)},
        )  # fmt: skip
    return data, f"{title}-{grid or '全部'}-{today:%Y%m%d}.xlsx"
