"""/api/v1/registry/residents: find, read, add, correct, move — the matrix and exact answers."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from gridgov.core.lib import crypto, idnumbers
from gridgov.core.models import AuditEntry
from gridgov.registry import services
from gridgov.registry.models import Household, Resident, ResidentEvent

pytestmark = pytest.mark.django_db

A1, A2, B1 = "640402001001001", "640402001001002", "640402002001001"
URL = "/api/v1/registry/residents"
ZHANG_ID = idnumbers.make("640402", dt.date(1980, 5, 1), 11)
NEW_ID = idnumbers.make("640402", dt.date(1990, 3, 15), 33)


@pytest.fixture(scope="module")
def reg(cast: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        r = SimpleNamespace()

        def household(grid: str, address: str) -> Household:
            return services.register_household(
                actor=cast.admin, grid_code=grid, address=address, household_type="unit"
            )

        def person(h: Household, name: str, birth: dt.date, seq: int, **extra: Any) -> Resident:
            data = services.ResidentIn(
                name=name, id_number=idnumbers.make("640402", birth, seq), **extra
            )
            return services.add_resident(
                actor=cast.admin, household=h, data=data, date=dt.date(2020, 1, 2)
            )

        r.h1, r.h2 = household(A1, "幸福路1号"), household(A2, "幸福路2号")
        r.h3, r.hb = household(A1, "和平街5号"), household(B1, "乙社区1号")
        r.zhang = person(r.h1, "张三", dt.date(1980, 5, 1), 11, relation="head",
                         phone="13912345678")  # fmt: skip
        r.li = person(r.h1, "李四", dt.date(1982, 7, 9), 22, relation="spouse")
        r.wang = person(
            r.h2, "王五", dt.date(1975, 1, 1), 13, relation="head",
            residence_status="floating", floating_until=dt.date(2030, 1, 1),
        )  # fmt: skip
        r.zhao = person(r.hb, "赵六", dt.date(1960, 2, 2), 15, relation="head")
        r.qian = person(r.h3, "钱七", dt.date(1950, 3, 3), 17, relation="head")
        services.move_resident(actor=cast.admin, resident=r.qian, to=None,
                               date=dt.date(2023, 3, 1))  # fmt: skip
        services.add_tag(actor=cast.admin, kind="elderly_alone", start=dt.date(2024, 1, 1),
                         resident=r.zhang)  # fmt: skip
        services.add_tag(actor=cast.admin, kind="hardship", start=dt.date(2024, 1, 1),
                         household=r.h1)  # fmt: skip
        services.add_tag(actor=cast.admin, kind="unemployed", start=dt.date(2024, 1, 1),
                         end=dt.date(2024, 6, 1), resident=r.li)  # fmt: skip
        yield r
        transaction.set_rollback(True)


def api(cast: Any, who: str | None) -> Client:
    if who is None:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}")


def send(client: Client, url: str, body: Any, method: str = "post") -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def error(r: Any) -> tuple[int, str, str | None]:
    return r.status_code, r.json()["code"], r.json()["field"]


def names(r: Any) -> list[str]:
    assert r.status_code == 200, r.json()
    return [x["name"] for x in r.json()["items"]]


def world(reg: Any) -> tuple[Any, ...]:
    """What a refused write must leave as it was."""
    counts = [Household.objects.get(pk=h.pk).member_count for h in (reg.h1, reg.h2, reg.h3)]
    rows = list(Resident.objects.order_by("id").values_list(
        "id", "household_id", "status", "name", "phone_hash", "id_number_hash"))  # fmt: skip
    return counts, rows, ResidentEvent.objects.count(), AuditEntry.objects.count()


# Find


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("worker_a1", ["张三", "李四"]),
        ("head_a", ["张三", "李四", "王五"]),
        ("worker_b1", ["赵六"]),
        ("nobody", []),
    ],
)
def test_it_lists_only_residents_in_scope(cast: Any, reg: Any, who: str, expected: list) -> None:
    assert names(api(cast, who).get(URL)) == expected
    assert api(cast, None).get(URL).status_code == 401


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "zs"}, ["张三"]),
        ({"q": "zhang"}, ["张三"]),
        ({"q": "张"}, ["张三"]),
        ({"q": ZHANG_ID}, ["张三"]),
        ({"q": "13912345678"}, ["张三"]),
        ({"q": "5678"}, ["张三"]),
        ({"q": idnumbers.make("640402", dt.date(1982, 7, 9), 22)[-4:]}, ["李四"]),
        ({"grid": A2}, ["王五"]),
        ({"tag": "elderly_alone"}, ["张三"]),
        ({"tag": "hardship"}, ["张三", "李四"]),  # a household's tag covers its members
        ({"tag": "unemployed"}, []),  # ended
        ({"residence_status": "floating"}, ["王五"]),
        ({"status": "moved_out"}, ["钱七"]),
        ({"status": "all"}, ["张三", "李四", "王五", "钱七"]),
        ({"address": "幸福路1"}, ["张三", "李四"]),
        ({"address": "幸福路", "grid": A1, "q": "ls"}, ["李四"]),
    ],
)
def test_it_filters_like_the_resident_page(
    cast: Any, reg: Any, query: dict, expected: list
) -> None:
    head = api(cast, "head_a")
    found = head.post(f"{URL}/search", json.dumps(query), content_type="application/json")
    assert names(found) == expected
    whole = len(query.get("q", "")) >= 7 and query["q"][:-1].isdigit()
    if whole:  # a whole ID number or phone never goes into a URL
        assert error(head.get(URL, query)) == (422, "number_in_url", "q")
    else:
        assert names(head.get(URL, query)) == expected


def test_it_shows_each_resident_masked(cast: Any, reg: Any) -> None:
    body = api(cast, "worker_a1").get(URL, {"q": "zs"}).json()
    assert body == {
        "count": 1,
        "items": [
            {
                "public_id": str(reg.zhang.public_id),
                "name": "张三",
                "sex": "m",
                "birth_date": "1980-05-01",
                "id_masked": f"6404**********{ZHANG_ID[-4:]}",
                "phone_masked": "139****5678",
                "relation": "head",
                "household": str(reg.h1.public_id),
                "grid_code": A1,
                "residence_status": "registered",
                "status": "active",
                "tags": ["elderly_alone", "hardship"],
            }
        ],
    }


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ({"tag": "vip"}, "invalid", "tag"),
        ({"status": "gone"}, "invalid", "status"),
        ({"residence_status": "x"}, "invalid", "residence_status"),
        ({"q": "12"}, "query_too_short", "q"),
        ({"limit": 0}, "invalid", "limit"),
        ({"offset": "x"}, "invalid", "offset"),
    ],
)
def test_it_rejects_bad_filters(cast: Any, reg: Any, query: dict, code: str, field: str) -> None:
    assert error(api(cast, "head_a").get(URL, query)) == (422, code, field)


def test_it_pages_and_lists_in_a_constant_number_of_queries(
    cast: Any, reg: Any, django_assert_num_queries: Any
) -> None:
    head = api(cast, "head_a")
    head.get(URL)  # the token's last use is written once a minute: not in the count
    # The token, the assignments, the capped count, the page (household joined), the
    # residents' open tags, their households' open tags.
    with django_assert_num_queries(6):
        assert names(head.get(URL, {"limit": 200, "status": "all"})) == [
            "张三", "李四", "王五", "钱七"]  # fmt: skip
    with django_assert_num_queries(6):
        body = head.get(URL, {"limit": 1, "offset": 1}).json()
    assert (body["count"], [x["name"] for x in body["items"]]) == (3, ["李四"])


# Read


@pytest.mark.parametrize(
    ("who", "status"), [(None, 401), ("nobody", 404), ("worker_b1", 404), ("worker_a1", 200)]
)
def test_it_reads_a_resident_only_in_scope(cast: Any, reg: Any, who: str, status: int) -> None:
    assert api(cast, who).get(f"{URL}/{reg.zhang.public_id}").status_code == status


def test_it_shows_history_and_tags(cast: Any, reg: Any) -> None:
    body = api(cast, "head_a").get(f"{URL}/{reg.qian.public_id}").json()
    assert (body["status"], body["household"], body["address"]) == ("moved_out", None, None)
    events = [(e["kind"], e["date"], e["from_household"], e["to_household"], e["actor"])
              for e in body["events"]]  # fmt: skip
    h3 = str(reg.h3.public_id)
    assert events == [
        ("move_in", "2020-01-02", None, h3, "admin"),
        ("move_out", "2023-03-01", h3, None, "admin"),
    ]
    zhang = api(cast, "head_a").get(f"{URL}/{reg.zhang.public_id}").json()
    assert sorted((t["kind"], t["resident"] is None) for t in zhang["tags"]) == [
        ("elderly_alone", False), ("hardship", True)]  # fmt: skip
    assert (zhang["address"], zhang["document_type"], zhang["party_member"]) == (
        "幸福路1号", "resident_id", False)  # fmt: skip


# Add


def person(**extra: Any) -> dict[str, Any]:
    return {"name": "孙八", "id_number": NEW_ID, "relation": "child", "phone": "0954-1234567",
            "date": "2024-05-01", **extra}  # fmt: skip


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("nobody", 404), ("worker_b1", 404), ("dispatcher", 403), ("admin_a", 403)],
)
def test_it_refuses_to_add_without_scope_or_right(
    cast: Any, reg: Any, who: Any, status: int
) -> None:
    before = world(reg)
    r = send(api(cast, who), URL, person(household=str(reg.h1.public_id)))
    assert r.status_code == status
    assert world(reg) == before


def test_it_adds_a_resident_and_counts_them(cast: Any, reg: Any) -> None:
    r = send(api(cast, "worker_a1"), URL, person(household=str(reg.h1.public_id)))
    assert r.status_code == 201
    sun = Resident.objects.get(name="孙八")
    body = r.json()
    assert (body["public_id"], body["id_masked"], body["phone_masked"]) == (
        str(sun.public_id), f"6404**********{NEW_ID[-4:]}", "095****4567")  # fmt: skip
    assert (body["sex"], body["birth_date"], body["household"]) == (
        "m", "1990-03-15", str(reg.h1.public_id))  # fmt: skip
    assert [(e["kind"], e["date"], e["actor"]) for e in body["events"]] == [
        ("move_in", "2024-05-01", "worker_a1")]  # fmt: skip
    assert Household.objects.get(pk=reg.h1.pk).member_count == 3
    assert crypto.decrypt(sun.id_number_enc) == NEW_ID


@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        ({"id_number": NEW_ID[:17] + ("0" if NEW_ID[17] != "0" else "1")},
         "invalid_id_number", "id_number"),  # wrong GB 11643 check digit
        ({"id_number": idnumbers.make("640402", dt.date(2999, 1, 1), 1)},
         "invalid_id_number", "id_number"),  # born in the future
        ({"document_type": "passport", "id_number": "E12345678", "sex": "f",
          "birth_date": "2999-01-01"}, "birth_date_future", "birth_date"),
        ({"document_type": "passport", "id_number": "E12345678", "sex": "f"},
         "birth_date_required", "birth_date"),
        ({"residence_status": "foreign", "document_type": "passport", "id_number": "E1234567",
          "birth_date": "1990-01-01", "sex": "f"}, "nationality_required", "nationality"),
        ({"phone": "12345"}, "invalid_phone", "phone"),
        ({"name": ""}, "invalid", "name"),
        ({"name": "  "}, "invalid", "name"),  # blank once normalised
        ({"relation": "cousin"}, "invalid", "relation"),
        ({"birth_date": "1990-02-30"}, "invalid", "birth_date"),
        ({"household": "00000000-0000-0000-0000-000000000000"}, "not_found", "household"),
    ],
)  # fmt: skip
def test_it_rejects_bad_residents_naming_the_field(
    cast: Any, reg: Any, extra: dict, code: str, field: str
) -> None:
    before = world(reg)
    r = send(api(cast, "worker_a1"), URL, person(**{"household": str(reg.h1.public_id), **extra}))
    assert error(r) == (404 if code == "not_found" else 422, code, field)
    assert world(reg) == before


@pytest.mark.parametrize(("who_id", "code"), [(ZHANG_ID, "already_registered"),
                                              ("qian", "known_person")])  # fmt: skip
def test_it_never_puts_a_person_in_two_households(
    cast: Any, reg: Any, who_id: str, code: str
) -> None:
    number = idnumbers.make("640402", dt.date(1950, 3, 3), 17) if who_id == "qian" else who_id
    before = world(reg)
    r = send(api(cast, "head_a"), URL, person(household=str(reg.h2.public_id), id_number=number))
    assert error(r) == (409, code, "id_number")
    assert world(reg) == before
    assert Resident.objects.filter(id_number_hash=crypto.lookup_hash(number)).count() == 1


# Correct


def fields(**extra: Any) -> dict[str, Any]:
    return {"name": "张三丰", "relation": "head", "party_member": True, **extra}


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("nobody", 404), ("worker_b1", 404), ("dispatcher", 403), ("admin_a", 403)],
)
def test_it_refuses_to_correct_without_scope_or_right(
    cast: Any, reg: Any, who: Any, status: int
) -> None:
    before = world(reg)
    r = send(api(cast, who), f"{URL}/{reg.zhang.public_id}", fields(), "put")
    assert r.status_code == status
    assert world(reg) == before


def test_it_corrects_keeping_what_was_not_sent(cast: Any, reg: Any) -> None:
    r = send(api(cast, "worker_a1"), f"{URL}/{reg.zhang.public_id}", fields(), "put")
    assert r.status_code == 200
    zhang = Resident.objects.get(pk=reg.zhang.pk)
    assert (zhang.name, zhang.name_initials, zhang.party_member) == ("张三丰", "zsf", True)
    assert (crypto.decrypt(zhang.id_number_enc), crypto.decrypt(zhang.phone_enc)) == (
        ZHANG_ID, "13912345678")  # fmt: skip
    assert r.json()["phone_masked"] == "139****5678"
    assert not ResidentEvent.objects.filter(resident=zhang, kind="correction").exists()


def test_it_corrects_an_id_number_and_clears_a_phone(cast: Any, reg: Any) -> None:
    body = fields(id_number=NEW_ID, phone="")
    r = send(api(cast, "worker_a1"), f"{URL}/{reg.zhang.public_id}", body, "put")
    assert r.status_code == 200
    assert (r.json()["id_masked"], r.json()["phone_masked"], r.json()["birth_date"]) == (
        f"6404**********{NEW_ID[-4:]}", "", "1990-03-15")  # fmt: skip
    assert r.json()["events"][-1]["kind"] == "correction"
    assert Resident.objects.get(pk=reg.zhang.pk).phone_enc == ""


def test_it_refuses_another_residents_id_number(cast: Any, reg: Any) -> None:
    before = world(reg)
    body = fields(id_number=ZHANG_ID)
    r = send(api(cast, "worker_a1"), f"{URL}/{reg.li.public_id}", body, "put")
    assert error(r) == (409, "already_registered", "id_number")
    assert world(reg) == before


# Move


def move(cast: Any, who: Any, resident: Resident, **body: Any) -> Any:
    url = f"{URL}/{resident.public_id}/move"
    return send(api(cast, who), url, {"date": "2024-06-01", **body})


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        (None, "h2", 401),
        ("nobody", "h2", 404),
        ("worker_b1", "hb", 404),  # the resident is out of scope
        ("worker_a1", "h2", 404),  # the target household is out of scope
        ("dispatcher", "h2", 403),
    ],
)
def test_it_refuses_to_move_without_scope_or_right(
    cast: Any, reg: Any, who: Any, target: str, status: int
) -> None:
    before = world(reg)
    r = move(cast, who, reg.li, to=str(getattr(reg, target).public_id), kind="transfer")
    assert r.status_code == status
    if (who, status) == ("worker_a1", 404):
        assert r.json()["field"] == "to"
    assert world(reg) == before


def test_it_moves_member_counts_with_the_resident(cast: Any, reg: Any) -> None:
    r = move(cast, "head_a", reg.li, to=str(reg.h2.public_id), note="婚后另住")
    assert r.status_code == 200
    assert (r.json()["household"], r.json()["grid_code"]) == (str(reg.h2.public_id), A2)
    assert r.json()["events"][-1] == {
        "kind": "transfer", "date": "2024-06-01", "from_household": str(reg.h1.public_id),
        "to_household": str(reg.h2.public_id), "note": "婚后另住", "actor": "head_a",
        "at": r.json()["events"][-1]["at"]}  # fmt: skip
    counts = [Household.objects.get(pk=h.pk).member_count for h in (reg.h1, reg.h2)]
    assert counts == [1, 2]
    assert services.check_member_counts("640402") == []


@pytest.mark.parametrize(("kind", "status"), [("move_out", "moved_out"), ("death", "deceased")])
def test_it_moves_out_or_records_a_death(cast: Any, reg: Any, kind: str, status: str) -> None:
    r = move(cast, "worker_a1", reg.li, kind=kind)
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["household"]) == (status, None)
    assert Household.objects.get(pk=reg.h1.pk).member_count == 1
    # Gone from the active list, kept in the register.
    assert names(api(cast, "worker_a1").get(URL)) == ["张三"]


def test_it_moves_a_moved_out_person_back_in_not_out_again(cast: Any, reg: Any) -> None:
    before = world(reg)
    assert error(move(cast, "head_a", reg.qian, kind="move_out")) == (409, "not_active", None)
    assert world(reg) == before
    r = move(cast, "worker_a1", reg.qian, to=str(reg.h1.public_id))
    assert (r.status_code, r.json()["status"], r.json()["events"][-1]["kind"]) == (
        200, "active", "move_in")  # fmt: skip
    assert [Household.objects.get(pk=h.pk).member_count for h in (reg.h1, reg.h3)] == [3, 0]


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"kind": "transfer"}, "target_required", "to"),
        ({"kind": "death", "to": "h2"}, "unexpected_target", "to"),
        ({"to": "h1"}, "same_household", "to"),
        ({"to": "h3", "date": (timezone.localdate() + dt.timedelta(days=2)).isoformat()},
         "date_future", "date"),
        ({"kind": "move_in", "to": "h3"}, "invalid", "kind"),
        ({"to": "h3", "date": None}, "invalid", "date"),
    ],
)  # fmt: skip
def test_it_rejects_bad_moves(cast: Any, reg: Any, body: dict, code: str, field: str) -> None:
    before = world(reg)
    if "to" in body:
        body["to"] = str(getattr(reg, body["to"]).public_id)
    assert error(move(cast, "head_a", reg.li, **body)) == (422, code, field)
    assert world(reg) == before
