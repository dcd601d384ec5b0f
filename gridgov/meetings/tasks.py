"""Meetings on the task queue (docs/adr/0008-task-queue.md): the overdue follow-up tasks'
digest each morning (the notice key holds the day: one digest per owner per day)."""

from __future__ import annotations

from huey import crontab

from gridgov.registry.tasks import _with_connections, huey

from . import sweep


@huey.periodic_task(crontab(hour="8", minute="15"), name="meetings.sweep")
@_with_connections
def sweep_overdue() -> None:
    sweep.sweep()
