"""A few months of inspections and patrols in the demo district (issue 10, ADR 0025), so that
the inspection pages have something to show.

Schedules on each community, as ADR 0025 gives them out: the Friday and month-end hygiene
days (plan 5) to the grid workers, the weekly spot check and the monthly inspection of every
grid (plan 6) to the grid heads; the daily safety patrol of each dedicated grid to its
dedicated head. Inspections of the occurrences due over the last `days` days before the
last week, most done (some late, some missed), each item mostly passed, points in the
ledger for the grid's worker; stored in bulk (the service records within a week only). In
the last week, a few hygiene days are recorded through the service with findings that open
cases; one finding's deadline is then put back to before today, so that the page shows an
overdue rectification. A few patrols of the last month by grid workers, with points inside
their grids. Once (nothing if any schedule exists); deterministic for a seed and a `now`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from gridgov.accounts.models import Assignment
from gridgov.accounts.roles import Role
from gridgov.grids.choices import GridKind
from gridgov.grids.models import Grid
from gridgov.inspections import queries, services
from gridgov.inspections.choices import Outcome
from gridgov.inspections.models import (
    Finding,
    Inspection,
    Patrol,
    PatrolPoint,
    PointEntry,
    Result,
    Schedule,
    Template,
)  # fmt: skip

from .cases import _points

DAYS = 90
RECENT = 7  # the last week: through the service, with findings
DONE, LATE = 0.88, 0.15  # shares of occurrences done, and of those done late (when it can be)
FINDINGS = ("楼道堆放杂物未清理", "门前垃圾未及时清运", "消防通道被车辆占用", "绿化带内乱堆放",
            "电动车在楼道内充电", "公厕保洁不到位")  # fmt: skip
PATROLLERS = 8


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=tz)


def _schedules(start: dt.date) -> list[Schedule]:
    """ADR 0025's share-out, on every community and every dedicated grid."""
    templates = {t.code: t for t in Template.objects.all()}
    grids = Grid.objects.current().filter(network__slug="comprehensive").select_related("network")
    made = []
    for g in grids.order_by("code"):
        plan = []
        if g.depth == 2:
            plan = [
                ("hygiene-friday", {"cadence": "weekly", "weekday": 4, "role": Role.GRID_WORKER,
                                    "working_days_only": True}),
                ("hygiene-month-end", {"cadence": "monthly", "month_day": 0,
                                       "role": Role.GRID_WORKER, "working_days_only": True}),
                ("safety-weekly-spot", {"cadence": "weekly", "weekday": 2, "targets": "once",
                                        "role": Role.GRID_HEAD}),
                ("safety-monthly-grid", {"cadence": "monthly", "month_day": 0,
                                         "role": Role.GRID_HEAD}),
            ]  # fmt: skip
        elif g.kind == GridKind.DEDICATED and g.depth == g.network.grid_depth:
            plan = [("safety-daily", {"cadence": "daily", "role": Role.DEDICATED_HEAD,
                                      "working_days_only": True})]  # fmt: skip
        made += [
            Schedule(template=templates[code], grid=g, grid_code=g.code, starts_on=start, **kw)
            for code, kw in plan
            if code in templates
        ]
    return Schedule.objects.bulk_create(made)


def _outcomes(rng: random.Random, items: list[Any]) -> dict[int, str]:
    out: dict[int, str] = {}
    for i in items:
        roll = rng.random()
        out[i.pk] = Outcome.PASS if roll < 0.9 else Outcome.FAIL if roll < 0.97 else Outcome.NA
    return out


def _period_end(schedule: Schedule, start: dt.date) -> dt.date:
    if schedule.cadence == "daily":
        return start
    if schedule.cadence == "weekly":
        return start + dt.timedelta(days=6)
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def ensure_demo_inspections(
    seed: int = 7, *, now: dt.datetime | None = None, days: int = DAYS
) -> int:
    """Schedules, inspections and patrols (once); returns the inspections made."""
    if Schedule.objects.exists() or not Template.objects.exists():
        return 0
    rng = random.Random(seed)
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    start = today - dt.timedelta(days=days)
    staff: dict[tuple[str, str], Any] = {}
    for a in Assignment.objects.active(today).select_related("user").order_by("grid_code", "id"):
        staff.setdefault((a.grid_code, a.role), a.user)
    with transaction.atomic():
        schedules = _schedules(start)
        if not schedules:
            return 0
        made = _history(rng, staff, start, today - dt.timedelta(days=RECENT), today)
        made += _recent(rng, staff, today, now)
        _patrols(rng, staff, now)
    return made


def _inspector(staff: dict[tuple[str, str], Any], s: Schedule, target: str) -> Any:
    """Who carries the occurrence out: the role's holder on the target (its grid worker, its
    dedicated head) or on the schedule's node (the community's head), else the community's
    head (who holds the right to assess)."""
    return (
        staff.get((target, s.role))
        or staff.get((s.grid_code, s.role))
        or staff.get((s.grid_code, Role.GRID_HEAD))
    )


def _responsible(staff: dict[tuple[str, str], Any], code: str) -> Any:
    return staff.get((code, Role.GRID_WORKER)) or staff.get((code, Role.DEDICATED_HEAD))


def _history(
    rng: random.Random, staff: dict[tuple[str, str], Any], start: dt.date, end: dt.date,
    today: dt.date,
) -> int:  # fmt: skip
    """The occurrences due from `start` to `end`, most done, stored in bulk."""
    grids = dict(Grid.objects.filter(network__slug="comprehensive").values_list("code", "id"))
    schedules = Schedule.objects.select_related("template", "grid__network")
    items: dict[int, list[Any]] = {}
    rows: list[tuple[Inspection, dict[int, str], Any]] = []
    for top in sorted({s.grid_code for s in schedules}):
        for d in queries.occurrences_under(top, start, end, today, schedules):
            s, o = d.schedule, d.occurrence
            # Each schedule once: from its own node (a community's list holds its grids' too).
            if s.grid_code != top or rng.random() > DONE:
                continue
            inspector = _inspector(staff, s, o.target_code)
            if inspector is None:
                continue
            last = min(_period_end(s, o.period_start), end)
            late = o.due_on < last and rng.random() < LATE
            lo, hi = (o.due_on + dt.timedelta(days=1), last) if late else (o.period_start, o.due_on)
            day = lo + dt.timedelta(days=rng.randint(0, max(0, (hi - lo).days)))
            grid = o.target_code
            if s.targets == "once":  # a spot check: one grid under the node, picked at random
                under = [c for c in grids if c.startswith(grid) and len(c) > len(grid)]
                grid = rng.choice(under) if under else grid
            template_items = items.setdefault(
                s.template_id, list(s.template.items.order_by("position"))
            )
            marks = _outcomes(rng, template_items)
            points = {i.pk: i.points_for(marks[i.pk]) for i in template_items}
            rows.append((
                Inspection(
                    schedule=s, template=s.template, grid_id=grids[grid], grid_code=grid,
                    period_start=o.period_start, target_code=o.target_code, due_on=o.due_on,
                    on_time=day <= o.due_on, inspector=inspector,
                    person=_responsible(staff, grid), inspected_at=_moment(day, rng),
                    score=sum(points.values()),
                ),
                marks, points,
            ))  # fmt: skip
    made = Inspection.objects.bulk_create([r[0] for r in rows], batch_size=2000)
    Result.objects.bulk_create(
        (Result(inspection=i, item_id=pk, outcome=o, points=points[pk])
         for i, (_i, marks, points) in zip(made, rows, strict=True) for pk, o in marks.items()),
        batch_size=5000,
    )  # fmt: skip
    PointEntry.objects.bulk_create(
        (PointEntry(inspection=i, item_id=pk, grid_code=i.grid_code, person=i.person,
                    day=timezone.localtime(i.inspected_at).date(), points=p)
         for i, (_i, _m, points) in zip(made, rows, strict=True) for pk, p in points.items() if p),
        batch_size=5000,
    )  # fmt: skip
    return len(made)


def _recent(
    rng: random.Random, staff: dict[tuple[str, str], Any], today: dt.date, now: dt.datetime
) -> int:
    """A few hygiene days of the last week recorded through the service, each with a finding
    that opens a case; the first finding's deadline is then put back to before today."""
    friday = Schedule.objects.select_related("template", "grid__network").filter(
        template__code="hygiene-friday"
    )
    made: list[Inspection] = []
    for s in friday.order_by("grid_code")[:4]:
        week = [
            d for d in queries.occurrences_under(
                s.grid_code, today - dt.timedelta(days=RECENT - 1), today, today,
                Schedule.objects.filter(pk=s.pk),
            )
            if d.inspection is None and d.occurrence.due_on <= today
        ]  # fmt: skip
        for d in week[:2]:
            code = d.occurrence.target_code
            worker = staff.get((code, Role.GRID_WORKER))
            if worker is None:
                continue
            grid = Grid.objects.get(network__slug="comprehensive", code=code)
            items = list(s.template.items.order_by("position"))
            at = min(_moment(d.occurrence.due_on, rng), now)
            made.append(
                services.record_inspection(
                    actor=worker,
                    grid=grid,
                    schedule=s,
                    outcomes=_outcomes(rng, items),
                    findings=[
                        services.FindingIn(
                            rng.choice(FINDINGS), today + dt.timedelta(days=rng.randint(1, 7))
                        )
                    ],
                    person=worker,
                    inspected_at=at,
                )
            )
    if made:
        first = min(made, key=lambda i: i.inspected_at)
        day = timezone.localtime(first.inspected_at).date()
        # As if its deadline, set the day after the inspection, had passed with the case open.
        Finding.objects.filter(inspection=first).update(
            rectify_by=min(day + dt.timedelta(days=1), today - dt.timedelta(days=1))
        )
    return len(made)


def _patrols(rng: random.Random, staff: dict[tuple[str, str], Any], now: dt.datetime) -> int:
    """A few ended patrols of the last month by grid workers, with points inside the grid in
    the order walked."""
    workers = sorted(((c, u) for (c, role), u in staff.items() if role == Role.GRID_WORKER),
                     key=lambda x: x[0])  # fmt: skip
    picked = rng.sample(workers, min(PATROLLERS, len(workers)))
    np_rng = np.random.default_rng(rng.randrange(2**32))
    grids = {g.code: g for g in Grid.objects.filter(
        network__slug="comprehensive", code__in=[c for c, _u in picked])}  # fmt: skip
    patrols = 0
    for code, worker in picked:
        grid = grids[code]
        for _n in range(rng.randint(1, 3)):
            started = now - dt.timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 6))
            points = sorted(_points(grid, rng.randint(5, 10), np_rng))
            if rng.random() < 0.5:
                points.reverse()
            length = sum(services.distance_m(a, b) for a, b in itertools.pairwise(points))
            minutes = rng.randint(30, 90)
            p = Patrol.objects.create(
                worker=worker, grid=grid, grid_code=code, started_at=started,
                ended_at=started + dt.timedelta(minutes=minutes), length_m=length,
                points_count=len(points),
            )  # fmt: skip
            step = dt.timedelta(minutes=minutes) / max(1, len(points))
            PatrolPoint.objects.bulk_create(
                PatrolPoint(patrol=p, at=started + step * n, lon=lon, lat=lat, accuracy=10)
                for n, (lon, lat) in enumerate(points)
            )
            patrols += 1
    return patrols
