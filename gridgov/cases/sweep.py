"""Watching the clock (R-CASE-3): the yellow warning before a limit, red when it has passed;
overdue cases urged (督辦) or escalated per their category, and the people who hold them told.

One run per minute however many consumers run it: the run claims its minute with a unique
row (`SweepRun.slot`), which works alike on SQLite and PostgreSQL. Each case's step is a
conditional UPDATE on `clock_state` whose row count says whether this run took it, so even
two runs of different minutes at once act on a case once. Idempotent: notices carry a key
per case, clock and step.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.grids.models import Grid
from gridgov.notices.services import notify

from .choices import OPEN_STAGES, Stage
from .models import Case, CaseEvent, SweepRun
from .people import responsible
from .services import start_clock

RUNNING = [s for s in OPEN_STAGES if s != Stage.SUSPENDED]
BATCH = 500


def _claim(ids: list[int], before: int, after: int) -> list[int]:
    """The cases of `ids` this run moves from clock_state `before` to `after` (compare-and-
    set: a case another run took meanwhile is not in the result)."""
    taken = []
    for pk in ids:
        if Case.objects.filter(pk=pk, clock_state=before).update(clock_state=after):
            taken.append(pk)
    return taken


def _due(now: dt.datetime, field: str, state: int) -> list[int]:
    # Reads the partial deadline index (case_open_deadline_idx) for the red step; the yellow
    # step is bounded by the few cases whose warning came since the last minute. A case
    # already past its deadline is not warned but dealt with as overdue.
    late = {"deadline__gt": now} if field == "warn_at" else {}
    return list(
        Case.objects.filter(stage__in=RUNNING, clock_state=state, **{f"{field}__lte": now}, **late)
        .order_by(field)
        .values_list("pk", flat=True)[:BATCH]
    )


def _warn(case: Case) -> None:
    notify(
        recipients=responsible(case),
        kind="case.due_soon",
        subject=_("Case %(number)s is due soon") % {"number": case.number},
        body=_("Its time limit ends at %(at)s.")
        % {"at": timezone.localtime(case.deadline).strftime("%Y-%m-%d %H:%M")},
        link=f"/cases/{case.number}/",
        key=f"case:{case.pk}:v{case.version}:warn",
    )


def _overdue(case: Case, now: dt.datetime) -> bool:
    """Urge the case, and escalate it when its category says so. True if escalated."""
    escalate = case.category.escalate_when_overdue and case.stage != Stage.HANDLED
    parent = None
    if escalate:
        parent = (
            Grid.objects.filter(network_id=case.grid.network_id, code=case.holder_code)
            .values_list("parent__code", flat=True)
            .first()
        )
    before, due = case.stage, case.deadline
    told = responsible(case)  # before an escalation takes the case from them
    note = _("Overdue: urged by the platform.")
    if parent:
        note = _("Overdue: escalated by the platform to the level above.")
        case.holder_code = parent
        case.escalations += 1
        if case.stage != Stage.REPORTED:
            case.stage, case.unit, case.assignee_code = Stage.FILED, None, ""
        # The level above gets a clock of its own to file or dispatch it.
        start_clock(case, "file" if case.stage == Stage.REPORTED else "dispatch", now)
        case.save(
            update_fields=[
                "holder_code", "escalations", "stage", "unit", "assignee_code", "deadline",
                "warn_at", "clock_state",
            ]
        )  # fmt: skip
    CaseEvent.objects.create(
        case=case, at=now, actor=None, action="urge" if not parent else "escalate",
        from_stage=before, to_stage=case.stage, holder_code=case.holder_code, note=note,
        due=due,
    )  # fmt: skip
    if parent:
        told += responsible(case)
    notify(
        recipients=told,
        kind="case.overdue",
        subject=_("Case %(number)s is overdue") % {"number": case.number},
        body=note,
        link=f"/cases/{case.number}/",
        key=f"case:{case.pk}:v{case.version}:overdue",
    )
    return parent is not None


def sweep(now: dt.datetime | None = None) -> SweepRun | None:
    """One run of the sweep for the minute of `now`; None if that minute was run already."""
    now = now or timezone.now()
    slot = now.replace(second=0, microsecond=0)
    try:
        with transaction.atomic():
            run = SweepRun.objects.create(slot=slot, started_at=timezone.now())
    except IntegrityError:
        return None
    counts: dict[str, Any] = {"warned": 0, "overdue": 0, "escalated": 0}
    while ids := _due(now, "warn_at", 0):
        with transaction.atomic():
            taken = _claim(ids, 0, 1)
            for case in Case.objects.filter(pk__in=taken).select_related(
                "category", "grid__network"
            ):
                _warn(case)
            counts["warned"] += len(taken)
    while ids := _due(now, "deadline", 1) + _due(now, "deadline", 0):
        with transaction.atomic():
            taken = _claim(ids, 1, 2) + _claim(ids, 0, 2)
            for case in Case.objects.filter(pk__in=taken).select_related(
                "category", "grid__network"
            ):
                counts["overdue"] += 1
                counts["escalated"] += _overdue(case, now)
    SweepRun.objects.filter(pk=run.pk).update(**counts)
    run.warned, run.overdue, run.escalated = (
        counts["warned"],
        counts["overdue"],
        counts["escalated"],
    )
    return run
