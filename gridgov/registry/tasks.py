"""Background work of the registry, on the project's task queue (docs/adr/0008-task-queue.md).

The queue is Huey. By default it keeps its queue in an SQLite file under var/ (no server to
run); `settings.GRIDGOV_TASKS_URL` = "redis://…" moves it to Redis for several machines.
Tests run tasks at once, in the caller (immediate mode, `settings.TESTING`).

Task payloads carry ids only: the job row in the database holds the file and the progress,
so any process, on any machine, can run the job or report on it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey import RedisHuey, SqliteHuey, crontab
from huey.api import Huey
from huey.consumer import Consumer

from . import imports
from .models import ImportJob

logger = logging.getLogger(__name__)


def _make_queue() -> Huey:
    configured = getattr(settings, "HUEY", None)
    if isinstance(configured, Huey):
        return configured
    immediate = bool(getattr(settings, "TESTING", False))
    url = getattr(settings, "GRIDGOV_TASKS_URL", "")
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("gridgov", url=url, immediate=immediate)
    path = settings.VAR_DIR / "tasks.sqlite3"
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("gridgov", filename=str(path), immediate=immediate)


huey = _make_queue()


def _with_connections(fn: Any) -> Any:
    """A task's database connection is its own: drop stale ones before and after (as
    Django does around a request), except in immediate mode, where the caller's is used."""

    def run(*args: Any, **kwargs: Any) -> Any:
        if not huey.immediate:
            close_old_connections()
        try:
            return fn(*args, **kwargs)
        finally:
            if not huey.immediate:
                close_old_connections()

    run.__name__ = fn.__name__
    run.__doc__ = fn.__doc__
    return run


@huey.task(name="registry.run_import")
@_with_connections
def run_import_job(job_id: int) -> None:
    """Run one queued import. Several consumers may get the same id: run_job claims it with
    a compare-and-set, so only one runs it."""
    imports.run_job(job_id)


@huey.periodic_task(crontab(minute="*/5"), name="registry.purge_imports")
@_with_connections
def purge_imports() -> None:
    """Every 5 minutes: fail jobs whose worker died, re-send jobs whose message was lost,
    drop old error workbooks. Idempotent: a second scheduler by mistake does no harm."""
    dropped, stale = imports.purge()
    requeued, abandoned = requeue_lost()
    if dropped or stale or requeued or abandoned:
        logger.info(
            "imports: %s error workbooks dropped, %s stopped jobs failed, %s re-sent, %s abandoned",
            dropped, stale, requeued, abandoned,
        )  # fmt: skip


# A job still queued this long after it was created has most likely lost its message (huey
# delivers at most once: a consumer killed after taking it, or a queue unreachable when the
# web process sent it). Sending it again is safe, run_job claims with a compare-and-set.
LOST_AFTER = dt.timedelta(minutes=10)
# ... and one that no worker has taken in a day will not be: say so on its page.
ABANDONED_AFTER = dt.timedelta(days=1)


def requeue_lost(now: dt.datetime | None = None) -> tuple[int, int]:
    """Re-send queued jobs older than LOST_AFTER; fail those older than ABANDONED_AFTER.
    Returns (re-sent, failed)."""
    now = now or timezone.now()
    queued = ImportJob.objects.filter(status=ImportJob.Status.QUEUED)
    old = queued.filter(created_at__lt=now - ABANDONED_AFTER)
    abandoned = 0
    for language in set(old.values_list("language", flat=True)):
        with translation.override(language):
            message = _("No worker took this import within a day; nothing was saved.")
        abandoned += old.filter(language=language).update(
            status=ImportJob.Status.FAILED, content_enc="", finished_at=now, message=message
        )
    lost = list(queued.filter(created_at__lt=now - LOST_AFTER).values_list("pk", flat=True))
    for job_id in lost:
        run_import_job(job_id)
    return len(lost), abandoned


def enqueue(job: ImportJob) -> None:
    """Run `job` once the transaction that created it commits (a consumer must see it)."""
    job_id = job.pk
    transaction.on_commit(lambda: run_import_job(job_id))


class EmbeddedConsumer(Consumer):
    """A consumer that runs in threads of another program (`gridgov demo`): it leaves that
    program's signal handling alone, so Ctrl-C still stops the server."""

    def _set_signal_handlers(self) -> None:
        pass


def start_consumer(workers: int = 1) -> Consumer | None:
    """Start consumer threads in this process; None in immediate mode (nothing to consume)."""
    if huey.immediate:
        return None
    consumer = EmbeddedConsumer(huey, workers=workers, worker_type="thread", periodic=True)
    consumer.start()
    return consumer
