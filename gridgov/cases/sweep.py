"""Watching the clock (R-CASE-3): the yellow warning before a limit, red when it has passed;
overdue cases urged (督辦) or escalated per their category, and the people who hold them told.

One run per minute however many consumers run it: the run claims its minute with a unique
row (`SweepRun.slot`), which works alike on SQLite and PostgreSQL. Each batch of cases is
claimed with one conditional UPDATE … RETURNING on `clock_state`, so even two runs of
different minutes at once act on a case once.

Performance (target: 1,000,000 open cases in under 2 s): the selections read the partial
indexes on `deadline` and `warn_at`; claims, urge events and notices are written in bulk;
who is told is worked out once per (level, unit, grid) however many cases share it, and each
person gets one notice per run and kind listing their cases (a digest), not one per case.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.grids.models import Grid
from gridgov.notices.services import notify

from .choices import RUNNING_STAGES, Stage
from .models import Case, CaseEvent, SweepRun
from .people import responsible
from .services import start_clock

BATCH = 2000
# What working out whom to tell reads of a case (people.responsible): not its description.
TOLD_FIELDS = (
    "number", "holder_code", "unit_id", "assignee_code", "grid__network_id", "grid__code",
)  # fmt: skip
# The partial indexes' condition as literal SQL: SQLite's planner uses a partial index only
# when the query's WHERE repeats its terms as literals, not as bound parameters.
RUNNING_SQL = "{table}.stage IN ({stages})".format(
    table=f'"{Case._meta.db_table}"', stages=", ".join(f"'{s}'" for s in RUNNING_STAGES)
)


def _due(now: dt.datetime, field: str, states: tuple[int, ...]) -> list[int]:
    late = {"deadline__gt": now} if field == "warn_at" else {}  # past due: red, not yellow
    return list(
        Case.objects.filter(clock_state__in=states, **{f"{field}__lte": now}, **late)
        .extra(where=[RUNNING_SQL])
        .order_by(field)
        .values_list("pk", flat=True)[:BATCH]
    )


def _claim(ids: list[int], before: tuple[int, ...], after: int) -> list[int]:
    """The cases of `ids` this run moves from a clock_state in `before` to `after`, in one
    statement (compare-and-set: a case another run took meanwhile is not returned)."""
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    states = ", ".join(["%s"] * len(before))
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{Case._meta.db_table}" SET clock_state = %s '
            f"WHERE id IN ({marks}) AND clock_state IN ({states}) RETURNING id",
            [after, *ids, *before],
        )
        return [row[0] for row in cursor.fetchall()]


class Told:
    """Whom to tell about which cases, worked out once per kind of holding."""

    def __init__(self) -> None:
        self.people: dict[tuple[Any, ...], list[Any]] = {}
        self.cases: dict[Any, list[str]] = defaultdict(list)  # person → case numbers
        self.users: dict[int, Any] = {}

    def add(self, case: Case, extra: list[Any] | None = None) -> None:
        co = tuple(sorted(u.pk for u in case.co_units.all()))  # prefetched by the caller
        key = (case.grid.network_id, case.holder_code, case.unit_id, co, case.assignee_code)
        if key not in self.people:
            self.people[key] = responsible(case)
        for user in [*self.people[key], *(extra or [])]:
            self.users[user.pk] = user
            if case.number not in self.cases[user.pk]:
                self.cases[user.pk].append(case.number)

    def send(self, run: SweepRun, kind: str, subject: str) -> None:
        for pk, numbers in self.cases.items():
            shown = "、".join(numbers[:30]) + ("…" if len(numbers) > 30 else "")
            notify(
                recipients=[self.users[pk]],
                kind=kind,
                subject=subject % {"n": len(numbers)},
                body=shown,
                link="/cases/?overdue=on" if kind == "case.overdue" else "/cases/",
                key=f"sweep:{run.slot:%Y%m%d%H%M}:{kind}",
            )


def _escalate(case: Case, now: dt.datetime) -> bool:
    """Move an overdue emergency to the level above with a fresh clock. False at the top."""
    parent = (
        Grid.objects.filter(network_id=case.grid.network_id, code=case.holder_code)
        .values_list("parent__code", flat=True)
        .first()
    )
    if not parent:
        return False
    case.holder_code = parent
    case.escalations += 1
    if case.stage != Stage.REPORTED:
        case.stage, case.unit, case.assignee_code = Stage.FILED, None, ""
        case.co_units.clear()
    start_clock(case, "file" if case.stage == Stage.REPORTED else "dispatch", now)
    case.save(
        update_fields=[
            "holder_code", "escalations", "stage", "unit", "assignee_code", "deadline",
            "warn_at", "clock_state",
        ]
    )  # fmt: skip
    return True


def sweep(now: dt.datetime | None = None) -> SweepRun | None:
    """One run of the sweep for the minute of `now`; None if that minute was run already."""
    now = now or timezone.now()
    slot = now.replace(second=0, microsecond=0)
    try:
        with transaction.atomic():
            run = SweepRun.objects.create(slot=slot, started_at=timezone.now())
    except IntegrityError:
        return None
    warned, late = Told(), Told()
    counts = {"warned": 0, "overdue": 0, "escalated": 0}
    while ids := _due(now, "warn_at", (0,)):
        with transaction.atomic():
            taken = _claim(ids, (0,), 1)
            cases = Case.objects.filter(pk__in=taken).select_related("grid").only(*TOLD_FIELDS)
            for case in cases.prefetch_related("co_units"):
                warned.add(case)
            counts["warned"] += len(taken)
    while ids := _due(now, "deadline", (0, 1)):
        with transaction.atomic():
            taken = _claim(ids, (0, 1), 2)
            events = []
            cases = (
                Case.objects.filter(pk__in=taken)
                .select_related("category", "grid")
                .only(
                    *TOLD_FIELDS,
                    "stage",
                    "deadline",
                    "escalations",
                    "category__escalate_when_overdue",
                )
            )
            for case in cases.prefetch_related("co_units"):
                before, due = case.stage, case.deadline
                told = responsible(case) if case.category.escalate_when_overdue else []
                up = (
                    case.category.escalate_when_overdue
                    and case.stage != Stage.HANDLED
                    and _escalate(case, now)
                )
                counts["escalated"] += up
                events.append(
                    CaseEvent(
                        case=case, at=now, actor=None, action="escalate" if up else "urge",
                        from_stage=before, to_stage=case.stage, holder_code=case.holder_code,
                        due=due,
                        note=_("Overdue: escalated by the platform to the level above.")
                        if up else _("Overdue: urged by the platform."),
                    )
                )  # fmt: skip
                # Those it was taken from hear of it too.
                late.add(case, told)
            CaseEvent.objects.bulk_create(events)
            counts["overdue"] += len(taken)
    with transaction.atomic():
        warned.send(run, "case.due_soon", _("%(n)d of your cases are due soon"))
        late.send(run, "case.overdue", _("%(n)d of your cases are overdue"))
        SweepRun.objects.filter(pk=run.pk).update(**counts)
    run.warned, run.overdue, run.escalated = (
        counts["warned"],
        counts["overdue"],
        counts["escalated"],
    )
    return run
