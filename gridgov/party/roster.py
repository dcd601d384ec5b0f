"""The contact roster (《黨組織網格化管理服務工作包掛聯系花名冊》, plan 1) as xlsx.

One row per link chain, down the organisation tree: grid branch (and the general-branch
committee members who link it) → party group (and the branch committee members who link
it) → central household or model post (and the group leaders who link it) → a party member
it links → the households that member links. A part with nothing below it still gets its
row, blank to the right, so that gaps show. Headers in Simplified Chinese, as every export.

Phones are masked unless a `reason` is given and the actor holds personal.reveal where the
person lives: then each unmasked person writes an AccessLog (as registry exports do). One
audit entry per export.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from gridgov.accounts.roles import Right
from gridgov.core import models as audit
from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.lib import crypto
from gridgov.core.scope import in_scope, scope_q
from gridgov.grids.models import Grid
from gridgov.registry.models import AccessLog, Resident
from gridgov.registry.xlsx import HEAD_FILL, HEAD_FONT, neutralise

from .choices import LinkLevel, OrgKind
from .models import CentralHousehold, Link, PartyOrg

TITLE = "党组织网格化管理服务工作包挂联系花名册"
SHEET = "包挂联系花名册"
HEADERS = [
    "序号", "社区(村)", "网格", "网格党支部", "包挂党总支班子成员", "党小组", "包挂支部委员",
    "党小组长", "党员中心户(示范岗)", "中心户联系电话", "联系党员", "党员联系电话",
    "联系群众户数", "联系群众户",
]  # fmt: skip
WIDTHS = [6, 14, 18, 18, 18, 14, 16, 12, 18, 15, 10, 15, 8, 60]


class _Phones:
    """Each person's phone as the export shows it: masked, or in full with a logged reason."""

    def __init__(self, actor: Any, reason: str, channel: str) -> None:
        self.actor, self.reason, self.channel = actor, reason, channel
        self.logs: dict[int, AccessLog] = {}

    def of(self, r: Resident | None) -> str:
        if r is None:
            return ""
        if self.reason and r.phone_enc and in_scope(self.actor, r.grid_code, Right.REVEAL):
            if r.pk not in self.logs:
                self.logs[r.pk] = AccessLog(
                    actor=self.actor, resident=r, grid_code=r.grid_code, field="phone",
                    reason=self.reason[:200], channel=self.channel[:10],
                )  # fmt: skip
            return crypto.decrypt(r.phone_enc)
        return r.phone_masked


def _names(links: list[Link]) -> str:
    return "、".join(link.source_post.holder_name for link in links if link.source_post)


def _by(links: Any, col: str) -> dict[int, list[Link]]:
    out: dict[int, list[Link]] = defaultdict(list)
    for link in links:
        out[getattr(link, f"{col}_id")].append(link)
    return out


def rows(actor: Any, grid: str, phones: _Phones) -> Iterator[list[Any]]:
    """The roster's rows for the branches under `grid` the actor may see (9 queries)."""
    branches = list(
        PartyOrg.objects.visible_to(actor, Right.VIEW).current().under(grid)
        .filter(kind=OrgKind.BRANCH).select_related("grid")
    )  # fmt: skip
    groups = list(
        PartyOrg.objects.current().filter(kind=OrgKind.GROUP, parent__in=branches)
        .order_by("grid_code", "name", "id")
    )  # fmt: skip
    communities = {
        g.code: g.name for g in Grid.objects.filter(code__in={b.grid_code[:12] for b in branches})
    }
    holders = ("source_post__resident", "source_post__user")
    current = Link.objects.current()
    to_branch = _by(current.filter(level=LinkLevel.BRANCH, target_org__in=branches)
                    .select_related(*holders), "target_org")  # fmt: skip
    to_group = _by(current.filter(level=LinkLevel.GROUP, target_org__in=groups)
                   .select_related(*holders), "target_org")  # fmt: skip
    centrals = list(
        CentralHousehold.objects.current().filter(group__in=groups)
        .select_related("keeper", "household").order_by("grid_code", "id")
    )  # fmt: skip
    to_central = _by(current.filter(level=LinkLevel.CENTRAL, target_central__in=centrals)
                     .select_related(*holders), "target_central")  # fmt: skip
    to_member = _by(current.filter(level=LinkLevel.MEMBER, source_central__in=centrals)
                    .select_related("target_member").order_by("id"), "source_central")  # fmt: skip
    members = [link.target_member for links in to_member.values() for link in links]
    reached = current.filter(level=LinkLevel.HOUSEHOLD, source_member__in=members)
    to_household = _by(reached.select_related("target_household").order_by("id"), "source_member")
    groups_of: dict[int, list[PartyOrg]] = defaultdict(list)
    for g in groups:
        groups_of[g.parent_id].append(g)  # type: ignore[index]
    centrals_of: dict[int, list[CentralHousehold]] = defaultdict(list)
    for c in centrals:
        centrals_of[c.group_id].append(c)

    n = 0
    for b in branches:
        head = [communities.get(b.grid_code[:12], ""), b.grid.name, b.name,
                _names(to_branch[b.pk])]  # fmt: skip
        for g in groups_of[b.pk] or [None]:  # type: ignore[list-item]
            mid = [g.name, _names(to_group[g.pk])] if g else ["", ""]
            for c in (centrals_of[g.pk] if g else []) or [None]:  # type: ignore[list-item]
                if c is None:
                    low: list[Any] = ["", "", ""]
                    chains: list[Any] = [None]
                else:
                    low = [_names(to_central[c.pk]), c.label, phones.of(c.keeper)]
                    chains = [link.target_member for link in to_member[c.pk]] or [None]
                for m in chains:
                    homes = [link.target_household for link in to_household[m.pk]] if m else []
                    n += 1
                    yield [n, *head, *mid, *low,
                           m.name if m else "", phones.of(m),
                           len(homes) if m else "",
                           "、".join(h.address for h in homes if h)]  # fmt: skip


def _workbook(body: Iterator[list[Any]]) -> bytes:
    """Title row, header row, then the rows; write-only, every value neutralised."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.freeze_panes = "A3"
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    title = WriteOnlyCell(ws, value=TITLE)
    title.font = HEAD_FONT
    ws.append([title])
    head = []
    for h in HEADERS:
        cell = WriteOnlyCell(ws, value=h)
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
        head.append(cell)
    ws.append(head)
    for row in body:
        ws.append([neutralise(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export(
    *, actor: Any, grid: str = "", reason: str = "", channel: str = "export"
) -> tuple[bytes, int]:
    """The roster of the branches under `grid` the actor may see. Returns (file, rows)."""
    if not Grid.objects.filter(scope_q(actor, "code")).exists():
        raise Forbidden(_("You hold no role on any grid yet. Ask an administrator to assign you."))
    if grid and not in_scope(actor, grid):
        raise NotFound(_("No grid with code %(code)s.") % {"code": grid}, field="grid")
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
    phones = _Phones(actor, reason, channel)
    body = list(rows(actor, grid, phones))
    with transaction.atomic():
        data = _workbook(iter(body))
        AccessLog.objects.bulk_create(list(phones.logs.values()))
        audit.record(
            actor=actor, action="party.roster.export", object_type="export",
            object_key=timezone.now().strftime("%Y%m%d%H%M%S"),
            after={"rows": len(body), "unmasked": len(phones.logs), "grid": grid,
                   "channel": channel},
        )  # fmt: skip
    return data, len(body)
