"""The residents' export: the list as the exporter sees it, masked unless they may and say
why (each unmasked row then logged)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core import models as audit
from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.lib import crypto
from gridgov.core.scope import in_scope, scope_q
from gridgov.grids.models import Grid

from .. import xlsx
from ..models import AccessLog
from ..search import ResidentFilter, residents_for
from .bulk import WRITE_BATCH

# A web export is built in the request: past this, ask for narrower filters (or use the CLI).
EXPORT_MAX_ROWS = 100_000


def export_residents(
    *,
    actor: Any,
    params: Any,
    reason: str = "",
    channel: str = "export",
    limit: int | None = EXPORT_MAX_ROWS,
) -> tuple[bytes, int]:
    """The residents the actor may see, filtered as the list is (`ResidentFilter`), as xlsx.

    ID numbers and phones are masked, unless `reason` is given and the actor holds
    personal.reveal: then rows in the part of the scope where they hold it come unmasked,
    and each such row writes an AccessLog (one per resident per export, so that an auditor
    looking up a person finds it). Returns (file, rows).
    """
    f = ResidentFilter.from_params(params)
    f.validate()
    if f.grid and not in_scope(actor, f.grid):
        raise NotFound(_("No grid with code %(code)s.") % {"code": f.grid}, field="grid")
    reason = (reason or "").strip()
    if reason:
        if not Grid.objects.filter(scope_q(actor, "code", Right.REVEAL)).exists():
            raise Forbidden(_("You may not see ID numbers and phones unmasked."))
        if len(reason) < 2:
            raise ServiceError("reason_required", _("Say why you need to see it."),
                               field="reason", status=422)  # fmt: skip
        if getattr(actor, "pk", None) is None:
            raise ServiceError("user_required", _("An unmasked export needs a named user."),
                               field="user", status=422)  # fmt: skip
    qs = residents_for(actor, params)
    if limit is not None:
        qs = qs[: limit + 1]
    logs: list[AccessLog] = []
    n = 0

    def rows() -> Any:
        nonlocal n
        for r in qs.iterator(chunk_size=2000):
            n += 1
            if limit is not None and n > limit:
                raise ServiceError(
                    "too_many_rows",
                    _("More than %(max)s residents match; narrow the filters.")
                    % {"max": f"{limit:,}"},
                    status=422,
                )
            if reason and in_scope(actor, r.grid_code, Right.REVEAL):
                id_number = crypto.decrypt(r.id_number_enc)
                phone = crypto.decrypt(r.phone_enc) if r.phone_enc else ""
                logs.append(AccessLog(
                    actor=actor, resident=r, grid_code=r.grid_code, field="id_number,phone",
                    reason=reason[:200], channel=channel[:10],
                ))  # fmt: skip
            else:
                id_number, phone = r.id_masked, r.phone_masked
            yield xlsx.resident_cells(r, id_number, phone)

    with transaction.atomic():
        data = xlsx.write_rows(xlsx.EXPORT_HEADERS, rows(), xlsx.SHEET_TITLES["residents"])
        AccessLog.objects.bulk_create(logs, batch_size=WRITE_BATCH)
        audit.record(
            actor=actor, action="resident.export", object_type="export",
            object_key=timezone.now().strftime("%Y%m%d%H%M%S"),
            after={"rows": n, "unmasked": len(logs), "grid": f.grid, "tag": f.tag,
                   "status": f.status, "residence_status": f.residence_status,
                   "searched": bool(f.q), "channel": channel},
        )  # fmt: skip
    return data, n
