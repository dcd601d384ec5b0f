"""Watching the clock (R-CASE-3): the yellow warning before a limit, red when it has passed;
overdue cases urged (督辦) or escalated per their category, and the people who hold them told.

One run per minute however many consumers run it: the run claims its minute with a unique
row (`SweepRun.slot`), which works alike on SQLite and PostgreSQL. Each batch of cases is
claimed with one conditional UPDATE … RETURNING on `clock_state`, so even two runs of
different minutes at once act on a case once.

Performance (target: 1,000,000 open cases in under 2 s; `gridgov bench cases` measures it):
the selections read the partial indexes on `deadline` and `warn_at`, each batch from where
the last one ended; the claim returns what the rest needs (no case is loaded as a model);
a batch's timeline entries are one INSERT (a WITH … VALUES table joined to the cases, the
deadline that passed copied in SQL) and its escalations one or two UPDATEs and one DELETE
of co-handling units, with the parent worked out once per (network, holder) and the new
clock once per (category, stage), since it depends on nothing else; who is told is worked
out once per holding, reading the assignments of each grid code and unit once
(`people.Responsible`), and each person gets one notice per run and kind listing their
cases (a digest). What is left is the database's own work, linear in the cases due, not in
the open ones: every claimed row is rewritten and every entry inserted. On SQLite each
touched page goes to the WAL and back into the database, once per run (`_one_checkpoint`);
on PostgreSQL the claim is a HOT update, on the room the cases' fillfactor leaves (0011).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.grids.models import Grid
from gridgov.notices.services import notify

from . import clock, rollup
from .choices import Stage
from .models import RUNNING_SQL, Case, CaseEvent, Category, SweepRun
from .people import Holding, Responsible

BATCH = 2000
# Rows per statement written out with VALUES: within SQLite's 32,766 bound parameters.
CHUNK = 1000


def _columns(model: type[Model], names: tuple[str, ...]) -> str:
    """The quoted columns of the fields `names` of `model`, for statements written out."""
    column = {f.name: str(f.column) for f in model._meta.concrete_fields}
    return ", ".join(connection.ops.quote_name(column[name]) for name in names)


class Claimed(NamedTuple):
    """What the sweep reads of a case it claimed: whom to tell (people.Holding) and what to
    do (stage, category)."""

    pk: int
    number: str
    grid_id: int
    holder_code: str
    unit_id: int | None
    assignee_code: str
    stage: str
    category_id: int


# Claimed's columns, in order.
CLAIMED = _columns(Case, ("id", "number", "grid", "holder_code", "unit", "assignee_code",
                          "stage", "category"))  # fmt: skip


def _due(
    now: dt.datetime, field: str, states: tuple[int, ...], since: dt.datetime | None
) -> list[int]:
    """The next cases whose `field` has come, earliest first, from `since` on (where the
    last batch ended: the index is not read again from its start each batch)."""
    late = {"deadline__gt": now} if field == "warn_at" else {}  # past due: red, not yellow
    after = {f"{field}__gte": since} if since else {}
    return list(
        Case.objects.filter(clock_state__in=states, **{f"{field}__lte": now}, **late, **after)
        .extra(where=[RUNNING_SQL])
        .order_by(field)
        .values_list("pk", flat=True)[:BATCH]
    )


def _claim(ids: list[int], before: tuple[int, ...], after: int) -> list[Claimed]:
    """The cases of `ids` this run moves from a clock_state in `before` to `after`, in one
    statement (compare-and-set: a case another run took meanwhile is not returned), newest
    first."""
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    states = ", ".join(["%s"] * len(before))
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{Case._meta.db_table}" SET clock_state = %s '
            f"WHERE id IN ({marks}) AND clock_state IN ({states}) RETURNING {CLAIMED}",
            [after, *ids, *before],
        )
        return sorted(map(Claimed._make, cursor.fetchall()), reverse=True)


class Told:
    """Whom to tell about which cases: people.Responsible works each holding out once."""

    def __init__(self, who: Responsible) -> None:
        self.who = who
        self.cases: dict[int, dict[str, None]] = defaultdict(dict)  # person → case numbers
        self.users: dict[int, Any] = {}

    def add(self, cases: list[tuple[Holding, str, list[Any]]]) -> None:
        """(holding, number, others to tell) of each case."""
        people = self.who.resolve(key for key, _number, _extra in cases)
        for key, number, extra in cases:
            for user in [*people[key], *extra]:
                self.users[user.pk] = user
                self.cases[user.pk][number] = None

    def send(self, run: SweepRun, kind: str, subject: str) -> None:
        for pk, found in self.cases.items():
            numbers = list(found)
            shown = "、".join(numbers[:30]) + ("…" if len(numbers) > 30 else "")
            notify(
                recipients=[self.users[pk]],
                kind=kind,
                subject=subject % {"n": len(numbers)},
                body=shown,
                link="/cases/?overdue=on" if kind == "case.overdue" else "/cases/",
                key=f"sweep:{run.slot:%Y%m%d%H%M}:{kind}",
            )


class Escalation:
    """Overdue emergencies moved to the level above with a fresh clock, a batch at a time:
    the parent of each (network, holder) and the clock of each (category, stage) are worked
    out once per run, however many cases share them."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.categories = Category.objects.filter(escalate_when_overdue=True).in_bulk()
        self.parents: dict[tuple[int, str], str] = {}
        self.clocks: dict[tuple[int, str], tuple[Any, Any]] = {}

    def parents_of(self, cases: list[tuple[Claimed, Holding]]) -> dict[int, str]:
        """The level above the holder of each case that has one (none at the top)."""
        pairs = {(key.network_id, key.holder_code) for _row, key in cases}
        pairs -= self.parents.keys()
        if pairs:
            self.parents |= dict.fromkeys(pairs, "")
            found = Grid.objects.filter(
                network_id__in={n for n, _code in pairs}, code__in={c for _n, c in pairs}
            ).values_list("network_id", "code", "parent__code")
            for network, code, parent in found:
                if (network, code) in pairs:
                    self.parents[network, code] = parent or ""
        return {
            row.pk: up
            for row, key in cases
            if (up := self.parents[key.network_id, key.holder_code])
        }

    def clock(self, category: int, name: str) -> tuple[Any, Any]:
        """(deadline, warn_at) of the clock `name` started now, as the database takes them:
        the same for every case of the category at that stage."""
        if (category, name) not in self.clocks:
            deadline, warn_at = clock.stage_deadline(self.categories[category], name, self.now)
            adapt = connection.ops.adapt_datetimefield_value
            self.clocks[category, name] = (adapt(deadline), adapt(warn_at))
        return self.clocks[category, name]

    def apply(self, cases: list[tuple[Claimed, str]]) -> None:
        """Write the escalation of each (case, parent): the parent holds it; a case past
        filing goes back to filed with no unit, assignee or co-handling units; its clock
        (filing, or dispatch) restarts now. A statement or two for the whole batch."""
        held: list[tuple[int, str, Any, Any]] = []
        reset: list[tuple[int, str, Any, Any]] = []
        for row, parent in cases:
            name = "file" if row.stage == Stage.REPORTED else "dispatch"
            (held if name == "file" else reset).append(
                (row.pk, parent, *self.clock(row.category_id, name))
            )
        table = connection.ops.quote_name(Case._meta.db_table)
        update = (
            f"UPDATE {table} SET holder_code = v.holder_code, escalations = escalations + 1, "
            "deadline = v.deadline, warn_at = v.warn_at, clock_state = 0{more} "
            f"FROM v WHERE {table}.id = v.id"
        )
        columns = ("id", "holder_code", "deadline", "warn_at")
        _with_rows(update.format(more=""), columns, held)
        more = ", stage = %s, unit_id = NULL, assignee_code = ''"
        _with_rows(update.format(more=more), columns, reset, Stage.FILED.value)
        if reset:
            cleared = [pk for pk, *_rest in reset]
            Case.co_units.through.objects.filter(case_id__in=cleared).delete()


class Run:
    """One run's work, batch by batch, and what it learnt on the way: the network of each
    grid, whom each holding answers to, the parents and clocks of escalations."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.who = Responsible()
        self.warned, self.late = Told(self.who), Told(self.who)
        self.escalation = Escalation(now)
        self.networks: dict[int, int] = {}  # grid → its network
        self.counts = {"warned": 0, "overdue": 0, "escalated": 0}

    def batches(
        self, field: str, states: tuple[int, ...], after: int, act: Callable[[list[Claimed]], None]
    ) -> None:
        """Claim the due cases batch by batch and `act` on each batch in its transaction."""
        since = None
        while ids := _due(self.now, field, states, since):
            # Where this batch ends (one row read, not a datetime per row): should that case's
            # clock change meanwhile, cases between are left to the next minute's run.
            since = Case.objects.values_list(field, flat=True).get(pk=ids[-1])
            with transaction.atomic():
                act(_claim(ids, states, after))

    def holdings(self, rows: list[Claimed]) -> list[Holding]:
        """Whom each case went to, co-handling units included (they are told too)."""
        grids = {row.grid_id for row in rows} - self.networks.keys()
        if grids:
            self.networks |= dict(Grid.objects.filter(pk__in=grids).values_list("pk", "network"))
        co: dict[int, list[int]] = defaultdict(list)
        led = [row.pk for row in rows if row.unit_id]
        if led:
            through = Case.co_units.through.objects.filter(case_id__in=led)
            for case, unit in through.values_list("case_id", "organisation_id"):
                co[case].append(unit)
        units = {pk: tuple(sorted(found)) for pk, found in co.items()}
        return [
            Holding(
                self.networks[r.grid_id],
                r.holder_code,
                r.unit_id,
                units.get(r.pk, ()),
                r.assignee_code,
            )
            for r in rows
        ]

    def warn(self, rows: list[Claimed]) -> None:
        keys = self.holdings(rows)
        self.warned.add([(key, row.number, []) for row, key in zip(rows, keys, strict=True)])
        self.counts["warned"] += len(rows)

    def overdue(self, rows: list[Claimed]) -> None:
        """Urge each case, or escalate it if its category says so, it is not handled already
        and there is a level above; one timeline entry each."""
        escalating = self.escalation.categories
        cases = list(zip(rows, self.holdings(rows), strict=True))
        wanted = [(row, key) for row, key in cases if row.category_id in escalating]
        # Those it is taken from hear of it too.
        before = self.who.resolve(key for _row, key in wanted)
        parents = self.escalation.parents_of(
            [(row, key) for row, key in wanted if row.stage != Stage.HANDLED]
        )
        urged = _("Overdue: urged by the platform.")
        raised = _("Overdue: escalated by the platform to the level above.")
        events, told = [], []
        for row, key in cases:
            extra = before[key] if row.category_id in escalating else []
            if row.pk in parents:
                if row.stage == Stage.REPORTED:
                    stage, key = row.stage, key._replace(holder_code=parents[row.pk])
                else:
                    stage, key = Stage.FILED.value, Holding(key.network_id, parents[row.pk])
                events.append((row.pk, "escalate", row.stage, stage, key.holder_code, raised))
            else:
                events.append((row.pk, "urge", row.stage, row.stage, row.holder_code, urged))
            told.append((key, row.number, extra))
        _record(self.now, events)  # before the escalations: it copies the deadlines passed
        self.escalation.apply([(row, parents[row.pk]) for row in rows if row.pk in parents])
        # The indicators' roll-up (ADR 0019): an escalation changes the stage, unit, clock
        # and timeline; an urge leaves every figure as it was.
        rollup.refresh(parents)
        self.late.add(told)
        self.counts["escalated"] += len(parents)
        self.counts["overdue"] += len(rows)


def _record(now: dt.datetime, events: list[tuple[int, str, str, str, str, str]]) -> None:
    """The platform's timeline entries at `now`, each (case, action, from, to, holder, note),
    without model instances; `due` is the case's deadline as it stands (the one that
    passed), copied by the statement."""
    names = ("case", "at", "actor", "action", "from_stage", "to_stage", "holder_code", "note",
             "due")  # fmt: skip
    case = connection.ops.quote_name(Case._meta.db_table)
    insert = (
        f"INSERT INTO {connection.ops.quote_name(CaseEvent._meta.db_table)} "
        f"({_columns(CaseEvent, names)}) "
        "SELECT v.id, %s, NULL, v.action, v.from_stage, v.to_stage, v.holder_code, v.note, "
        f"{case}.deadline FROM v, {case} WHERE {case}.id = v.id"
    )
    columns = ("id", "action", "from_stage", "to_stage", "holder_code", "note")
    _with_rows(insert, columns, events, connection.ops.adapt_datetimefield_value(now))


def _with_rows(sql: str, columns: tuple[str, ...], rows: list[Any], *params: Any) -> None:
    """Run `sql` (its own placeholders filled by `params`) over `rows` named as the table
    `v` with `columns` (a WITH … VALUES clause, which SQLite and PostgreSQL both read): one
    statement per CHUNK rows instead of one per row."""
    mark = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for lo in range(0, len(rows), CHUNK):
            part = rows[lo : lo + CHUNK]
            cursor.execute(
                f"WITH v ({', '.join(columns)}) AS (VALUES {', '.join([mark] * len(part))}) {sql}",
                [*(value for row in part for value in row), *params],
            )


@contextmanager
def _one_checkpoint() -> Iterator[None]:
    """On SQLite, the run's pages are copied from the WAL into the database once, after its
    last batch, instead of by the commit of every batch that finds the WAL past
    `wal_autocheckpoint` pages (each such checkpoint syncs twice and writes again the pages
    that several batches touch). Other connections keep checkpointing as they do. Inside
    an outer transaction no batch commits, so there is nothing to hold off."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        (pages,) = cursor.fetchone()
        cursor.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


def sweep(now: dt.datetime | None = None) -> SweepRun | None:
    """One run of the sweep for the minute of `now`; None if that minute was run already."""
    now = now or timezone.now()
    slot = now.replace(second=0, microsecond=0)
    try:
        with transaction.atomic():
            run = SweepRun.objects.create(slot=slot, started_at=timezone.now())
    except IntegrityError:
        return None
    work = Run(now)
    with _one_checkpoint():
        work.batches("warn_at", (0,), 1, work.warn)
        work.batches("deadline", (0, 1), 2, work.overdue)
    counts = work.counts
    with transaction.atomic():
        work.warned.send(run, "case.due_soon", _("%(n)d of your cases are due soon"))
        work.late.send(run, "case.overdue", _("%(n)d of your cases are overdue"))
        SweepRun.objects.filter(pk=run.pk).update(**counts)
    run.warned, run.overdue, run.escalated = (
        counts["warned"],
        counts["overdue"],
        counts["escalated"],
    )
    return run
