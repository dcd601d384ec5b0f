"""The indicators' roll-up (ADR 0019, "Roll-up"): what each case adds to the figures
(`CaseFacts`, one row per case) and their sums per day of reporting, grid, handling unit
and reporter (`CaseDay`), which `indicators.for_node` reads instead of every case and event.

The facts of a case are worked out from its row and its timeline by one aggregate query —
the same definitions as the indicators' own queries, per case — so they never depend on
the time of asking: stage times count completed spells only, and "due to close" only the
cases due whatever the time (closed, or on no clock); a running case past its deadline is
counted when the indicators are asked.

Whatever changes a case or its timeline calls `refresh(case_ids)` in the same transaction
(services.report and services.act do; the sweep does for the cases it escalates): it
works the facts out again, and adds the difference to the day rows (one upsert per day row
touched, in key order), so the roll-up is always exact. Bulk loaders call `rebuild()`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BigIntegerField, Count, F, Max, Q, Sum, Value, When
from django.db.models import Case as If
from django.db.models.functions import Cast, Coalesce, Floor, TruncDate

from gridgov.core import rows as rows_lib

from .choices import Action, Stage
from .indicators import CLOSING_STEPS, NOT_ENTERED, TIMED_STAGES, Epoch
from .models import ROLLUP_KEY, ROLLUP_SUMS, Case, CaseDay, CaseFacts

FIELDS = (*ROLLUP_KEY, *ROLLUP_SUMS)
CHUNK = 500  # cases per query: far below either database's limit on parameters


def zone() -> zoneinfo.ZoneInfo:
    """The time zone of the roll-up's days: the site's (a change of it needs a rebuild)."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _one(q: Q) -> Any:
    """1 if the case (or one of its events) meets `q`, else 0, in a query grouped by case."""
    return Max(If(When(q, then=Value(1)), default=Value(0)))


def facts_query(case_model: Any = Case) -> Any:
    """One row per case with its facts (FIELDS, and `case_id`): the case's columns through
    Max() (one value per case), its events' through conditional aggregates."""
    entered = ~Q(stage__in=NOT_ENTERED)
    on_time = Q(events__due__isnull=True) | Q(events__at__lte=F("events__due"))
    figures: dict[str, Any] = {
        "case_id": Max("id"),
        "day": Max(TruncDate("created_at", tzinfo=zone())),
        "grid_code": Max("grid_code"),
        "unit": Max(Coalesce("unit_id", Value(0))),
        "reporter": Max(Coalesce("reporter_id", Value(0))),
        "reported": Max(Value(1)),
        "filed": _one(entered),
        "not_filed": _one(Q(stage=Stage.NOT_FILED)),
        "merged": _one(Q(stage=Stage.MERGED)),
        "suspended": _one(Q(stage=Stage.SUSPENDED)),
        "due_fixed": _one(
            entered & ~Q(stage=Stage.SUSPENDED) & (Q(stage=Stage.CLOSED) | Q(deadline__isnull=True))
        ),
        "closed": _one(Q(stage=Stage.CLOSED)),
        "closed_late": _one(
            Q(stage=Stage.CLOSED, events__action__in=CLOSING_STEPS, events__due__isnull=False)
            & Q(events__at__gt=F("events__due"))
        ),
        "handled": _one(Q(stage__in=(Stage.HANDLED, Stage.CLOSED)) | Q(rework_count__gt=0)),
        "reworked": _one(Q(rework_count__gt=0)),
        "file_steps": Count("events", filter=Q(events__action=Action.FILE)),
        "file_on_time": Count("events", filter=Q(events__action=Action.FILE) & on_time),
        "dispatch_steps": Count("events", filter=Q(events__action=Action.DISPATCH)),
        "dispatch_on_time": Count("events", filter=Q(events__action=Action.DISPATCH) & on_time),
        "rated": _one(Q(satisfaction__isnull=False)),
        "rating_sum": Max(Coalesce("satisfaction", Value(0))),
        "satisfied": _one(Q(satisfaction__gte=4)),
    }
    t = Epoch("events__at")
    for s in TIMED_STAGES:
        # As the indicators' event query: Σ leaving − Σ entering, for a case no longer in
        # the stage; a spell ends with an event that leaves it.
        done = ~Q(stage=s)
        seconds = Coalesce(Sum(t, filter=Q(events__from_stage=s) & done), Value(0.0)) - Coalesce(
            Sum(t, filter=Q(events__to_stage=s) & done), Value(0.0)
        )
        figures[f"ms_{s}"] = Cast(Floor(seconds * Value(1000.0) + Value(0.5)), BigIntegerField())
        figures[f"n_{s}"] = Count(
            "events", filter=Q(events__from_stage=s) & ~Q(events__to_stage=s) & done
        )
    return case_model.objects.order_by().values("id").annotate(**figures)


# The facts query of 1 or CHUNK cases, compiled once per database, size and zone: building
# and compiling its thirty aggregates takes the ORM about 30 ms, the query itself 1 ms.
_COMPILED: dict[tuple[str, int, str], tuple[str, list[Any], list[int]]] = {}


def _facts(ids: list[int]) -> dict[int, tuple[Any, ...]]:
    size = 1 if len(ids) == 1 else CHUNK
    key = (connection.alias, size, settings.TIME_ZONE)
    if key not in _COMPILED:
        marks = [-1 - i for i in range(size)]  # no case has these ids: found in the params
        qs = facts_query().filter(id__in=marks).values_list("case_id", *FIELDS)
        sql, params = qs.query.sql_with_params()
        _COMPILED[key] = (sql, list(params), [list(params).index(m) for m in marks])
    sql, params, where = _COMPILED[key]
    params = list(params)
    padded = ids + ids[-1:] * (size - len(ids))  # a repeated id: the same row
    for i, pk in zip(where, padded, strict=True):
        params[i] = pk
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _by_case(rows)


def _by_case(rows: Iterable[tuple[Any, ...]]) -> dict[int, tuple[Any, ...]]:
    # SQLite answers a day as text, PostgreSQL as a date.
    return {
        pk: (day if isinstance(day, dt.date) else dt.date.fromisoformat(day), *rest)
        for pk, day, *rest in rows
    }


def _stored(ids: list[int]) -> dict[int, tuple[Any, ...]]:
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT case_id, {', '.join(FIELDS)} FROM {CaseFacts._meta.db_table} "
            f"WHERE case_id IN ({marks})",
            ids,
        )
        return _by_case(cursor.fetchall())


def reported(case: Case) -> None:
    """The facts of a case just reported (one event, in stage "reported"), written without
    asking the database for them: it counts as reported and nothing else yet. Intake's
    share of the roll-up; `refresh` would store the same (the roll-up test checks)."""
    day = connection.ops.adapt_datefield_value(case.created_at.astimezone(zone()).date())
    key = (day, case.grid_code, case.unit_id or 0, case.reporter_id or 0)
    facts, days = _reported_sql()
    with rows_lib.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One round trip on every report: the facts' upsert as a WITH clause of the days'.
            cursor.execute(f"WITH facts AS ({facts}) {days}", (case.pk, *key, *key))
        else:
            cursor.execute(facts, (case.pk, *key))
            cursor.execute(days, key)


@cache
def _reported_sql() -> tuple[str, str]:
    """The two upserts of a new case, its sums written in (1 reported, 0 the rest): the
    statements stay short and few-parametered, so the driver keeps them parsed."""
    sums = ", ".join("1" if name == "reported" else "0" for name in ROLLUP_SUMS)
    key = ", ".join(["%s"] * len(ROLLUP_KEY))
    return _facts_sql(f"%s, {key}, {sums}"), _days_sql(f"{key}, {sums}")


def refresh(case_ids: Iterable[int]) -> int:
    """Work out again the facts of these cases and add the difference to the day rows, in
    the caller's transaction (or one of its own). Returns the cases whose facts changed."""
    ids = sorted(set(case_ids))
    changed = 0
    with transaction.atomic():
        for lo in range(0, len(ids), CHUNK):
            changed += _refresh(ids[lo : lo + CHUNK])
    return changed


def _refresh(ids: list[int]) -> int:
    new, old = _facts(ids), _stored(ids)
    changed = [pk for pk in ids if new.get(pk) != old.get(pk)]
    if not changed:
        return 0
    n = len(ROLLUP_KEY)
    deltas: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * len(ROLLUP_SUMS))
    for facts, sign in ((old, -1), (new, 1)):
        for pk in changed:
            row = facts.get(pk)
            if row is None:
                continue
            delta = deltas[row[:n]]
            for i, value in enumerate(row[n:]):
                delta[i] += sign * value
    _store([(pk, *new[pk]) for pk in changed if pk in new])
    gone = [pk for pk in changed if pk not in new]
    if gone:
        CaseFacts.objects.filter(case_id__in=gone).delete()
    _add_to_days(sorted((k, v) for k, v in deltas.items() if any(v)))
    return len(changed)


def _store(rows: list[tuple[Any, ...]]) -> None:
    """Insert or replace the facts of cases."""
    if not rows:
        return
    adapt = connection.ops.adapt_datefield_value
    _upsert(
        _facts_sql(", ".join(["%s"] * (1 + len(FIELDS)))),
        [(pk, adapt(day), *rest) for pk, day, *rest in rows],
    )


def _facts_sql(values: str) -> str:
    names = ", ".join(("case_id", *FIELDS))
    updates = ", ".join(f"{f} = excluded.{f}" for f in FIELDS)
    return (
        f"INSERT INTO {CaseFacts._meta.db_table} ({names}) VALUES ({values}) "
        f"ON CONFLICT (case_id) DO UPDATE SET {updates}"
    )


def _add_to_days(deltas: list[tuple[tuple[Any, ...], list[int]]]) -> None:
    """Upsert the day rows: insert a new key, or add to the sums of an existing one. Keys
    in order, so that two transactions lock shared rows in the same order."""
    if not deltas:
        return
    adapt = connection.ops.adapt_datefield_value
    _upsert(
        _days_sql(", ".join(["%s"] * len(FIELDS))),
        [(adapt(k[0]), *k[1:], *v) for k, v in deltas],
    )


def _days_sql(values: str) -> str:
    table = CaseDay._meta.db_table
    key = ", ".join(("grid_code", "day", "unit", "reporter"))
    sums = ", ".join(f"{f} = {table}.{f} + excluded.{f}" for f in ROLLUP_SUMS)
    return (
        f"INSERT INTO {table} ({', '.join(FIELDS)}) VALUES ({values}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {sums}"
    )


def _upsert(sql: str, rows: list[tuple[Any, ...]]) -> None:
    # One row (every report) by itself: psycopg's executemany goes through its pipeline
    # mode, which costs more than the statement for a single row.
    with rows_lib.cursor() as cursor:
        if len(rows) == 1:
            cursor.execute(sql, rows[0])
        else:
            cursor.executemany(sql, rows)


def rebuild(apps: Any = None) -> int:
    """Every case's facts and the day rows afresh, from the cases and their timelines, in
    SQL (migrations, the demo's and the bench's bulk loads). Returns the cases."""
    case_model = apps.get_model("cases", "Case") if apps else Case
    facts_model = apps.get_model("cases", "CaseFacts") if apps else CaseFacts
    day_model = apps.get_model("cases", "CaseDay") if apps else CaseDay
    facts, days = facts_model._meta.db_table, day_model._meta.db_table
    sql, params = facts_query(case_model).query.sql_with_params()
    columns = ", ".join(("case_id", *FIELDS))
    sums = ", ".join(f"SUM({f})" for f in ROLLUP_SUMS)
    key = ", ".join(ROLLUP_KEY)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {days}")
        cursor.execute(f"DELETE FROM {facts}")
        # The inner query's columns by their aliases: the order of a SELECT is Django's.
        cursor.execute(
            f"INSERT INTO {facts} ({columns}) SELECT {columns} FROM ({sql}) AS f", params
        )
        cursor.execute(
            f"INSERT INTO {days} ({key}, {', '.join(ROLLUP_SUMS)}) "
            f"SELECT {key}, {sums} FROM {facts} GROUP BY {key}"
        )
        cursor.execute(f"SELECT COUNT(*) FROM {facts}")
        return int(cursor.fetchone()[0])
