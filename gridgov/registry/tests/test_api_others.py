"""/api/v1/registry: reveal and the access log, tags, places, components, organisations."""

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

from gridgov.core.lib import components, idnumbers, uscc
from gridgov.core.models import AuditEntry
from gridgov.registry import services
from gridgov.registry.models import AccessLog, Component, Organisation, Place, Tag

pytestmark = pytest.mark.django_db

A1, B1 = "640402001001001", "640402002001001"
ZHANG_ID = idnumbers.make("640402", dt.date(1980, 5, 1), 11)
CREDIT = uscc.make("91640402MA76ABC12")
COMPONENT = components.make("640402", "01", "03", 7)


@pytest.fixture(scope="module")
def reg(cast: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    from gridgov.accounts.models import ApiToken, Assignment, User

    with django_db_blocker.unblock(), transaction.atomic():
        r = SimpleNamespace()
        r.auditor_b = User.objects.create_user("auditor_b", password="pw")
        Assignment.objects.create(user=r.auditor_b, grid=cast.street_b, role="auditor")
        r.tokens = {u.username: ApiToken.issue(u, "test")[1] for u in (cast.auditor, r.auditor_b)}
        r.h1 = services.register_household(
            actor=cast.admin, grid_code=A1, address="幸福路1号", household_type="unit"
        )
        r.hb = services.register_household(
            actor=cast.admin, grid_code=B1, address="和平路9号", household_type="unit"
        )

        def person(h: Any, name: str, number: str, phone: str = "") -> Any:
            data = services.ResidentIn(name=name, id_number=number, relation="head", phone=phone)
            return services.add_resident(actor=cast.admin, household=h, data=data)

        r.zhang = person(r.h1, "张三", ZHANG_ID, "13912345678")
        r.zhao = person(r.hb, "赵六", idnumbers.make("640402", dt.date(1960, 2, 2), 15))
        r.log_a = AccessLog.objects.create(
            actor=cast.head_a, resident=r.zhang, grid_code=A1, field="id_number", reason="核对身份"
        )
        r.log_b = AccessLog.objects.create(
            actor=cast.admin, resident=r.zhao, grid_code=B1, field="phone", reason="上门走访",
            channel="api",
        )  # fmt: skip
        at = timezone.make_aware(dt.datetime(2024, 3, 10, 9, 30))
        AccessLog.objects.filter(pk=r.log_a.pk).update(at=at)
        AccessLog.objects.filter(pk=r.log_b.pk).update(at=at + dt.timedelta(days=5))
        r.tag = services.add_tag(actor=cast.admin, kind="elderly_alone",
                                 start=dt.date(2024, 1, 1), resident=r.zhang)  # fmt: skip
        for grid, suffix in ((A1, "甲"), (B1, "乙")):
            services.register_place(actor=cast.admin, grid_code=grid, name=f"{suffix}便利店",
                                    kind="shop", address="幸福路")  # fmt: skip
            services.register_organisation(actor=cast.admin, grid_code=grid,
                                           name=f"{suffix}物业公司", kind="enterprise",
                                           phone="13800001111")  # fmt: skip
        services.register_component(actor=cast.admin, grid_code=A1, code=COMPONENT,
                                    name="井盖", lon=106.05, lat=36.2)  # fmt: skip
        yield r
        transaction.set_rollback(True)


def api(cast: Any, reg: Any, who: str | None) -> Client:
    if who is None:
        return Client()
    token = cast.tokens.get(who) or reg.tokens[who]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def error(r: Any) -> tuple[int, str, str | None]:
    return r.status_code, r.json()["code"], r.json()["field"]


# Reveal


def reveal_url(resident: Any) -> str:
    return f"/api/v1/registry/residents/{resident.public_id}/reveal"


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("nobody", 404), ("worker_b1", 404), ("worker_a1", 403), ("dispatcher", 403)],
)
def test_it_refuses_to_reveal_without_the_right(cast: Any, reg: Any, who: Any, status: int) -> None:
    before = AccessLog.objects.count()
    r = post(api(cast, reg, who), reveal_url(reg.zhang), {"field": "phone", "reason": "回访"})
    assert r.status_code == status
    assert "13912345678" not in r.content.decode()
    assert AccessLog.objects.count() == before


@pytest.mark.parametrize(("field", "value"), [("id_number", ZHANG_ID), ("phone", "13912345678")])
def test_it_reveals_and_logs_exactly_once(cast: Any, reg: Any, field: str, value: str) -> None:
    before = set(AccessLog.objects.values_list("pk", flat=True))
    r = post(
        api(cast, reg, "head_a"), reveal_url(reg.zhang), {"field": field, "reason": "核实低保"}
    )
    assert (r.status_code, r.json()) == (200, {"value": value})
    assert r.headers["Cache-Control"] == "no-store"
    row = AccessLog.objects.exclude(pk__in=before).get()
    assert (row.actor, row.resident, row.field, row.reason, row.channel, row.grid_code) == (
        cast.head_a, reg.zhang, field, "核实低保", "api", A1)  # fmt: skip


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"field": "id_number", "reason": " x "}, (422, "reason_required", "reason")),
        ({"field": "id_number"}, (422, "invalid", "reason")),
        ({"field": "name", "reason": "核实"}, (422, "invalid", "field")),
        ({"field": "phone", "reason": "理" * 201}, (422, "invalid", "reason")),
    ],
)
def test_it_refuses_a_reveal_without_a_reason(
    cast: Any, reg: Any, body: dict, expected: Any
) -> None:
    before = AccessLog.objects.count()
    assert error(post(api(cast, reg, "head_a"), reveal_url(reg.zhang), body)) == expected
    assert AccessLog.objects.count() == before


# Access log

LOG = "/api/v1/registry/access-log"


@pytest.mark.parametrize(
    ("who", "status", "rows"),
    [
        (None, 401, None),
        ("nobody", 403, None),
        ("worker_a1", 403, None),
        ("head_a", 403, None),  # may reveal, may not audit
        ("dispatcher", 403, None),
        ("auditor_b", 200, ["上门走访"]),  # street B only
        ("auditor", 200, ["上门走访", "核对身份"]),
        ("admin", 200, ["上门走访", "核对身份"]),
    ],
)
def test_it_shows_the_access_log_to_auditors_in_scope(
    cast: Any, reg: Any, who: Any, status: int, rows: Any
) -> None:
    r = api(cast, reg, who).get(LOG)
    assert r.status_code == status
    if rows is not None:
        assert [x["reason"] for x in r.json()["items"]] == rows


def test_it_says_who_saw_whose_what_when_and_why(cast: Any, reg: Any) -> None:
    body = api(cast, reg, "auditor").get(LOG, {"actor": "head_a"}).json()
    assert body == {
        "count": 1,
        "items": [
            {
                "at": "2024-03-10T09:30:00+08:00",
                "actor": "head_a",
                "resident": str(reg.zhang.public_id),
                "id_masked": f"6404**********{ZHANG_ID[-4:]}",
                "grid_code": A1,
                "field": "id_number",
                "reason": "核对身份",
                "channel": "web",
            }
        ],
    }


@pytest.mark.parametrize(
    ("query", "rows"),
    [
        ({"resident": "zhao"}, ["上门走访"]),
        ({"since": "2024-03-11"}, ["上门走访"]),
        ({"until": "2024-03-10"}, ["核对身份"]),
        ({"since": "2024-03-10", "until": "2024-03-15"}, ["上门走访", "核对身份"]),
        ({"actor": "worker_a1"}, []),
    ],
)
def test_it_filters_the_access_log(cast: Any, reg: Any, query: dict, rows: list) -> None:
    if "resident" in query:
        query["resident"] = str(getattr(reg, query["resident"]).public_id)
    body = api(cast, reg, "auditor").get(LOG, query).json()
    assert [x["reason"] for x in body["items"]] == rows


def test_it_reads_the_access_log_in_a_constant_number_of_queries(
    cast: Any, reg: Any, django_assert_num_queries: Any
) -> None:
    auditor = api(cast, reg, "auditor")
    auditor.get(LOG)  # the token's last use is written once a minute: not in the count
    # The token, the audit right, the scope, the capped count, the page (people joined).
    for limit in (1, 200):
        with django_assert_num_queries(5):
            assert auditor.get(LOG, {"limit": limit}).status_code == 200
    assert error(auditor.get(LOG, {"since": "yesterday"})) == (422, "invalid", "since")


# Tags

TAGS = "/api/v1/registry/tags"


def tag(reg: Any, **extra: Any) -> dict[str, Any]:
    return {"resident": str(reg.zhang.public_id), "kind": "disability", "start": "2024-02-01",
            "details": {"category": "visual", "grade": "2"}, **extra}  # fmt: skip


@pytest.mark.parametrize(
    ("who", "status"), [(None, 401), ("nobody", 404), ("worker_b1", 404), ("dispatcher", 403)]
)
def test_it_refuses_to_tag_without_scope_or_right(
    cast: Any, reg: Any, who: Any, status: int
) -> None:
    before = Tag.objects.count(), AuditEntry.objects.count()
    assert post(api(cast, reg, who), TAGS, tag(reg)).status_code == status
    review = post(api(cast, reg, who), f"{TAGS}/{reg.tag.pk}/review", {"end": "2024-12-31"})
    assert review.status_code == status
    assert (Tag.objects.count(), AuditEntry.objects.count()) == before
    assert Tag.objects.get(pk=reg.tag.pk).end is None


def test_it_tags_a_resident(cast: Any, reg: Any) -> None:
    r = post(api(cast, reg, "worker_a1"), TAGS, tag(reg))
    assert r.status_code == 201
    made = Tag.objects.get(kind="disability")
    assert r.json() == {
        "id": made.pk, "kind": "disability", "resident": str(reg.zhang.public_id),
        "household": None, "grid_code": A1, "start": "2024-02-01", "end": None,
        "details": {"category": "visual", "grade": "2"},
        "reviewed_at": timezone.localdate().isoformat(),
    }  # fmt: skip
    on_household = {"household": str(reg.h1.public_id), "kind": "hardship", "start": "2024-02-01"}
    hh = post(api(cast, reg, "worker_a1"), TAGS, on_household)
    assert (hh.status_code, hh.json()["household"], hh.json()["resident"]) == (
        201, str(reg.h1.public_id), None)  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"resident": None}, (422, "subject_required", "subject")),
        ({"end": "2024-01-01"}, (422, "end_before_start", "end")),
        ({"details": {"grade": "9"}}, (422, "invalid_detail", "details.grade")),
        ({"details": {"colour": "red"}}, (422, "invalid_detail", "details.colour")),
        ({"kind": "vip"}, (422, "invalid", "kind")),
        ({"start": "someday"}, (422, "invalid", "start")),
        ({"resident": str(__import__("uuid").UUID(int=1))}, (404, "not_found", "resident")),
    ],
)
def test_it_rejects_bad_tags(cast: Any, reg: Any, extra: dict, expected: Any) -> None:
    before = Tag.objects.count()
    assert error(post(api(cast, reg, "worker_a1"), TAGS, tag(reg, **extra))) == expected
    assert Tag.objects.count() == before


def test_it_reviews_and_ends_a_tag(cast: Any, reg: Any) -> None:
    Tag.objects.filter(pk=reg.tag.pk).update(reviewed_at=dt.date(2024, 1, 1))
    url = f"{TAGS}/{reg.tag.pk}/review"
    r = post(api(cast, reg, "worker_a1"), url, {})
    assert (r.status_code, r.json()["reviewed_at"], r.json()["end"]) == (
        200, timezone.localdate().isoformat(), None)  # fmt: skip
    assert (
        post(api(cast, reg, "worker_a1"), url, {"end": "2024-12-31"}).json()["end"] == "2024-12-31"
    )
    assert error(post(api(cast, reg, "worker_a1"), url, {"end": "2023-01-01"})) == (
        422, "end_before_start", "end")  # fmt: skip
    assert error(post(api(cast, reg, "worker_a1"), f"{TAGS}/0/review", {})) == (
        404,
        "not_found",
        None,
    )
    assert Tag.objects.get(pk=reg.tag.pk).end == dt.date(2024, 12, 31)


# Places, components, organisations

PLACE = {"grid": A1, "name": "甲饭店", "kind": "restaurant", "lon": 106.05, "lat": 36.1}
THING = {"grid": A1, "code": components.make("640402", "02", "01", 1), "name": "路灯",
         "lon": 106.05, "lat": 36.1}  # fmt: skip
ORG = {"grid": A1, "name": "甲社会组织", "kind": "social", "credit_code": CREDIT,
       "contact_name": "周", "phone": "0954-1234567"}  # fmt: skip
KINDS = [("places", Place, PLACE), ("components", Component, THING),
         ("organisations", Organisation, ORG)]  # fmt: skip


@pytest.mark.parametrize(("path", "model", "body"), KINDS)
@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("nobody", 404), ("worker_b1", 404), ("dispatcher", 403), ("admin_a", 403),
     ("worker_a1", 201)],
)  # fmt: skip
def test_it_registers_things_only_in_scope_with_the_right(
    cast: Any, reg: Any, path: str, model: Any, body: dict, who: Any, status: int
) -> None:
    before = model.objects.count()
    r = post(api(cast, reg, who), f"/api/v1/registry/{path}", body)
    assert r.status_code == status
    assert model.objects.count() == before + (status == 201)
    if status == 201:
        assert (r.json()["id"], r.json()["grid_code"]) == (model.objects.latest("id").pk, A1)


@pytest.mark.parametrize(
    ("who", "names"),
    [("worker_a1", ["甲便利店"]), ("worker_b1", ["乙便利店"]), ("nobody", []),
     ("dispatcher", ["甲便利店", "乙便利店"])],
)  # fmt: skip
def test_it_lists_places_in_scope(cast: Any, reg: Any, who: str, names: list) -> None:
    body = api(cast, reg, who).get("/api/v1/registry/places", {"kind": "shop"}).json()
    assert [p["name"] for p in body["items"]] == names
    assert body["count"] == len(names)


def test_it_lists_components_and_organisations_masked(cast: Any, reg: Any) -> None:
    worker = api(cast, reg, "worker_a1")
    things = worker.get("/api/v1/registry/components", {"major": "01", "q": "井"}).json()
    assert [(c["code"], c["major"], c["minor"], c["name"]) for c in things["items"]] == [
        (COMPONENT, "01", "03", "井盖")]  # fmt: skip
    orgs = api(cast, reg, "admin").get("/api/v1/registry/organisations", {"q": "物业"}).json()
    assert [(o["name"], o["grid_code"], o["phone_masked"]) for o in orgs["items"]] == [
        ("甲物业公司", A1, "138****1111"), ("乙物业公司", B1, "138****1111")]  # fmt: skip
    assert "13800001111" not in json.dumps(orgs)
    assert api(cast, reg, None).get("/api/v1/registry/components").status_code == 401


def test_it_lists_things_in_a_constant_number_of_queries(
    cast: Any, reg: Any, django_assert_num_queries: Any
) -> None:
    admin = api(cast, reg, "admin")
    admin.get("/api/v1/registry/places")  # the token's last use: once a minute
    # The token, the capped count, the page (a superuser's scope needs no assignments).
    for path, _model, _body in KINDS:
        with django_assert_num_queries(3):
            assert admin.get(f"/api/v1/registry/{path}").json()["count"] >= 1


@pytest.mark.parametrize(
    ("path", "extra", "expected"),
    [
        ("components", {"code": "6404029901000001"[:15]}, (422, "invalid_component_code", "code")),
        ("components", {"code": components.make("640403", "01", "01", 1)},
         (422, "invalid_component_code", "code")),  # another county
        ("components", {"code": COMPONENT}, (409, "duplicate_code", "code")),
        ("components", {"lat": 91}, (422, "invalid", "lat")),
        ("organisations", {"credit_code": CREDIT[:17] + ("0" if CREDIT[17] != "0" else "1")},
         (422, "invalid_credit_code", "credit_code")),
        ("organisations", {"phone": "12345"}, (422, "invalid_phone", "phone")),
        ("organisations", {"kind": "cult"}, (422, "invalid", "kind")),
        ("places", {"kind": "castle"}, (422, "invalid", "kind")),
        ("places", {"lon": 181}, (422, "invalid", "lon")),
        ("places", {"grid": "640402001001"}, (422, "not_a_grid", "grid")),
    ],
)  # fmt: skip
def test_it_rejects_bad_things_naming_the_field(
    cast: Any, reg: Any, path: str, extra: dict, expected: Any
) -> None:
    body = {**dict((p, b) for p, _m, b in KINDS)[path], **extra}
    before = Place.objects.count(), Component.objects.count(), Organisation.objects.count()
    assert error(post(api(cast, reg, "head_a"), f"/api/v1/registry/{path}", body)) == expected
    after = Place.objects.count(), Component.objects.count(), Organisation.objects.count()
    assert after == before


def test_it_refuses_a_credit_code_registered_before(cast: Any, reg: Any) -> None:
    worker = api(cast, reg, "worker_a1")
    assert post(worker, "/api/v1/registry/organisations", ORG).status_code == 201
    again = post(worker, "/api/v1/registry/organisations", {**ORG, "name": "另一个"})
    assert error(again) == (409, "duplicate_credit_code", "credit_code")
    assert Organisation.objects.filter(credit_code=CREDIT).count() == 1
