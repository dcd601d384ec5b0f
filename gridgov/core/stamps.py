"""Stamps of the tables each process keeps in memory, read in one statement (ADR 0031).

A process keeps a few small, rarely changed tables in memory — the category catalogue,
the work-time calendar, the networks by slug, people's running assignments, the spatial
index — each tagged with the stamp it was built at, and rebuilds one when its stamp moved.
`version(name)` reads every stamp at once; inside `held()` (a request that reports a case)
the first read serves the rest of the block, so intake asks once instead of once a cache.

A missing stamp (a table emptied with its stamp row, in tests) reads as None, and a cache
must not keep what it built then (`usable`).

Triggers move the stamps of tables anyone may write (`trigger_sql`, run by migrations):
statement-level on PostgreSQL, row-level on SQLite, which has no other kind.
"""

from __future__ import annotations

import contextvars
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

from . import rows

TABLE = "core_stamp"
CATEGORIES, CALENDAR, NETWORKS, ASSIGNMENTS, BOUNDARIES = (
    "categories", "calendar", "networks", "assignments", "boundaries",
)  # fmt: skip

_held: contextvars.ContextVar[dict[str, int] | None] = contextvars.ContextVar(
    "gridgov_stamps", default=None
)
_HOLDING: dict[str, int] = {}  # the marker of a `held()` block that has not read yet


def read() -> dict[str, int]:
    """Every stamp, now."""
    with rows.cursor() as cursor:
        cursor.execute(f"SELECT name, version FROM {TABLE}")
        return {name: int(version) for name, version in cursor.fetchall()}


def version(name: str) -> int | None:
    """The stamp `name` (None if it has no row), read once per `held()` block."""
    held = _held.get()
    if held is None:
        return read().get(name)
    if held is _HOLDING:
        held = read()
        _held.set(held)
    return held.get(name)


def usable(stamp: Any) -> bool:
    """Whether a cache may keep what it built at this stamp."""
    return stamp is not None


@contextmanager
def held() -> Iterator[None]:
    """Read the stamps at most once in this block (a request reporting a case: its
    category, grid, scope and deadline each look at one)."""
    token = _held.set(_HOLDING)
    try:
        yield
    finally:
        _held.reset(token)


def bump(name: str) -> None:
    """Move a stamp by hand (in the writer's transaction), for changes no trigger sees."""
    value = secrets.randbits(62)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET version = %s WHERE name = %s", [value, name])
        if cursor.rowcount == 0:
            cursor.execute(f"INSERT INTO {TABLE} (name, version) VALUES (%s, %s)", [name, value])


FUNCTION = "gridgov_bump_stamp"


def function_sql(vendor: str) -> list[str]:
    """The trigger function (PostgreSQL only)."""
    if vendor != "postgresql":
        return []
    return [
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN INSERT INTO {TABLE} (name, version)"
        " VALUES (TG_ARGV[0], floor(random() * 4611686018427387903)::bigint)"
        " ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version;"
        " RETURN NULL; END $$"
    ]


def trigger_sql(vendor: str, table: str, name: str) -> list[str]:
    """Statements creating the triggers that move stamp `name` on any change of `table`."""
    if vendor == "postgresql":
        return [
            f"CREATE TRIGGER {table}_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
            f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}('{name}')"
        ]
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {table}_stamp_{op.lower()} AFTER {op} ON {table} BEGIN"
            f" INSERT OR REPLACE INTO {TABLE} (name, version) VALUES ('{name}', random());"
            " END"
            for op in ("INSERT", "UPDATE", "DELETE")
        ]
    raise NotImplementedError(vendor)


def drop_trigger_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_stamp ON {table}"]
    return [f"DROP TRIGGER IF EXISTS {table}_stamp_{op}" for op in ("insert", "update", "delete")]


def stamped(table: str, name: str) -> Any:
    """A migration operation putting the triggers of stamp `name` on `table` (and taking
    them off when migrating back)."""
    from django.db import migrations

    def forward(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        for sql in [*function_sql(vendor), *trigger_sql(vendor, table, name)]:
            schema_editor.execute(sql)
        schema_editor.execute(
            f"INSERT INTO {TABLE} (name, version) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING",
            [name, secrets.randbits(62)],
        )

    def backward(apps: Any, schema_editor: Any) -> None:
        for sql in drop_trigger_sql(schema_editor.connection.vendor, table):
            schema_editor.execute(sql)

    return migrations.RunPython(forward, backward)


__all__ = ["bump", "held", "read", "stamped", "usable", "version"]
