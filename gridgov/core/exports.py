"""A page's table of figures as an xlsx download: the columns the page shows, a total row
the caller adds, and one audit entry in the same transaction (who exported what)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# (header, the value of a row, column width)
Column = tuple[str, Callable[[Any], Any], int]


def table_xlsx(
    *, actor: Any, action: str, title: str, columns: Sequence[Column], rows: Sequence[Any],
    node: str, start: dt.date, end: dt.date, about: dict[str, Any] | None = None,
) -> tuple[bytes, str]:  # fmt: skip
    """(workbook, file name) of `rows` under `columns`; the last row is the total, so the
    audit entry counts the others. `about` adds to what the entry records."""
    from django.db import transaction

    from gridgov.core import models as audit
    from gridgov.registry import xlsx

    with transaction.atomic():
        data = xlsx.write_rows(
            [c[0] for c in columns],
            ([value(r) for _header, value, _width in columns] for r in rows),
            title,
            [c[2] for c in columns],
        )
        audit.record(
            actor=actor, action=action, object_type="export", object_key=node,
            after={"node": node, "start": str(start), "end": str(end), **(about or {}),
                   "rows": len(rows) - 1},
        )  # fmt: skip
    return data, f"{title}-{node}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"


def xlsx_response(data: bytes, name: str) -> Any:
    """A workbook as a download named `name` (any script: RFC 5987 encoding)."""
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
