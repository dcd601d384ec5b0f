"""The database side shared by the imports of every kind: batched INSERTs and the ids read
back, the grids the rows name (locked), and the households registered at addresses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db import models as dj_models
from django.utils import timezone

from gridgov.core.errors import ServiceError
from gridgov.grids.models import Grid

from .. import services, xlsx
from ..models import Household
from ..xlsx import Problem

Progress = Callable[[str, int, int], None]
# Rows per query when looking up households and residents, and per INSERT/UPDATE batch.
LOOKUP_CHUNK = 500
WRITE_BATCH = 1000


def insert(model: type[Any], objs: list[Any]) -> None:
    """INSERT `objs` with one prepared statement run for each (executemany), no RETURNING.

    Why not bulk_create: Django compiles every value of every row in Python (prepare_value,
    field_as_sql …), which took more than half of an import's time — the rate target is
    >= 5,000 rows/s with validation. Here only dates, times, UUIDs and JSON are converted,
    and the driver (sqlite3 in C, psycopg's pipeline) does the rest. Callers read ids back
    by a unique key when they need them. auto_now(_add) fields get one "now" per call.
    """
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    convert: list[Any] = []
    for f in fields:
        if isinstance(f, (dj_models.DateField, dj_models.UUIDField, dj_models.JSONField)):
            convert.append(f)
        else:
            convert.append(None)
    stamped = [
        i for i, f in enumerate(fields)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]  # fmt: skip
    stamp = fields[stamped[0]].get_db_prep_save(timezone.now(), connection) if stamped else None
    attnames = [f.attname for f in fields]
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )  # fmt: skip
    conn = connections[DEFAULT_DB_ALIAS]  # resolved once: `connection` is a proxy
    defaults = {f.attname: f.get_default() for f in fields if not f.has_default()}
    rows = []
    for obj in objs:
        if isinstance(obj, dict):  # plain rows: no model instance to build
            values = [obj[a] if a in obj else defaults[a] for a in attnames]
        else:
            values = [getattr(obj, a) for a in attnames]
        for i, f in enumerate(convert):
            if f is not None and values[i] is not None:
                values[i] = f.get_db_prep_save(values[i], conn)
        for i in stamped:
            values[i] = stamp
        rows.append(values)
    with connection.cursor() as cursor:
        for batch in xlsx.iter_chunks(rows, 5000):
            cursor.executemany(sql, batch)


def _ids(model: type[Any], column: str, keys: list[Any]) -> dict[Any, int]:
    """Ids of rows just inserted, by a unique column."""
    out: dict[Any, int] = {}
    for chunk in xlsx.iter_chunks(keys, LOOKUP_CHUNK):
        # No ORDER BY: with the model's ordering SQLite chose to walk the ordering's index
        # and test every row, instead of looking the keys up in their own unique index.
        rows = model.objects.filter(**{f"{column}__in": chunk}).order_by()
        out.update(rows.values_list(column, "pk"))
    return out


def _grids(actor: Any, rows: list[Any], problems: list[Problem]) -> dict[str, Grid]:
    """The grids named by the rows that the actor may register in, locked (in code order)
    so that two imports into the same grids run one after the other (PostgreSQL; SQLite's
    IMMEDIATE transactions already do)."""
    found: dict[str, Grid] = {}
    refused: dict[str, str] = {}
    for code in sorted({r.grid for r in rows}):
        try:
            found[code] = services.grid_for_registry(actor, code)
        except ServiceError as e:
            refused[code] = str(e.message)
    if found:
        list(Grid.objects.select_for_update().filter(pk__in=[g.pk for g in found.values()])
             .order_by("pk").values_list("pk", flat=True))  # fmt: skip
    for r in rows:
        if r.grid in refused:
            problems.append(Problem(r.row, "grid", refused[r.grid]))
    return found


def _households_at(keys: set[tuple[str, str, str, str]]) -> dict[tuple, list[Household]]:
    by_grid: dict[str, set[str]] = defaultdict(set)
    for grid, address, _unit, _room in keys:
        by_grid[grid].add(address)
    out: dict[tuple, list[Household]] = defaultdict(list)
    for grid, addresses in by_grid.items():
        # Addresses have no index (grid_code has): past a few chunks, reading the grid's
        # households once beats scanning them once per chunk.
        if len(addresses) > 4 * LOOKUP_CHUNK:
            queries = [Household.objects.filter(grid_code=grid)]
        else:
            queries = [
                Household.objects.filter(grid_code=grid, address__in=chunk)
                for chunk in xlsx.iter_chunks(sorted(addresses), LOOKUP_CHUNK)
            ]
        for qs in queries:
            for h in qs.iterator(chunk_size=2000):
                out[(h.grid_code, h.address, h.unit, h.room)].append(h)
    return out
