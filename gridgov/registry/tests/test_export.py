"""Export of the resident list to xlsx: the list's filters, scope, masking, unmasking with
the right and a reason (AccessLog per row), formula neutralising; the page and the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client

from gridgov.core.models import AuditEntry
from gridgov.registry import services
from gridgov.registry.models import AccessLog, Household
from gridgov.registry.tests.sheets import A1, A2, B1, id_number, opened

pytestmark = pytest.mark.django_db
URL = "/registry/imports/export/residents.xlsx"


@pytest.fixture(scope="module")
def people(cast: SimpleNamespace, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():

        def add(grid: str, n: int, name: str, phone: str = "13912345678") -> Any:
            home = Household.objects.filter(grid_code=grid).order_by("id").first()
            data = services.ResidentIn(name=name, id_number=id_number(n), relation="head",
                                       phone=phone)  # fmt: skip
            return services.add_resident(actor=cast.admin, household=home, data=data)

        p = SimpleNamespace(
            zhang=add(A1, 1, "张三"), evil=add(A1, 2, "=HYPERLINK(\"http://x\",\"点我\")", ""),
            li=add(A2, 3, "李四"), wang=add(B1, 4, "王五"),
        )  # fmt: skip
        yield p
        transaction.set_rollback(True)


def client(user: Any = None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def rows(response: Any) -> list[list[Any]]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = opened(b"".join(response.streaming_content) if response.streaming else response.content)
    return [[c.value for c in r] for r in sheet.worksheets[0].iter_rows()]


def test_it_refuses_anonymous_no_right_and_out_of_scope(cast: Any, people: Any) -> None:
    audits = AuditEntry.objects.count()
    assert client().post(URL)["Location"].startswith("/login/")
    assert client(cast.nobody).post(URL).status_code == 403
    assert client(cast.worker_b1).post(URL, {"grid": A1}).status_code == 404
    assert client(cast.worker_a1).post(URL, {"tag": "nonsense"}).status_code == 422
    assert client(cast.worker_a1).get(URL).status_code == 405  # an export is never a link
    assert AuditEntry.objects.count() == audits  # nothing exported, nothing recorded


def test_it_exports_the_visible_filtered_residents_masked(cast: Any, people: Any) -> None:
    got = rows(client(cast.worker_a1).post(URL))
    assert got[0][:9] == ["网格编码", "地址", "单元", "房号", "户类型", "姓名", "与户主关系",
                          "证件类型", "证件号码"]  # fmt: skip
    assert got[0][-1] == "状态"
    names = [r[5] for r in got[1:]]
    assert names == ['\'=HYPERLINK("http://x","点我")', "张三"]  # A1 only, by name
    zhang = got[2]
    assert zhang[8] == people.zhang.id_masked and zhang[11] == "139****5678"
    assert (zhang[0], zhang[6], zhang[7], zhang[15], zhang[16]) == (
        A1, "户主", "居民身份证", "否", "在住")  # fmt: skip
    entry = AuditEntry.objects.get(action="resident.export")
    assert (entry.actor, entry.after["rows"], entry.after["unmasked"]) == (cast.worker_a1, 2, 0)
    assert AccessLog.objects.count() == 0

    head = rows(client(cast.head_a).post(URL, {"q": "ls"}))
    assert [r[5] for r in head[1:]] == ["李四"]  # the list's search: pinyin initials


def test_it_unmasks_for_the_right_with_a_reason_and_logs_each_row(cast: Any, people: Any) -> None:
    response = client(cast.head_a).post(f"{URL}?grid={A1}", {"reason": "核对户籍"})
    got = rows(response)
    assert got[2][8] == id_number(1) and got[2][11] == "13912345678"
    logs = AccessLog.objects.order_by("resident_id")
    assert [(log.actor, log.resident, log.field, log.reason, log.channel) for log in logs] == [
        (cast.head_a, people.zhang, "id_number,phone", "核对户籍", "export"),
        (cast.head_a, people.evil, "id_number,phone", "核对户籍", "export"),
    ]  # fmt: skip
    assert AuditEntry.objects.get(action="resident.export").after["unmasked"] == 2


def test_it_refuses_to_unmask_without_the_right_or_a_reason(cast: Any, people: Any) -> None:
    assert client(cast.worker_a1).post(URL, {"reason": "核对户籍"}).status_code == 403
    assert client(cast.head_a).post(URL, {"reason": " "}).status_code == 422
    assert client(cast.head_a).post(URL, {"reason": "x"}).status_code == 422
    assert AccessLog.objects.count() == 0
    assert not AuditEntry.objects.filter(action="resident.export").exists()


def test_it_exports_from_the_command_line(cast: Any, people: Any, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    call_command("export_registry", "residents", "--grid", B1, "-o", str(out), stdout=None)
    sheet = opened(out.read_bytes()).worksheets[0]
    assert [c.value for c in sheet["F"]][1:] == ["王五"]
    assert sheet["I2"].value == people.wang.id_masked

    call_command("export_registry", "residents", "--grid", A2, "--user", "head_a",
                 "--reason", "入户走访", "-o", str(out))  # fmt: skip
    assert opened(out.read_bytes()).worksheets[0]["I2"].value == id_number(3)
    assert AccessLog.objects.get().channel == "cli"
    with pytest.raises(CommandError):
        call_command("export_registry", "residents", "--reason", "入户走访", "-o", str(out))
