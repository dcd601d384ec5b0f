"""gridgov run_tasks: a consumer of the task queue (imports and other background work).

Run one (or more, on any machine sharing the queue) beside the web processes; `gridgov demo`
starts one in its own process instead (docs/adr/0008-task-queue.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run a task-queue consumer until stopped (Ctrl-C or SIGTERM finish the running task)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, **opts: Any) -> None:
        from gridgov.registry.tasks import huey

        if huey.immediate:
            raise CommandError("the queue runs tasks immediately here (GRIDGOV_TESTING)")
        consumer = huey.create_consumer(
            workers=opts["workers"], worker_type="thread", periodic=True
        )
        consumer.run()
