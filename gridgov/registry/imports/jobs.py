"""Import jobs: an upload kept sealed and queued, claimed and run by one worker (its
progress saved on the way), its outcome stored; old files dropped, dead jobs failed."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import time
from typing import Any

from django.db import DatabaseError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gridgov.core.errors import Forbidden, ServiceError
from gridgov.core.lib import crypto

from .. import xlsx
from ..models import ImportJob
from ..xlsx import Problem
from .actors import SYSTEM, may_import
from .bulk import Progress
from .engine import Outcome, run_import

# The package's logger (gridgov.registry.imports), as before it was split into modules.
logger = logging.getLogger(__package__)


# Problems kept on the job for the page; the error workbook has all of them.
PAGE_PROBLEMS = 200


def seal(data: bytes) -> str:
    """A file kept at rest the way personal data is (ADR 0005): AES-GCM under the field key."""
    return crypto.encrypt(base64.b64encode(data).decode()) if data else ""


def unseal(token: str) -> bytes:
    return base64.b64decode(crypto.decrypt(token)) if token else b""


def create_job(
    *, actor: Any, kind: str, mode: str, filename: str, data: bytes, language: str = "zh-hans"
) -> ImportJob:
    """A queued import of an upload (the caller enqueues it: registry.tasks)."""
    if actor is not SYSTEM and not may_import(actor):
        raise Forbidden(_("You may not do this here."))
    if kind not in ImportJob.Kind.values:
        raise ServiceError("invalid_kind", _("Unknown kind of import."), field="kind", status=422)
    if mode not in ImportJob.Mode.values:
        raise ServiceError("invalid_mode", _("Unknown import mode."), field="mode", status=422)
    try:
        xlsx.check_archive(data)
    except xlsx.SheetError as e:
        status = 413 if e.code == "file_too_large" else 422
        raise ServiceError(e.code, e.message, field="file", status=status) from None
    return ImportJob.objects.create(
        actor=actor if getattr(actor, "pk", None) else None, kind=kind, mode=mode,
        filename=(filename or "upload.xlsx")[-200:], size=len(data), content_enc=seal(data),
        language=language,
    )  # fmt: skip


class _Reporter:
    """Progress of a job into its row, at most twice a second (any process can read it).

    Saving happens inside the import's transaction, where a write would not be seen before
    the commit (and on SQLite would wait for the lock): only the start of it is recorded.
    """

    def __init__(self, job: ImportJob, also: Progress | None) -> None:
        self.job, self.also = job, also
        self.last = 0.0
        self.phase = ""

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.also is not None:
            self.also(phase, done, total)
        now = time.monotonic()
        if phase == "writing":
            if self.phase != "writing":
                self.phase = phase
                self._update(status=ImportJob.Status.WRITING, checked_rows=total)
            return
        if phase != self.phase or now - self.last >= 0.5 or done == total:
            self.phase, self.last = phase, now
            counters = {"total_rows": total, "checked_rows": done if phase == "checking" else 0}
            self._update(**counters)

    def _update(self, **fields: Any) -> None:
        try:
            ImportJob.objects.filter(pk=self.job.pk).update(heartbeat_at=timezone.now(), **fields)
        except DatabaseError:
            # Progress is best effort: a busy database must not fail the import.
            logger.warning("import job %s: progress not saved", self.job.pk)


def run_job(job_id: int, progress: Progress | None = None) -> ImportJob:
    """Claim a queued job (compare-and-set: one worker wins), run it, store the outcome."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.VALIDATING, started_at=now, heartbeat_at=now
    )
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    if not claimed:
        return job
    actor = job.actor if job.actor_id else SYSTEM
    with translation.override(job.language):
        try:
            outcome = run_import(
                actor=actor, kind=job.kind, mode=job.mode, data=unseal(job.content_enc),
                progress=_Reporter(job, progress), job_key=str(job.public_id),
            )  # fmt: skip
        except Exception:
            # Whatever went wrong, the transaction rolled back: say so, keep the trace
            # (which carries ids, not the file's contents) in the log.
            logger.exception("import job %s failed", job.pk)
            outcome = Outcome(
                ImportJob.Status.FAILED,
                message=_("The import stopped on an unexpected error; nothing was saved."),
            )
        job.message = str(outcome.message)[:500]
        job.errors = [
            {"row": p.row, "column": _column(p, job.kind), "message": p.message}
            for p in outcome.problems[:PAGE_PROBLEMS]
        ]
    job.status = outcome.status
    if outcome.total:
        job.total_rows = job.checked_rows = outcome.total
    job.error_rows = outcome.error_rows
    job.counts = outcome.counts
    job.error_file_enc = seal(outcome.error_file)
    # The upload held ID numbers in the clear (sealed, but still): it is not kept once done.
    job.content_enc = ""
    job.finished_at = job.heartbeat_at = timezone.now()
    job.save()
    return job


def _column(p: Problem, kind: str) -> str:
    if p.key and p.key.startswith("#"):
        from openpyxl.utils import get_column_letter

        return get_column_letter(int(p.key[1:]))
    return next((c.header for c in xlsx.LAYOUTS.get(kind, ()) if c.key == p.key), "")


def purge(*, keep_days: int = 7, stale_minutes: int = 30) -> tuple[int, int]:
    """Drop the error workbooks of jobs finished `keep_days` ago, and fail jobs whose worker
    stopped reporting (it died: the transaction rolled back, nothing was saved)."""
    now = timezone.now()
    dropped = (
        ImportJob.objects.filter(finished_at__lt=now - dt.timedelta(days=keep_days))
        .exclude(error_file_enc="", content_enc="")
        .update(error_file_enc="", content_enc="")
    )
    stale = ImportJob.objects.filter(
        status__in=[ImportJob.Status.VALIDATING, ImportJob.Status.WRITING],
        heartbeat_at__lt=now - dt.timedelta(minutes=stale_minutes),
    ).update(
        status=ImportJob.Status.FAILED,
        content_enc="",
        finished_at=now,
        message="The import stopped (its worker ended); nothing was saved.",
    )
    return dropped, stale
