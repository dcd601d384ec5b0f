"""The import engine (registry.imports): every row checked first, one transaction, batched
writes, idempotent re-imports, one audit entry per job, events for moves-in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

from gridgov.core.models import AuditEntry
from gridgov.registry import imports, services
from gridgov.registry.models import Household, ImportJob, Resident, ResidentEvent
from gridgov.registry.tests.sheets import (
    A1,
    A2,
    household,
    households_file,
    id_number,
    opened,
    resident,
    residents_file,
    wrong_check_digit,
)

pytestmark = pytest.mark.django_db

HOME = "甲社区第1网格0号"  # a household of grid A1 in the cast
OTHER = "甲社区第1网格1号"


@pytest.fixture(scope="module")
def reg(cast: SimpleNamespace, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    """People already registered in A2: one living there, one moved out, one deceased."""
    with django_db_blocker.unblock(), transaction.atomic():
        home_a2 = Household.objects.get(grid_code=A2, address="甲社区第2网格0号")

        def add(n: int, name: str) -> Resident:
            data = services.ResidentIn(name=name, id_number=id_number(n), relation="head")
            return services.add_resident(actor=cast.admin, household=home_a2, data=data)

        r = SimpleNamespace(home_a2=home_a2, living=add(500, "李四"))
        r.moved = services.move_resident(
            actor=cast.admin, resident=add(501, "王五"), to=None, date=dt.date(2024, 1, 1)
        )
        r.dead = services.move_resident(
            actor=cast.admin, resident=add(502, "赵六"), to=None, date=dt.date(2024, 1, 1),
            kind="death",
        )  # fmt: skip
        yield r
        transaction.set_rollback(True)


def run(actor: Any, data: bytes, kind: str = "residents", mode: str = "all") -> ImportJob:
    job = imports.create_job(actor=actor, kind=kind, mode=mode, filename="t.xlsx", data=data)
    return imports.run_job(job.pk)


def three() -> bytes:
    return residents_file([
        resident(name="张三", number=id_number(1)),
        resident(name="张小三", relation="子女", number=id_number(2), phone=""),
        resident(name="陈七", address=OTHER, number=id_number(3), phone="0954-2012345"),
    ])  # fmt: skip


def problems(job: ImportJob) -> list[tuple[int, str]]:
    return [(e["row"], e["column"]) for e in job.errors]


def test_it_imports_residents_with_events_counts_and_one_audit_entry(cast: Any, reg: Any) -> None:
    job = run(cast.worker_a1, three())

    assert (job.status, job.total_rows, job.error_rows) == ("done", 3, 0)
    assert job.counts == {"created": 3, "updated": 0, "moved_in": 0, "unchanged": 0,
                          "households_created": 0, "rejected": 0}  # fmt: skip
    zhang = Resident.objects.get(name="张三")
    assert (zhang.grid_code, zhang.household.address, zhang.relation) == (A1, HOME, "head")
    assert (zhang.name_pinyin, zhang.name_initials, zhang.sex) == ("zhangsan", "zs", "f")  # seq 002
    assert zhang.id_masked == id_number(1)[:4] + "*" * 10 + id_number(1)[-4:]
    assert zhang.phone_masked == "139****5678" and "13912345678" not in zhang.phone_enc
    assert Household.objects.get(grid_code=A1, address=HOME).member_count == 2
    assert Household.objects.get(grid_code=A1, address=OTHER).member_count == 1
    assert ResidentEvent.objects.filter(kind="move_in", note="import",
                                        resident__grid_code=A1).count() == 3  # fmt: skip
    entry = AuditEntry.objects.get(action="residents.import")
    assert (entry.actor, entry.object_key) == (cast.worker_a1, str(job.public_id))
    assert entry.after["created"] == 3 and entry.after["rows"] == 3
    assert job.content_enc == "" and job.error_file_enc == ""  # the upload is not kept


def test_it_changes_nothing_when_the_same_file_comes_again(cast: Any, reg: Any) -> None:
    run(cast.worker_a1, three())
    before = list(Resident.objects.order_by("id").values_list("id", "updated_at", "phone_enc"))
    events = ResidentEvent.objects.count()

    job = run(cast.worker_a1, three())

    assert job.status == "done"
    assert (job.counts["created"], job.counts["updated"], job.counts["unchanged"]) == (0, 0, 3)
    assert list(Resident.objects.order_by("id").values_list("id", "updated_at", "phone_enc")) \
        == before  # fmt: skip
    assert ResidentEvent.objects.count() == events
    assert Household.objects.get(grid_code=A1, address=HOME).member_count == 2


def test_it_updates_a_changed_row_in_place(cast: Any, reg: Any) -> None:
    run(cast.worker_a1, three())
    changed = residents_file([resident(name="张三", number=id_number(1), phone="13800000000",
                                       党员="是")])  # fmt: skip

    job = run(cast.worker_a1, changed)

    assert (job.counts["updated"], job.counts["created"]) == (1, 0)
    zhang = Resident.objects.get(name="张三")
    assert (zhang.phone_masked, zhang.party_member) == ("138****0000", True)
    assert Household.objects.get(grid_code=A1, address=HOME).member_count == 2


def test_it_rejects_the_whole_file_for_one_bad_row_and_names_row_and_column(
    cast: Any, reg: Any
) -> None:
    future = idnumbers_with_birth(dt.date.today() + dt.timedelta(days=400))
    data = residents_file([
        resident(name="好人", number=id_number(10)),                      # row 2: fine
        resident(name="错号", number=wrong_check_digit(id_number(11))),   # row 3
        resident(name="未生", number=future),                             # row 4
        resident(name="重甲", number=id_number(12)),                      # row 5
        resident(name="重乙", number=id_number(12)),                      # row 6
        resident(name="李四", number=id_number(500)),                     # row 7: lives in A2
        resident(name="关系", relation="邻居", number=id_number(13)),     # row 8
        resident(name="电话", number=id_number(14), phone="12345"),      # row 9
        resident(grid="640402001001009", number=id_number(15)),          # row 10
    ])  # fmt: skip
    audits, people = AuditEntry.objects.count(), Resident.objects.count()

    job = run(cast.worker_a1, data)

    assert job.status == "rejected"
    assert problems(job) == [
        (3, "证件号码"), (4, "证件号码"), (5, "证件号码"), (6, "证件号码"), (7, "证件号码"),
        (8, "与户主关系"), (9, "联系电话"), (10, "网格编码"),
    ]  # fmt: skip
    assert job.error_rows == 8 and job.counts == {}
    assert (AuditEntry.objects.count(), Resident.objects.count()) == (audits, people)
    assert job.errors[2]["message"] == job.errors[3]["message"].replace("5", "6")
    # zh-hans
    assert job.errors[0]["message"] == "身份证号码校验位错误。"
    sheet = opened(imports.unseal(job.error_file_enc)).worksheets[0]
    assert sheet.cell(row=3, column=9).comment.text == job.errors[0]["message"]
    assert sheet.cell(row=3, column=9).fill.start_color.rgb == "00FFC7CE"
    assert sheet.cell(row=1, column=17).value == "错误"
    assert sheet.cell(row=2, column=17).value is None
    assert sheet.cell(row=8, column=17).value.startswith("与户主关系：")


def idnumbers_with_birth(birth: dt.date) -> str:
    from gridgov.core.lib import idnumbers

    return idnumbers.make("640402", birth, 7)


def test_it_saves_the_valid_rows_when_asked_and_returns_the_rest(cast: Any, reg: Any) -> None:
    data = residents_file([
        resident(name="好人", number=id_number(20)),
        resident(name="错号", number=wrong_check_digit(id_number(21))),
        resident(name="好人二", number=id_number(22), address=OTHER),
    ])  # fmt: skip

    job = run(cast.worker_a1, data, mode="valid")

    assert (job.status, job.counts["created"], job.counts["rejected"]) == ("done", 2, 1)
    assert set(Resident.objects.filter(grid_code=A1).values_list("name", flat=True)) == {
        "好人", "好人二"
    }  # fmt: skip
    rest = opened(imports.unseal(job.error_file_enc)).worksheets[0]
    assert rest.max_row == 2
    assert [rest.cell(row=2, column=i).value for i in (6, 17)] == ["错号", 3]
    assert rest.cell(row=1, column=18).value == "错误"
    assert rest.cell(row=2, column=9).comment is not None


def test_it_moves_in_a_person_who_had_moved_out_and_refuses_the_dead(cast: Any, reg: Any) -> None:
    data = residents_file([resident(name="王五", number=id_number(501))])
    job = run(cast.head_a, data)
    assert (job.status, job.counts["moved_in"], job.counts["created"]) == ("done", 1, 0)
    wang = Resident.objects.get(pk=reg.moved.pk)
    assert (wang.status, wang.grid_code, wang.household.address) == ("active", A1, HOME)
    event = ResidentEvent.objects.filter(resident=wang).latest("id")
    assert (event.kind, event.to_household_id, event.actor) == ("move_in", wang.household_id,
                                                                cast.head_a)  # fmt: skip

    dead = run(cast.head_a, residents_file([resident(name="赵六", number=id_number(502))]))
    assert (dead.status, problems(dead)) == ("rejected", [(2, "证件号码")])
    assert Resident.objects.get(pk=reg.dead.pk).status == "deceased"


def test_it_refuses_grids_out_of_scope_and_saves_nothing(cast: Any, reg: Any) -> None:
    people = Resident.objects.count()
    job = run(cast.worker_b1, three())
    assert job.status == "rejected"
    assert problems(job) == [(2, "网格编码"), (3, "网格编码"), (4, "网格编码")]
    assert Resident.objects.count() == people


def test_it_creates_a_household_only_when_its_type_is_given(cast: Any, reg: Any) -> None:
    data = residents_file([
        resident(address="新楼1号", room="101", household_type="物业小区", number=id_number(30)),
        resident(address="新楼1号", room="101", relation="配偶", number=id_number(31)),
        resident(address="无户", number=id_number(32)),
    ])  # fmt: skip
    job = run(cast.worker_a1, data, mode="valid")
    assert (job.counts["created"], job.counts["households_created"]) == (2, 1)
    assert problems(job) == [(4, "地址")]
    new = Household.objects.get(grid_code=A1, address="新楼1号", room="101")
    assert (new.household_type, new.member_count) == ("property_managed", 2)


def test_it_imports_households_by_grid_address_unit_and_room(cast: Any, reg: Any) -> None:
    data = households_file([
        household(address="新村1号", unit="1", room="101", floor=1),
        household(address="新村1号", unit="1", room="102", household_type="物业小区"),
        household(address=HOME, household_type="自治院落"),
    ])  # fmt: skip
    job = run(cast.worker_a1, data, kind="households")
    assert job.counts == {"created": 2, "updated": 1, "unchanged": 0, "rejected": 0}
    assert Household.objects.get(grid_code=A1, address=HOME).household_type == "self_governing"
    again = run(cast.worker_a1, data, kind="households")
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    assert Household.objects.filter(grid_code=A1, address="新村1号").count() == 2


def test_it_refuses_the_same_household_twice_and_unknown_values(cast: Any, reg: Any) -> None:
    data = households_file([
        household(address="新村2号"), household(address="新村2号"),
        household(address="新村3号", household_type="别墅", floor="十"),
        household(address="新村4号", building="640402001001001099999"),
    ])  # fmt: skip
    job = run(cast.worker_a1, data, kind="households")
    assert job.status == "rejected"
    assert problems(job) == [(2, "地址"), (3, "地址"), (4, "楼层"), (4, "户类型"), (5, "楼栋编码")]
    assert not Household.objects.filter(address__startswith="新村").exists()


def test_it_rolls_everything_back_when_a_write_fails(
    cast: Any, reg: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    insert = imports.insert

    def broken(model: Any, objs: Any) -> None:
        if model is ResidentEvent:  # the last write: households and residents are in
            raise RuntimeError("disk full")
        insert(model, objs)

    monkeypatch.setattr(imports, "insert", broken)
    data = residents_file([resident(address="新楼2号", household_type="单位院落",
                                    number=id_number(40))])  # fmt: skip
    households, people = Household.objects.count(), Resident.objects.count()

    job = run(cast.worker_a1, data)

    assert (job.status, job.counts) == ("failed", {})
    assert (Household.objects.count(), Resident.objects.count()) == (households, people)
    assert not AuditEntry.objects.filter(action="residents.import").exists()


def test_it_runs_a_job_once_whoever_else_claims_it(cast: Any, reg: Any) -> None:
    job = run(cast.worker_a1, three())
    assert imports.run_job(job.pk).counts == job.counts  # already done: not run again
    assert AuditEntry.objects.filter(action="residents.import").count() == 1


def test_it_purges_old_error_workbooks_and_fails_jobs_whose_worker_died(
    cast: Any, reg: Any
) -> None:
    from django.utils import timezone

    old = run(cast.worker_a1, residents_file([resident(number=wrong_check_digit(id_number(50)))]))
    assert old.error_file_enc != ""
    stuck = imports.create_job(actor=cast.worker_a1, kind="residents", mode="all",
                               filename="s.xlsx", data=three())  # fmt: skip
    long_ago = timezone.now() - dt.timedelta(days=8)
    ImportJob.objects.filter(pk=old.pk).update(finished_at=long_ago)
    ImportJob.objects.filter(pk=stuck.pk).update(status="writing", heartbeat_at=long_ago)

    assert imports.purge() == (1, 1)

    old.refresh_from_db()
    stuck.refresh_from_db()
    assert (old.status, old.error_file_enc) == ("rejected", "")
    assert (stuck.status, stuck.content_enc, stuck.finished_at is not None) == ("failed", "", True)
    assert imports.purge() == (0, 0)
