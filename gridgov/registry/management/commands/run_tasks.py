"""gridgov run_tasks: a consumer of the task queue (imports and other background work).

Run one beside the web processes, more on any machine sharing the queue with --no-periodic:
huey's scheduler runs in every consumer started without it, and two would enqueue each
periodic task twice. `gridgov demo` starts one with `gridgov serve --with-tasks`
(docs/adr/0008-task-queue.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Run a task-queue consumer until stopped: Ctrl-C (SIGINT) lets the running tasks"
        " finish, SIGTERM stops at once. Exactly one consumer enqueues the periodic tasks;"
        " start any others with --no-periodic."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="run tasks, but leave scheduling the periodic ones to another consumer",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        from django.utils.module_loading import autodiscover_modules

        from gridgov.registry.tasks import huey

        # Every app's tasks module (cases, notices …): a consumer runs only the tasks it has
        # imported, and schedules only the periodic ones it knows.
        autodiscover_modules("tasks")
        if huey.immediate:
            raise CommandError("the queue runs tasks immediately here (GRIDGOV_TESTING)")
        consumer = huey.create_consumer(
            workers=opts["workers"], worker_type="thread", periodic=not opts["no_periodic"]
        )
        consumer.run()
