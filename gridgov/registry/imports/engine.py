"""The import of one spreadsheet: read, every row checked, then checked against the
registry and written in one transaction — or nothing written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core import models as audit

from .. import xlsx
from ..models import ImportJob
from ..xlsx import Problem
from .bulk import Progress
from .checks import Vocab, _duplicates
from .households import _write_households, check_household
from .residents import _write_residents, check_resident
from .tags import _write_tags, check_tag


@dataclass
class Outcome:
    status: str  # ImportJob.Status: done, rejected or failed
    total: int = 0
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    message: str = ""
    error_file: bytes = b""

    @property
    def error_rows(self) -> int:
        return len({p.row for p in self.problems})


class _Rejected(Exception):
    """Raised inside the transaction to leave it without writing anything."""


def run_import(
    *,
    actor: Any,
    kind: str,
    mode: str,
    data: bytes,
    progress: Progress | None = None,
    job_key: str = "",
) -> Outcome:
    """Check and write one spreadsheet. Never half-saves: one transaction."""
    report = progress or (lambda phase, done, total: None)
    sheet = None
    try:
        sheet = xlsx.read(data, kind, progress=lambda d, t: report("reading", d, t))
    except xlsx.SheetError as e:
        marks = [Problem(r, f"#{c}", e.message) for r, c in e.cells]
        error_file = b""
        if marks:
            error_file = xlsx.error_workbook(data, None, marks, only_bad_rows=False)
        return Outcome(ImportJob.Status.REJECTED, message=e.message, problems=marks,
                       error_file=error_file)  # fmt: skip
    total = len(sheet.rows)
    if total == 0:
        return Outcome(ImportJob.Status.REJECTED, message=_("The sheet has no rows to import."))
    problems: list[Problem] = []
    vocab = Vocab()
    checks: dict[str, Callable[..., Any]] = {
        ImportJob.Kind.HOUSEHOLDS: check_household,
        ImportJob.Kind.RESIDENTS: check_resident,
        ImportJob.Kind.TAGS: check_tag,
    }
    check = checks[kind]
    rows: list[Any] = []
    step = max(total // 50, 500)
    for i, (number, values) in enumerate(sheet.rows, start=1):
        row = check(number, values, vocab, problems)
        if row is not None:
            rows.append(row)
        if i % step == 0:
            report("checking", i, total)
    report("checking", total, total)
    if kind == ImportJob.Kind.HOUSEHOLDS:
        rows = _duplicates(rows, lambda r: r.key, "address", problems,
                           _("The same household (grid, address, unit, room) is also on row "
                             "%(rows)s."))  # fmt: skip
    elif kind == ImportJob.Kind.TAGS:
        rows = _duplicates(rows, lambda r: r.key, "tag_kind", problems,
                           _("The same tag (who, kind, start date) is also on row "
                             "%(rows)s."))  # fmt: skip
    else:
        rows = _duplicates(rows, lambda r: r.ident.hash, "id_number", problems,
                           _("The same document number is also on row %(rows)s."))  # fmt: skip
    # Even when the file alone shows problems, the rows are also checked against the
    # registry (and nothing written), so that one error workbook lists everything.
    report("writing", 0, len(rows))
    writers: dict[str, Callable[..., dict[str, int]]] = {
        ImportJob.Kind.HOUSEHOLDS: _write_households,
        ImportJob.Kind.RESIDENTS: _write_residents,
        ImportJob.Kind.TAGS: _write_tags,
    }
    writer = writers[kind]
    try:
        with transaction.atomic():
            counts = writer(actor, rows, problems, mode, report)
            if problems and mode == ImportJob.Mode.ALL:
                raise _Rejected
            counts["rejected"] = len({p.row for p in problems})
            audit.record(
                actor=actor, action=f"{kind}.import", object_type="import_job",
                object_key=job_key or "cli", after={"rows": total, "mode": mode, **counts},
            )  # fmt: skip
    except _Rejected:
        return _finish(ImportJob.Status.REJECTED, total, problems, {}, data, sheet, mode)
    return _finish(ImportJob.Status.DONE, total, problems, counts, data, sheet, mode)


def _finish(status: str, total: int, problems: list[Problem], counts: dict[str, int],
            data: bytes, sheet: xlsx.Sheet, mode: str) -> Outcome:  # fmt: skip
    problems.sort(key=lambda p: (p.row, sheet.positions.get(p.key or "", 0)))
    error_file = b""
    if problems:
        error_file = xlsx.error_workbook(
            data, sheet, problems, only_bad_rows=mode == ImportJob.Mode.VALID
        )
    return Outcome(status, total, problems, counts, error_file=error_file)
