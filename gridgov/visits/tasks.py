"""Visits on the task queue (docs/adr/0008-task-queue.md, 0023): the households whose
registry rows changed re-planned every ten minutes, all of them nightly, and the overdue
digest each morning."""

from __future__ import annotations

from huey import crontab

from gridgov.registry.tasks import _with_connections, huey

from . import schedule, sweep


@huey.periodic_task(crontab(minute="*/10"), name="visits.refresh")
@_with_connections
def refresh_schedules() -> None:
    schedule.refresh()


@huey.task(name="visits.rebuild")
@_with_connections
def rebuild_schedules() -> None:
    schedule.rebuild()


@huey.periodic_task(crontab(hour="2", minute="30"), name="visits.rebuild_nightly")
@_with_connections
def rebuild_nightly() -> None:
    schedule.rebuild()


@huey.periodic_task(crontab(hour="8", minute="0"), name="visits.sweep")
@_with_connections
def sweep_overdue() -> None:
    sweep.sweep()
