"""The contact roster (包挂联系花名册) as xlsx: its shape (title, Chinese headers, one row
per link chain), scope and grid filter, masking (full phones only with the right and a
reason, logged), one audit entry per export, the page and the command line."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from gridgov.conftest import log_in
from gridgov.core.errors import ServiceError
from gridgov.core.models import AuditEntry
from gridgov.party import roster
from gridgov.registry.models import AccessLog

pytestmark = pytest.mark.django_db


def rows(data: bytes) -> list[list[Any]]:
    ws = load_workbook(io.BytesIO(data), read_only=True).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_it_writes_the_plans_table_one_row_per_chain(cast: Any, net: Any) -> None:
    data, n = roster.export(actor=cast.head_a)
    sheet = rows(data)
    assert sheet[0][0] == "党组织网格化管理服务工作包挂联系花名册"
    assert sheet[1] == roster.HEADERS
    assert sheet[1][:4] == ["序号", "社区(村)", "网格", "网格党支部"]
    # Community A's branch: one central household linking 党乙 and 党丙, so two chains.
    assert n == 2 and len(sheet) == 4
    first = sheet[2]
    assert first == [
        1, "甲社区", "甲社区第1网格", "甲社区第1网格党支部", "党甲", "第一党小组", "党乙",
        "党丙", "党甲", "139****0001", "党乙", "139****0002", 12,
        "、".join(f"甲社区第1网格{i}号" for i in range(10, 22)),
    ]  # fmt: skip
    assert sheet[3][10:13] == ["党丙", "139****0003", 3]


def test_it_keeps_to_the_scope_and_the_grid(cast: Any, net: Any) -> None:
    _data, n = roster.export(actor=cast.worker_b1)
    sheet = rows(_data)
    # B1's branch has no group: one row, blank to the right of its name.
    assert n == 1
    assert sheet[2][:6] == [1, "乙社区", "乙社区第1网格", "乙社区第1网格党支部", None, None]
    assert roster.export(actor=cast.admin, grid=cast.b1.code)[1] == 1
    with pytest.raises(ServiceError) as e:
        roster.export(actor=cast.worker_b1, grid=cast.a1.code)
    assert e.value.status == 404
    with pytest.raises(ServiceError) as e:
        roster.export(actor=cast.nobody)
    assert e.value.status == 403


def test_it_unmasks_phones_only_with_the_right_and_a_reason(cast: Any, net: Any) -> None:
    before = AccessLog.objects.count()
    with pytest.raises(ServiceError) as e:
        roster.export(actor=cast.worker_a1, reason="走访联系")  # no personal.reveal
    assert e.value.status == 403
    assert AccessLog.objects.count() == before
    data, _n = roster.export(actor=cast.head_a, reason="走访联系")
    sheet = rows(data)
    assert sheet[2][9] == "13900000001" and sheet[2][11] == "13900000002"
    # One log per person shown in full (党甲 appears twice, logged once).
    logs = AccessLog.objects.filter(actor=cast.head_a, reason="走访联系", field="phone")
    assert sorted(logs.values_list("resident__name", flat=True)) == ["党丙", "党乙", "党甲"]


def test_it_records_one_audit_entry_per_export(cast: Any, net: Any) -> None:
    before = AuditEntry.objects.filter(action="party.roster.export").count()
    roster.export(actor=cast.head_a, grid=cast.a1.code)
    entry = AuditEntry.objects.filter(action="party.roster.export").order_by("-id").first()
    assert AuditEntry.objects.filter(action="party.roster.export").count() == before + 1
    assert entry is not None and entry.actor == cast.head_a
    assert entry.after == {"rows": 2, "unmasked": 0, "grid": cast.a1.code, "channel": "export"}


def test_it_downloads_from_the_page_by_post(cast: Any, net: Any) -> None:
    c = log_in(Client(), cast.head_a)
    assert c.get("/party/roster.xlsx").status_code == 405
    r = c.post("/party/roster.xlsx", {"grid": cast.a1.code})
    assert r.status_code == 200
    assert rows(r.content)[2][3] == "甲社区第1网格党支部"
    assert "attachment" in r["Content-Disposition"]
    assert c.post("/party/roster.xlsx", {"reason": " "}).status_code == 200  # blank: masked
    assert (
        log_in(Client(), cast.worker_a1).post("/party/roster.xlsx", {"reason": "核查"}).status_code
        == 403
    )


def test_it_exports_from_the_command_line(cast: Any, net: Any, tmp_path: Path) -> None:
    out = tmp_path / "roster.xlsx"
    call_command("party_roster", "--grid", cast.a1.code, "-o", str(out))
    assert rows(out.read_bytes())[2][10] == "党乙"
    entry = AuditEntry.objects.filter(action="party.roster.export").order_by("-id").first()
    assert entry is not None and entry.actor is None and entry.after["channel"] == "cli"
    with pytest.raises(CommandError):
        call_command("party_roster", "--reason", "x", "-o", str(out))
    with pytest.raises(CommandError):
        call_command("party_roster", "--user", "worker_b1", "--grid", cast.a1.code, "-o", str(out))


def test_it_writes_a_formula_as_text(cast: Any, net: Any) -> None:
    from gridgov.party import services

    services.create_org(actor=cast.admin, kind="group", name='=HYPERLINK("http://x","点我")',
                        grid=cast.a1, parent=net.branch)  # fmt: skip
    sheet = rows(roster.export(actor=cast.head_a)[0])
    assert [r[5] for r in sheet[2:] if "HYPERLINK" in str(r[5])] == [
        '\'=HYPERLINK("http://x","点我")'
    ]
