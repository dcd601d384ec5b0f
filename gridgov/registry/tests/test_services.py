"""gridgov.registry.services: residents, moves, tags, organisations and components."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from gridgov.core.errors import ServiceError
from gridgov.core.lib import idnumbers, uscc
from gridgov.core.models import AuditEntry
from gridgov.registry import services
from gridgov.registry.models import (
    Component,
    Household,
    Organisation,
    Resident,
    ResidentEvent,
    Tag,
)

pytestmark = pytest.mark.django_db

A1, A2, B1 = "640402001001001", "640402001001002", "640402002001001"
DAY = dt.date(2024, 3, 1)
ZHANG = idnumbers.make("640402", dt.date(1980, 5, 1), 11)  # odd sequence: a man
NEW = idnumbers.make("640402", dt.date(1992, 2, 29), 24)  # even: a woman
CREDIT = uscc.make("91640402MA7" + "6X2B3Y")


@pytest.fixture(scope="module")
def reg(cast: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        r = SimpleNamespace()
        r.h1 = services.register_household(
            actor=cast.admin, grid_code=A1, address="幸福路1号", household_type="unit"
        )
        r.h2 = services.register_household(
            actor=cast.admin, grid_code=A2, address="幸福路2号", household_type="unit"
        )
        r.hb = services.register_household(
            actor=cast.admin, grid_code=B1, address="乙社区1号", household_type="unit"
        )
        r.zhang = services.add_resident(
            actor=cast.admin, household=r.h1,
            data=services.ResidentIn(name="张三", id_number=ZHANG, relation="head"),
        )  # fmt: skip
        yield r
        transaction.set_rollback(True)


def state() -> tuple[Any, ...]:
    return (
        Resident.objects.count(),
        list(Household.objects.filter(member_count__gt=0).values_list("id", "member_count")),
        AuditEntry.objects.count(),
        ResidentEvent.objects.count(),
        Tag.objects.count(),
    )


def refusal(call: Any) -> ServiceError:
    before = state()
    with pytest.raises(ServiceError) as e:
        call()
    assert state() == before
    return e.value


def person(id_number: str = NEW, **extra: Any) -> services.ResidentIn:
    return services.ResidentIn(
        name=extra.pop("name", "王芳"), id_number=id_number, relation="spouse", **extra
    )


def h(reg: Any, name: str) -> Household:
    return Household.objects.get(pk=getattr(reg, name).pk)


# add_resident


def test_it_derives_birth_date_and_sex_from_the_id_number(cast: Any, reg: Any) -> None:
    r = services.add_resident(
        actor=cast.worker_a1, household=reg.h1, data=person(phone="139 1234 5678")
    )
    r = Resident.objects.get(pk=r.pk)
    assert (r.birth_date, r.sex, r.grid_code) == (dt.date(1992, 2, 29), "f", A1)
    assert (r.name_pinyin, r.name_initials) == ("wangfang", "wf")
    assert (r.id_masked, r.id_tail) == (NEW[:4] + "*" * 10 + NEW[-4:], NEW[-4:])
    assert (r.phone_masked, r.phone_tail) == ("139****5678", "5678")
    assert NEW not in r.id_number_enc
    assert h(reg, "h1").member_count == 2
    assert services.check_member_counts() == []
    event = ResidentEvent.objects.get(resident=r)
    assert (event.kind, event.to_household_id, event.actor_id) == (
        "move_in", reg.h1.pk, cast.worker_a1.pk,
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="resident.create", object_key=str(r.public_id))
    # The audit trail holds masked values only.
    assert entry.after["id"] == r.id_masked and NEW not in str(entry.after)


def test_it_refuses_a_wrong_check_digit(cast: Any, reg: Any) -> None:
    wrong = NEW[:17] + ("0" if NEW[17] != "0" else "1")
    e = refusal(
        lambda: services.add_resident(actor=cast.admin, household=reg.h1, data=person(wrong))
    )
    assert (e.code, e.field, e.status) == ("invalid_id_number", "id_number", 422)


def test_it_refuses_an_id_number_born_in_the_future(cast: Any, reg: Any) -> None:
    future = idnumbers.make("640402", timezone.localdate() + dt.timedelta(days=1), 12)
    e = refusal(
        lambda: services.add_resident(actor=cast.admin, household=reg.h1, data=person(future))
    )
    assert (e.code, e.field, e.status) == ("invalid_id_number", "id_number", 422)


def test_it_refuses_a_future_birth_date_typed_for_a_passport(cast: Any, reg: Any) -> None:
    data = person(
        "E12345678", document_type="passport", residence_status="foreign", nationality="日本",
        birth_date=timezone.localdate() + dt.timedelta(days=1), sex="m",
    )  # fmt: skip
    e = refusal(lambda: services.add_resident(actor=cast.admin, household=reg.h1, data=data))
    assert (e.code, e.field, e.status) == ("birth_date_future", "birth_date", 422)


def test_it_refuses_a_person_active_in_another_household(cast: Any, reg: Any) -> None:
    # The same number, typed in lower case and with spaces, is the same person.
    data = person(f" {ZHANG.lower()} ", name="张三")
    e = refusal(lambda: services.add_resident(actor=cast.admin, household=reg.h2, data=data))
    assert (e.code, e.field, e.status) == ("already_registered", "id_number", 409)
    assert (h(reg, "h1").member_count, h(reg, "h2").member_count) == (1, 0)


@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        ({"name": " "}, "name_required", "name"),
        ({"relation": "cousin"}, "invalid_relation", "relation"),
        ({"phone": "12345"}, "invalid_phone", "phone"),
        ({"residence_status": "foreign", "nationality": "日本"}, "invalid_document_type",
         "document_type"),
    ],
)  # fmt: skip
def test_it_refuses_bad_fields_naming_them(
    cast: Any, reg: Any, extra: dict[str, str], code: str, field: str
) -> None:
    data = person(**{k: v for k, v in extra.items() if k != "relation"})
    if "relation" in extra:
        data.relation = extra["relation"]
    e = refusal(lambda: services.add_resident(actor=cast.admin, household=reg.h1, data=data))
    assert (e.code, e.field, e.status) == (code, field, 422)


def test_it_keeps_a_long_name_within_its_search_keys(cast: Any, reg: Any) -> None:
    r = services.add_resident(actor=cast.admin, household=reg.h1, data=person(name="张" * 50))
    r = Resident.objects.get(pk=r.pk)
    assert (len(r.name_pinyin), len(r.name_initials)) == (120, 20)


@pytest.mark.parametrize(
    ("who", "status"), [("worker_b1", 404), ("nobody", 404), ("dispatcher", 403), ("auditor", 403)]
)
def test_it_refuses_to_add_without_the_right_here(
    cast: Any, reg: Any, who: str, status: int
) -> None:
    actor = getattr(cast, who)
    e = refusal(lambda: services.add_resident(actor=actor, household=reg.h1, data=person()))
    assert e.status == status


def test_it_lets_the_community_head_add_into_any_of_its_grids(cast: Any, reg: Any) -> None:
    r = services.add_resident(actor=cast.head_a, household=reg.h2, data=person())
    assert (r.grid_code, h(reg, "h2").member_count) == (A2, 1)


# move_resident


def test_it_moves_a_resident_and_both_member_counts(cast: Any, reg: Any) -> None:
    r = services.move_resident(actor=cast.head_a, resident=reg.zhang, to=reg.h2, date=DAY)
    assert (r.household_id, r.grid_code, r.status) == (reg.h2.pk, A2, "active")
    assert (h(reg, "h1").member_count, h(reg, "h2").member_count) == (0, 1)
    assert services.check_member_counts() == []
    event = ResidentEvent.objects.filter(resident=r).latest("id")
    assert (event.kind, event.from_household_id, event.to_household_id, event.date) == (
        "transfer", reg.h1.pk, reg.h2.pk, DAY,
    )  # fmt: skip


def test_it_records_a_move_out_and_a_death(cast: Any, reg: Any) -> None:
    r = services.move_resident(actor=cast.admin, resident=reg.zhang, to=None, date=DAY)
    assert (r.household_id, r.status, h(reg, "h1").member_count) == (None, "moved_out", 0)
    other = services.add_resident(actor=cast.admin, household=reg.h2, data=person())
    dead = services.move_resident(actor=cast.admin, resident=other, to=None, date=DAY, kind="death")
    assert (dead.household_id, dead.status, h(reg, "h2").member_count) == (None, "deceased", 0)
    assert services.check_member_counts() == []
    kinds = list(
        ResidentEvent.objects.filter(date=DAY).order_by("id").values_list("kind", flat=True)
    )
    assert kinds == ["move_out", "death"]


def test_it_moves_a_person_who_left_back_in(cast: Any, reg: Any) -> None:
    services.move_resident(actor=cast.admin, resident=reg.zhang, to=None, date=DAY)
    r = services.move_resident(actor=cast.admin, resident=reg.zhang, to=reg.hb, date=DAY)
    assert (r.status, r.grid_code) == ("active", B1)
    assert (h(reg, "h1").member_count, h(reg, "hb").member_count) == (0, 1)
    assert services.check_member_counts() == []
    # Registering the same person again is refused: they are known.
    services.move_resident(actor=cast.admin, resident=r, to=None, date=DAY)
    data = person(ZHANG, name="张三")
    e = refusal(lambda: services.add_resident(actor=cast.admin, household=reg.h1, data=data))
    assert (e.code, e.status) == ("known_person", 409)


def test_it_refuses_moves_it_cannot_make(cast: Any, reg: Any) -> None:
    def move(actor: Any, to: Household | None, date: dt.date = DAY) -> Any:
        return lambda: services.move_resident(actor=actor, resident=reg.zhang, to=to, date=date)

    assert refusal(move(cast.worker_a1, reg.hb)).status == 404  # target out of scope
    assert refusal(move(cast.worker_b1, reg.hb)).status == 404  # resident out of scope
    assert refusal(move(cast.dispatcher, reg.h2)).status == 403
    assert refusal(move(cast.admin, reg.h1)).code == "same_household"
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert refusal(move(cast.admin, reg.h2, tomorrow)).code == "date_future"
    assert services.check_member_counts() == []


# tags


def test_it_tags_with_the_fields_of_the_tag_kind(cast: Any, reg: Any) -> None:
    tag = services.add_tag(
        actor=cast.worker_a1, kind="disability", start=DAY, resident=reg.zhang,
        details={"category": "visual", "grade": 2},
    )  # fmt: skip
    tag = Tag.objects.get(pk=tag.pk)
    assert tag.details == {"category": "visual", "grade": "2"}
    assert (tag.grid_code, tag.reviewed_at) == (A1, timezone.localdate())
    hh = services.add_tag(actor=cast.admin, kind="hardship", start=DAY, household=reg.h1,
                          details={"assistance": "minimum_living"})  # fmt: skip
    assert (hh.household_id, hh.resident_id) == (reg.h1.pk, None)


@pytest.mark.parametrize(
    ("kind", "details", "code", "field"),
    [
        ("disability", {"grade": "5"}, "invalid_detail", "details.grade"),
        ("disability", {"colour": "red"}, "invalid_detail", "details.colour"),
        ("unemployed", {"registered": "maybe"}, "invalid_detail", "details.registered"),
        ("hardship", {"guardian": "x"}, "invalid_detail", "details.guardian"),
        # A certificate number is the holder's ID number: no field takes it in clear.
        (
            "disability",
            {"certificate": "64040219800501001X41"},
            "invalid_detail",
            "details.certificate",
        ),
        (
            "elderly_alone",
            {"emergency_contact": "王某 13900001234"},
            "number_in_text",
            "details.emergency_contact",
        ),
        (
            "elderly_alone",
            {"emergency_contact_phone": "1390000"},
            "invalid_phone",
            "details.emergency_contact_phone",
        ),
        ("royalty", {}, "invalid_tag", "kind"),
    ],
)
def test_it_refuses_tag_fields_of_another_kind_or_value(
    cast: Any, reg: Any, kind: str, details: dict[str, str], code: str, field: str
) -> None:
    e = refusal(lambda: services.add_tag(
        actor=cast.admin, kind=kind, start=DAY, resident=reg.zhang, details=details
    ))  # fmt: skip
    assert (e.code, e.field, e.status) == (code, field, 422)


def test_it_refuses_a_tag_that_ends_before_it_starts_or_has_no_subject(cast: Any, reg: Any) -> None:
    e = refusal(lambda: services.add_tag(
        actor=cast.admin, kind="unemployed", start=DAY, resident=reg.zhang,
        end=DAY - dt.timedelta(days=1),
    ))  # fmt: skip
    assert (e.code, e.field) == ("end_before_start", "end")
    e = refusal(lambda: services.add_tag(actor=cast.admin, kind="unemployed", start=DAY))
    assert (e.code, e.field) == ("subject_required", "subject")
    e = refusal(lambda: services.add_tag(actor=cast.worker_b1, kind="unemployed", start=DAY,
                                         resident=reg.zhang))  # fmt: skip
    assert e.status == 404


# organisations and components


def test_it_registers_an_organisation_with_a_valid_credit_code(cast: Any, reg: Any) -> None:
    org = services.register_organisation(
        actor=cast.worker_a1, grid_code=A1, name="固原某公司", kind="enterprise",
        credit_code=CREDIT.lower(), phone="13912345678",
    )  # fmt: skip
    org = Organisation.objects.get(pk=org.pk)
    assert (org.credit_code, org.phone_masked, org.grid_code) == (CREDIT, "139****5678", A1)
    e = refusal(lambda: services.register_organisation(
        actor=cast.admin, grid_code=A2, name="另一家", kind="enterprise", credit_code=CREDIT
    ))  # fmt: skip
    assert (e.code, e.field, e.status) == ("duplicate_credit_code", "credit_code", 409)


def test_it_refuses_a_wrong_credit_code(cast: Any, reg: Any) -> None:
    wrong = CREDIT[:17] + ("0" if CREDIT[17] != "0" else "1")
    before = Organisation.objects.count()
    for code in (wrong, CREDIT[:17], CREDIT[:9] + "I" + CREDIT[10:]):
        e = refusal(lambda code=code: services.register_organisation(
            actor=cast.admin, grid_code=A1, name="某公司", kind="enterprise", credit_code=code
        ))  # fmt: skip
        assert (e.code, e.field, e.status) == ("invalid_credit_code", "credit_code", 422)
    assert Organisation.objects.count() == before


def test_it_registers_a_component_with_its_classes(cast: Any, reg: Any) -> None:
    c = services.register_component(actor=cast.worker_a1, grid_code=A1, code="6404020102000017",
                                    name="井盖", lon=106.05, lat=36.1)  # fmt: skip
    c = Component.objects.get(pk=c.pk)
    assert (c.major, c.minor, c.grid_code) == ("01", "02", A1)
    e = refusal(lambda: services.register_component(
        actor=cast.admin, grid_code=A2, code="6404020102000017", name="x", lon=106.15, lat=36.1
    ))  # fmt: skip
    assert (e.code, e.field, e.status) == ("duplicate_code", "code", 409)


@pytest.mark.parametrize(
    "code", ["640402010200001", "640402010200001A", "6404220102000017", "6404020002000017"]
)
def test_it_refuses_a_bad_component_id(cast: Any, reg: Any, code: str) -> None:
    e = refusal(lambda: services.register_component(
        actor=cast.admin, grid_code=A1, code=code, name="井盖", lon=106.05, lat=36.1
    ))  # fmt: skip
    assert (e.code, e.field, e.status) == ("invalid_component_code", "code", 422)
    assert Component.objects.count() == 0


def test_it_refuses_to_register_outside_scope_or_above_grid_level(cast: Any, reg: Any) -> None:
    def org(actor: Any, grid: str) -> Any:
        return lambda: services.register_organisation(
            actor=actor, grid_code=grid, name="某公司", kind="enterprise"
        )

    assert refusal(org(cast.worker_b1, A1)).status == 404
    assert refusal(org(cast.auditor, A1)).status == 403
    assert refusal(org(cast.admin, "640402001001")).code == "not_a_grid"
