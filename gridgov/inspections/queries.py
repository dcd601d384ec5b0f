"""Reads shared by the pages and the API: occurrences due and done, coverage per node and
period, overdue rectifications, the xlsx export (ADR 0025)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.lib import worktime
from gridgov.core.lib.codes import subtree_range
from gridgov.core.scope import scope_q
from gridgov.visits.queries import child_length, node_for, period

from . import occurrences, services
from .models import Finding, Inspection, PointEntry, Schedule

OPEN_LATE = 31  # days back the worker's list looks for occurrences left undone


@dataclass
class Due:
    schedule: Schedule
    occurrence: occurrences.Occurrence
    inspection: Inspection | None
    status: str


def _touching(code: str) -> Q:
    """Schedules whose node lies under `code` or above it."""
    low, high = subtree_range(code)
    prefixes = [code[:n] for n in range(1, len(code) + 1)]
    return Q(grid_code__gte=low, grid_code__lt=high) | Q(grid_code__in=prefixes)


def occurrences_under(
    code: str, start: dt.date, end: dt.date, today: dt.date, schedules: Any = None
) -> list[Due]:
    """Every occurrence of the active schedules touching `code` due in [start, end] whose
    target lies under `code`, with the inspection that carried it out, if any."""
    qs = schedules if schedules is not None else Schedule.objects.all()
    qs = qs.filter(_touching(code), active=True).select_related("template", "grid", "grid__network")
    out: list[Due] = []
    keys: dict[tuple[int, dt.date, str], Due] = {}
    for s in qs:
        for o in occurrences.for_schedule(
            s, services.targets(s, code), start, end, worktime.is_working_day
        ):
            d = Due(s, o, None, "")
            out.append(d)
            keys[(s.pk, o.period_start, o.target_code)] = d
    if keys:
        done = Inspection.objects.filter(
            schedule_id__in={k[0] for k in keys},
            period_start__in={k[1] for k in keys},
        ).select_related("inspector")
        for i in done:
            hit = keys.get((i.schedule_id, i.period_start, i.target_code))  # type: ignore[arg-type]
            if hit is not None:
                hit.inspection = i
    for d in out:
        d.status = d.occurrence.status(today, d.inspection is not None)
    return sorted(out, key=lambda d: (d.occurrence.due_on, d.occurrence.target_code, d.schedule.pk))


def due_for(user: Any, today: dt.date) -> list[Due]:
    """The worker's list: occurrences they may carry out, due from a month back to a week
    ahead, not yet done; overdue first."""
    from gridgov.core.scope import _assignments

    codes = sorted({c for c, _r in _assignments(user)}) if not user.is_superuser else [""]
    kept: list[Due] = []
    seen: set[tuple[int, dt.date, str]] = set()
    for code in codes:
        for d in occurrences_under(
            code, today - dt.timedelta(days=OPEN_LATE), today + dt.timedelta(days=7), today
        ):
            key = (d.schedule.pk, d.occurrence.period_start, d.occurrence.target_code)
            if (
                d.inspection is None
                and key not in seen
                and services.may_inspect(user, d.occurrence.target_code, d.schedule)
            ):
                seen.add(key)
                kept.append(d)
    return kept


def overdue_rectifications(code: str, today: dt.date) -> Any:
    """Findings under `code` past their rectification deadline whose case is not closed."""
    low, high = subtree_range(code)
    return (
        Finding.objects.filter(grid_code__gte=low, grid_code__lt=high, rectify_by__lt=today)
        .exclude(case__stage="closed")
        .select_related("case", "inspection", "inspection__template")
        .order_by("rectify_by", "id")
    )


# ---------------------------------------------------------------- coverage


@dataclass
class Row:
    key: str
    label: str
    due: int = 0
    done: int = 0
    on_time: int = 0
    overdue: int = 0
    upcoming: int = 0
    inspections: int = 0
    findings: int = 0
    late_rectifications: int = 0
    points: int = 0
    children: bool = False

    @property
    def done_share(self) -> float | None:
        return round(100 * self.done / self.due, 1) if self.due else None


COUNTS = ("due", "done", "on_time", "overdue", "upcoming", "inspections", "findings",
          "late_rectifications", "points")  # fmt: skip


def summary(
    grid: Any, start: dt.date, end: dt.date, today: dt.date | None = None
) -> tuple[list[Row], Row]:
    """Per child grid of `grid`, in the period (both days included): occurrences due by the
    end of the period or today (whichever is sooner), done, done on time, overdue, still to
    come; inspections made (on a schedule or not), findings, findings past their
    rectification deadline with the case still open (now), and the points given."""
    from gridgov.grids.models import Grid

    today = today or timezone.localdate()
    low_at, high_at = period(start, end)
    length = child_length(grid.code, grid.network)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for d in occurrences_under(grid.code, start, end, today):
        c = counts[d.occurrence.target_code[:length]]
        if d.status == "upcoming" or (d.status == "due" and d.inspection is None):
            c["upcoming"] += 1
            continue
        c["due"] += 1
        c["done"] += d.inspection is not None
        c["on_time"] += bool(d.inspection and d.inspection.on_time)
        c["overdue"] += d.status == "overdue"
    low, high = subtree_range(grid.code)
    rng = {"grid_code__gte": low, "grid_code__lt": high}
    for i in Inspection.objects.filter(
        **rng, inspected_at__gte=low_at, inspected_at__lt=high_at
    ).values_list("grid_code", flat=True):
        counts[i[:length]]["inspections"] += 1
    for f in Finding.objects.filter(
        **rng, inspection__inspected_at__gte=low_at, inspection__inspected_at__lt=high_at
    ).values_list("grid_code", flat=True):
        counts[f[:length]]["findings"] += 1
    for f in overdue_rectifications(grid.code, today).values_list("grid_code", flat=True):
        counts[f[:length]]["late_rectifications"] += 1
    for code, n in (
        PointEntry.objects.filter(**rng, day__gte=start, day__lte=end)
        .values_list("grid_code").annotate(n=Sum("points")).values_list("grid_code", "n").order_by()
    ):  # fmt: skip
        counts[code[:length]]["points"] += n
    if length == len(grid.code):
        names = {grid.code: grid.name}
        deeper: set[str] = set()
    else:
        kids = Grid.objects.filter(network_id=grid.network_id, parent=grid).order_by("code")
        names = dict(kids.values_list("code", "name"))
        deeper = {c for c in names if child_length(c, grid.network) != len(c)}
    rows = []
    # A spot check's target is its node: above the children, it gets a row of its own.
    names.setdefault(grid.code, grid.name) if grid.code in counts else None
    for key in sorted(set(names) | set(counts)):
        r = Row(key=key, label=names.get(key, key), children=key in deeper)
        for name, value in counts.get(key, {}).items():
            setattr(r, name, value)
        rows.append(r)
    total = Row(key="", label=_("Total"))
    for r in rows:
        for name in COUNTS:
            setattr(total, name, getattr(total, name) + getattr(r, name))
    return rows, total


COLUMNS: tuple[tuple[str, Any, int], ...] = (
    ("名称", lambda r: r.label, 22),
    ("编码", lambda r: r.key, 18),
    ("应检查次数", lambda r: r.due, 12),
    ("已检查", lambda r: r.done, 10),
    ("按时检查", lambda r: r.on_time, 10),
    ("完成率(%)", lambda r: r.done_share, 10),
    ("逾期未检查", lambda r: r.overdue, 12),
    ("检查次数", lambda r: r.inspections, 10),
    ("发现问题", lambda r: r.findings, 10),
    ("整改逾期", lambda r: r.late_rectifications, 10),
    ("得分", lambda r: r.points, 8),
)


def export(*, actor: Any, node: str, start: dt.date, end: dt.date) -> tuple[bytes, str]:
    """The coverage as the page shows it, as xlsx with a total row; one audit entry."""
    from gridgov.core.exports import table_xlsx

    grid = node_for(actor, node)
    rows, node_total = summary(grid, start, end)
    node_total.label = "合计"
    rows.append(node_total)
    title = "检查覆盖"
    return table_xlsx(
        actor=actor, action="inspection_coverage.export", title=title, columns=COLUMNS, rows=rows,
        node=grid.code, start=start, end=end,
    )  # fmt: skip


def patrols(user: Any) -> Any:
    """The patrols a person may see: their own, and those under the grids where they hold
    the heads' right (a worker's track is theirs and their heads')."""
    from .models import Patrol

    if not user or not user.is_authenticated or not user.is_active:
        return Patrol.objects.none()
    base = Patrol.objects.select_related("worker", "grid__network")
    if user.is_superuser:
        return base.all()
    return base.filter(Q(worker_id=user.pk) | scope_q(user, "grid_code", services.SUPERVISE))


def schedules(user: Any) -> Any:
    """Active schedules on a node in the person's scope or above one of their grids."""
    from gridgov.core.scope import _assignments

    if not user or not user.is_authenticated or not user.is_active:
        return Schedule.objects.none()
    if user.is_superuser:
        return Schedule.objects.filter(active=True)
    above = {c[:n] for c, _r in _assignments(user) for n in range(1, len(c) + 1)}
    return Schedule.objects.filter(
        scope_q(user, "grid_code", "view") | Q(grid_code__in=above), active=True
    )
