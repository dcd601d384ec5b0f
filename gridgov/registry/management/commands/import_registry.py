"""gridgov import households|residents|tags FILE.xlsx: the web page's import, from a shell.

Runs in this process (not on the queue), with a progress bar per phase; the job is recorded
like one from the page (ImportJob, one AuditEntry). Exit status 1 when nothing was saved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from tqdm import tqdm

from gridgov.accounts.models import User
from gridgov.core.errors import ServiceError
from gridgov.registry import imports, xlsx
from gridgov.registry.models import ImportJob

PHASES = {"reading": "read", "checking": "check", "writing": "write"}


class Bars:
    """One tqdm bar per phase, opened when the phase starts."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: Any = None
        self.phase = ""

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.quiet:
            return
        if phase != self.phase:
            self.close()
            self.phase = phase
            self.bar = tqdm(total=total, desc=PHASES.get(phase, phase), unit="row")
        if self.bar.total != total:
            self.bar.total = total
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Command(BaseCommand):
    help = (
        "Import households, residents or attention tags from an xlsx file (templates: the "
        "import page)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ImportJob.Kind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--mode", choices=ImportJob.Mode.values, default=ImportJob.Mode.ALL,
            help="all: every row or nothing (default); valid: save the valid rows",
        )  # fmt: skip
        parser.add_argument("--user", help="act as this user (scope and audit); default: system")
        parser.add_argument(
            "--errors", type=Path,
            help="where to write the error workbook (default: FILE.errors.xlsx)",
        )  # fmt: skip
        parser.add_argument("--language", default=settings.LANGUAGE_CODE)
        parser.add_argument("--quiet", action="store_true", help="no progress bars")

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        actor: Any = imports.SYSTEM
        if opts["user"]:
            actor = User.objects.filter(username=opts["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {opts['user']!r}")
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if path.stat().st_size > xlsx.MAX_BYTES:
            raise CommandError(f"{path}: larger than {xlsx.MAX_BYTES // 2**20} MB")
        try:
            with transaction.atomic():
                job = imports.create_job(
                    actor=actor, kind=opts["kind"], mode=opts["mode"], filename=path.name,
                    data=path.read_bytes(), language=opts["language"],
                )  # fmt: skip
        except ServiceError as e:
            raise CommandError(str(e.message)) from None
        bars = Bars(opts["quiet"])
        try:
            job = imports.run_job(job.pk, progress=bars)
        finally:
            bars.close()
        c = job.counts
        self.stdout.write(f"{job.kind}: {job.total_rows} rows, status {job.status}")
        if c:
            self.stdout.write("  " + ", ".join(f"{k} {v}" for k, v in c.items() if k != "rejected"))
        if job.message:
            self.stdout.write(f"  {job.message}")
        if job.error_file_enc:
            out = opts["errors"] or path.with_name(path.stem + ".errors.xlsx")
            out.write_bytes(imports.unseal(job.error_file_enc))
            self.stdout.write(f"  {job.error_rows} rows with problems: see {out}")
            for problem in job.errors[:10]:
                self.stdout.write(
                    f"  row {problem['row']} {problem['column']}: {problem['message']}"
                )
        if job.status != ImportJob.Status.DONE:
            raise CommandError("nothing was saved")
