"""The tags import (registry.imports, kind "tags"): attention tags on residents (by ID
number) and households (by household number), checked first, idempotent, in scope only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from gridgov.core.lib import crypto
from gridgov.core.models import AuditEntry
from gridgov.registry import imports, services
from gridgov.registry.models import Household, ImportJob, Resident, Tag
from gridgov.registry.tests.sheets import (
    A1,
    B1,
    id_number,
    opened,
    tag,
    tags_file,
    wrong_check_digit,
)

pytestmark = pytest.mark.django_db


def not_a_resident() -> str:
    """The refusal of an unknown ID number, as a job in Simplified Chinese gives it."""
    with translation.override("zh-hans"):
        return gettext("No resident with this ID number is registered in your area.")


@pytest.fixture(scope="module")
def reg(cast: SimpleNamespace, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    """Two people and a household in A1, one who moved out of A1, one person and a household
    in B1 (outside worker_a1's area)."""
    with django_db_blocker.unblock(), transaction.atomic():
        home = Household.objects.get(grid_code=A1, address="甲社区第1网格0号")
        far = Household.objects.get(grid_code=B1, address="乙社区第1网格0号")

        def add(n: int, name: str, household: Household) -> Resident:
            data = services.ResidentIn(name=name, id_number=id_number(n), relation="head")
            return services.add_resident(actor=cast.admin, household=household, data=data)

        r = SimpleNamespace(home=home, far=far, zhang=add(600, "张老", home),
                            li=add(601, "李残", home),
                            outsider=add(602, "乙居民", far))  # fmt: skip
        r.moved = services.move_resident(
            actor=cast.admin, resident=add(603, "王迁", home), to=None, date=dt.date(2024, 1, 1)
        )
        yield r
        transaction.set_rollback(True)


def run(actor: Any, data: bytes, mode: str = "all") -> ImportJob:
    job = imports.create_job(actor=actor, kind="tags", mode=mode, filename="t.xlsx", data=data)
    return imports.run_job(job.pk)


def problems(job: ImportJob) -> list[tuple[int, str]]:
    return [(e["row"], e["column"]) for e in job.errors]


def four(reg: Any, end: str = "2025-03-01") -> bytes:
    return tags_file([
        tag(number=id_number(600), kind="困难家庭", 救助类型="低保", 姓名="张老"),
        tag(number=id_number(601), kind="残疾人", start=dt.date(2023, 5, 1), 残疾类别="肢体",
            残疾等级=2),
        tag(household=reg.home.public_id, kind="困难家庭", start="2024/03/01", 结束日期=end),
        tag(number=id_number(600), kind="独居老人", 紧急联系人="王某",
            紧急联系人电话="13900001234"),
    ])  # fmt: skip


def test_it_imports_tags_on_residents_and_households_with_one_audit_entry(
    cast: Any, reg: Any
) -> None:
    job = run(cast.worker_a1, four(reg))

    assert (job.status, job.total_rows, job.error_rows) == ("done", 4, 0)
    assert job.counts == {"created": 4, "updated": 0, "unchanged": 0, "rejected": 0}
    hardship = Tag.objects.get(resident=reg.zhang, kind="hardship")
    assert (hardship.start, hardship.end, hardship.details, hardship.grid_code) == (
        dt.date(2024, 1, 1), None, {"assistance": "minimum_living"}, A1,
    )  # fmt: skip
    assert Tag.objects.get(resident=reg.li).details == {"category": "physical", "grade": "2"}
    on_home = Tag.objects.get(household=reg.home)
    assert (on_home.kind, on_home.start, on_home.end) == (
        "hardship", dt.date(2024, 3, 1), dt.date(2025, 3, 1),
    )  # fmt: skip
    alone = Tag.objects.get(resident=reg.zhang, kind="elderly_alone").details
    assert (alone["emergency_contact"], alone["emergency_contact_phone"]) == ("王某", "139****1234")
    assert crypto.decrypt(alone["emergency_contact_phone_enc"]) == "13900001234"
    entry = AuditEntry.objects.get(action="tags.import")
    assert (entry.actor, entry.object_key) == (cast.worker_a1, str(job.public_id))
    assert (entry.after["created"], entry.after["rows"]) == (4, 4)


def test_it_changes_nothing_when_the_same_file_comes_again(cast: Any, reg: Any) -> None:
    run(cast.worker_a1, four(reg))
    before = list(Tag.objects.order_by("id").values_list("id", "updated_at", "end", "details"))

    job = run(cast.worker_a1, four(reg))

    assert job.status == "done"
    assert job.counts == {"created": 0, "updated": 0, "unchanged": 4, "rejected": 0}
    assert list(Tag.objects.order_by("id").values_list("id", "updated_at", "end", "details")) \
        == before  # fmt: skip
    assert AuditEntry.objects.filter(action="tags.import").count() == 2


def test_it_updates_the_end_date_of_the_same_tag_in_place(cast: Any, reg: Any) -> None:
    run(cast.worker_a1, four(reg))
    ids = sorted(Tag.objects.values_list("id", flat=True))

    job = run(cast.worker_a1, four(reg, end="2024-12-31"))

    assert job.counts == {"created": 0, "updated": 1, "unchanged": 3, "rejected": 0}
    assert sorted(Tag.objects.values_list("id", flat=True)) == ids
    assert Tag.objects.get(household=reg.home).end == dt.date(2024, 12, 31)


def bad(reg: Any) -> bytes:
    li = id_number(601)
    return tags_file([
        tag(number=id_number(600)),                                           # 2: fine
        tag(number=id_number(990)),                                           # 3: nobody
        tag(number=wrong_check_digit(id_number(600))),                        # 4
        tag(number=id_number(600), household=reg.home.public_id),             # 5: both
        tag(number=id_number(600), kind="富裕户"),                            # 6
        tag(number=id_number(600), kind="独居老人", 结束日期="2023-01-01"),   # 7
        tag(number=id_number(600), kind="空巢老人", start="2024-13-01"),      # 8
        tag(number=id_number(600), kind="失业人员", 残疾等级=1),              # 9
        tag(number=li, kind="残疾人", 残疾等级=5),                            # 10
        tag(number=li, kind="留守儿童", start="2020-09-01"),                  # 11
        tag(number=li, kind="留守儿童", start="2020/9/1"),                    # 12
        tag(number=id_number(603)),                                           # 13: moved out
        tag(household="00000000-0000-4000-8000-000000000000"),                # 14
        tag(number=li, kind="特殊人群", 姓名="张老"),                         # 15
        tag(household="abc"),                                                 # 16
        tag(number="", kind="困难家庭"),                                      # 17
    ])  # fmt: skip


def test_it_names_each_bad_cell_and_saves_nothing(cast: Any, reg: Any) -> None:
    audits = AuditEntry.objects.count()

    job = run(cast.worker_a1, bad(reg))

    assert job.status == "rejected" and job.counts == {}
    assert problems(job) == [
        (3, "身份证号"), (4, "身份证号"), (5, "户编号"), (6, "标签类型"), (7, "结束日期"),
        (8, "开始日期"), (9, "残疾等级"), (10, "残疾等级"), (11, "标签类型"), (12, "标签类型"),
        (13, "身份证号"), (14, "户编号"), (15, "姓名"), (16, "户编号"), (17, "身份证号"),
    ]  # fmt: skip
    assert job.error_rows == 15
    assert (Tag.objects.count(), AuditEntry.objects.count()) == (0, audits)
    messages = {e["row"]: e["message"] for e in job.errors}
    assert messages[3] == not_a_resident()
    assert messages[4] == "身份证号码校验位错误。"
    assert messages[7] == "标签的截止日期不能早于起始日期。"
    assert messages[9] == "失业人员 标签没有字段 残疾等级。"
    assert messages[11] == messages[12].replace("11", "12") != messages[12]
    sheet = opened(imports.unseal(job.error_file_enc)).worksheets[0]
    assert sheet.cell(row=9, column=9).comment.text == messages[9]  # I: 残疾等级
    assert sheet.cell(row=9, column=9).fill.start_color.rgb == "00FFC7CE"
    assert sheet.cell(row=1, column=20).value == "错误"


def test_it_saves_the_valid_rows_when_asked(cast: Any, reg: Any) -> None:
    job = run(cast.worker_a1, bad(reg), mode="valid")

    assert job.status == "done"
    assert job.counts == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 15}
    assert Tag.objects.get().resident == reg.zhang
    assert opened(imports.unseal(job.error_file_enc)).worksheets[0].max_row == 16


def test_it_treats_people_and_households_outside_the_area_as_unknown(cast: Any, reg: Any) -> None:
    data = tags_file([
        tag(number=id_number(602)),                  # lives in B1
        tag(household=reg.far.public_id),            # in B1
        tag(number=id_number(991)),                  # registered nowhere
        tag(household="00000000-0000-4000-8000-000000000000"),
    ])  # fmt: skip
    audits = AuditEntry.objects.count()

    job = run(cast.worker_a1, data)

    assert (job.status, problems(job)) == (
        "rejected", [(2, "身份证号"), (3, "户编号"), (4, "身份证号"), (5, "户编号")],
    )  # fmt: skip
    messages = [e["message"] for e in job.errors]
    assert messages[0] == messages[2] == not_a_resident()
    assert messages[1] == messages[3]
    assert (Tag.objects.count(), AuditEntry.objects.count()) == (0, audits)
    # The outsider's own worker may.
    assert run(cast.worker_b1, tags_file([tag(number=id_number(602))])).counts["created"] == 1
