"""On SQLite a sweep run outside a transaction holds off the WAL's automatic checkpoints
until its last batch, then checkpoints once and puts the setting back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from gridgov.cases import sweep
from gridgov.web.tests import test_browser as base

leave_the_database_as_found = base.leave_the_database_as_found
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's WAL"),
]


def autocheckpoint() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        return int(cursor.fetchone()[0])


def test_it_holds_off_checkpoints_during_the_run_only(
    transactional_db: Any, monkeypatch: Any
) -> None:
    before = autocheckpoint()
    seen: list[int] = []
    batches = sweep.Run.batches

    def watched(self: Any, *args: Any) -> None:
        seen.append(autocheckpoint())
        batches(self, *args)

    monkeypatch.setattr(sweep.Run, "batches", watched)
    run = sweep.sweep(dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC))
    assert run is not None
    assert seen == [0, 0]
    assert autocheckpoint() == before > 0
