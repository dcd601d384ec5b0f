"""The case clock on the task queue: one sweep a minute (docs/adr/0008-task-queue.md: one
scheduler enqueues it; SweepRun makes a second run of the same minute do nothing)."""

from __future__ import annotations

from huey import crontab

from gridgov.registry.tasks import _with_connections, huey

from . import sweep


@huey.periodic_task(crontab(minute="*"), name="cases.sweep")
@_with_connections
def sweep_cases() -> None:
    sweep.sweep()
