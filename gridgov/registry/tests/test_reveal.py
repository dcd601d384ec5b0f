"""gridgov.registry.services.reveal: unmasking needs its own right and a reason, and is logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

from gridgov.core.errors import ServiceError
from gridgov.core.lib import idnumbers
from gridgov.core.models import AuditEntry
from gridgov.registry import services
from gridgov.registry.models import AccessLog

pytestmark = pytest.mark.django_db

A1, B1 = "640402001001001", "640402002001001"
ZHANG = idnumbers.make("640402", dt.date(1980, 5, 1), 11)
PHONE = "13912345678"


@pytest.fixture(scope="module")
def reg(cast: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        r = SimpleNamespace()
        h1 = services.register_household(
            actor=cast.admin, grid_code=A1, address="幸福路1号", household_type="unit"
        )
        r.zhang = services.add_resident(
            actor=cast.admin, household=h1,
            data=services.ResidentIn(name="张三", id_number=ZHANG, relation="head", phone=PHONE),
        )  # fmt: skip
        r.li = services.add_resident(
            actor=cast.admin, household=h1,
            data=services.ResidentIn(
                name="李四", id_number=idnumbers.make("640402", dt.date(1982, 1, 1), 22),
                relation="spouse",
            ),
        )  # fmt: skip
        yield r
        transaction.set_rollback(True)


def refused(actor: Any, resident: Any, field: str = "id_number", reason: str = "核实身份") -> Any:
    before = (AccessLog.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ServiceError) as e:
        services.reveal(actor=actor, resident=resident, field=field, reason=reason)
    assert (AccessLog.objects.count(), AuditEntry.objects.count()) == before
    return e.value


def test_it_reveals_the_id_number_to_a_grid_head_and_logs_it(cast: Any, reg: Any) -> None:
    shown = services.reveal(
        actor=cast.head_a, resident=reg.zhang, field="id_number", reason=" 核实低保申请 ",
        channel="api",
    )  # fmt: skip
    assert shown == ZHANG
    log = AccessLog.objects.get()
    assert (log.actor_id, log.resident_id, log.grid_code, log.field, log.reason, log.channel) == (
        cast.head_a.pk, reg.zhang.pk, A1, "id_number", "核实低保申请", "api",
    )  # fmt: skip
    # The log itself holds no personal data.
    assert ZHANG not in str(AccessLog.objects.values().get())


def test_it_reveals_a_phone_and_logs_each_reading(cast: Any, reg: Any) -> None:
    for _ in range(2):
        assert services.reveal(actor=cast.admin, resident=reg.zhang, field="phone",
                               reason="联系本人") == PHONE  # fmt: skip
    assert list(AccessLog.objects.values_list("field", "actor_id")) == [
        ("phone", cast.admin.pk), ("phone", cast.admin.pk),
    ]  # fmt: skip


def test_it_reveals_an_empty_phone_as_empty(cast: Any, reg: Any) -> None:
    assert services.reveal(actor=cast.head_a, resident=reg.li, field="phone", reason="联系") == ""
    assert AccessLog.objects.count() == 1


def test_it_cuts_a_long_reason_to_two_hundred_characters(cast: Any, reg: Any) -> None:
    services.reveal(actor=cast.head_a, resident=reg.zhang, field="phone", reason="因" * 300)
    assert AccessLog.objects.get().reason == "因" * 200


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("nobody", 404),  # no assignment at all
        ("worker_b1", 404),  # out of scope
        ("worker_a1", 403),  # in scope, may edit, may not unmask
        ("admin_a", 403),
        ("dispatcher", 403),
        ("auditor", 403),
    ],
)
def test_it_refuses_those_without_the_right_here(
    cast: Any, reg: Any, who: str, status: int
) -> None:
    e = refused(getattr(cast, who), reg.zhang)
    assert (e.status, e.code) == (status, "not_found" if status == 404 else "forbidden")


def test_it_refuses_anonymous_users(cast: Any, reg: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert refused(AnonymousUser(), reg.zhang).status == 404


@pytest.mark.parametrize("reason", ["", "  ", "x"])
def test_it_refuses_without_a_reason(cast: Any, reg: Any, reason: str) -> None:
    e = refused(cast.head_a, reg.zhang, reason=reason)
    assert (e.code, e.field, e.status) == ("reason_required", "reason", 422)


def test_it_refuses_fields_that_are_not_masked(cast: Any, reg: Any) -> None:
    e = refused(cast.head_a, reg.zhang, field="name")
    assert (e.code, e.field, e.status) == ("invalid_field", "field", 422)
