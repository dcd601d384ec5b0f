"""The registry pages: the matrix (anonymous / no right / out of scope / in scope) and what
each page shows and saves. Forms are checked through their error ids and the database."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.core.lib import idnumbers
from gridgov.grids.tests.test_pages import Node, Page

pytestmark = pytest.mark.django_db

A1, B1, COMMUNITY_A = "640402001001001", "640402002001001", "640402001001"


def id_number(birth: dt.date, sequence: int) -> str:
    return idnumbers.make("640402", birth, sequence)


def build_registry(c: SimpleNamespace) -> SimpleNamespace:
    """Two households in A1 (张三 and 李四; 王五), one in B1 (赵六), and two tags."""
    from gridgov.registry import services
    from gridgov.registry.services import ResidentIn

    r = SimpleNamespace()

    def household(actor: Any, grid: str, address: str) -> Any:
        return services.register_household(
            actor=actor, grid_code=grid, address=address, household_type="unit"
        )

    def person(
        actor: Any, home: Any, name: str, number: str, relation: str, phone: str = ""
    ) -> Any:
        data = ResidentIn(name=name, id_number=number, relation=relation, phone=phone)
        return services.add_resident(actor=actor, household=home, data=data)

    r.h1 = household(c.worker_a1, A1, "幸福路1号")
    r.h2 = household(c.worker_a1, A1, "幸福路2号")
    r.hb = household(c.worker_b1, B1, "古雁路9号")
    r.zhang_id = id_number(dt.date(1980, 5, 1), 11)
    r.zhang = person(c.worker_a1, r.h1, "张三", r.zhang_id, "head", "13912345678")
    r.li = person(c.worker_a1, r.h1, "李四", id_number(dt.date(1982, 3, 9), 22), "spouse")
    r.wang = person(c.worker_a1, r.h2, "王五", id_number(dt.date(1990, 1, 2), 31), "head")
    r.zhao = person(c.worker_b1, r.hb, "赵六", id_number(dt.date(1975, 7, 7), 41), "head")
    r.hardship = services.add_tag(
        actor=c.worker_a1, kind="hardship", start=dt.date(2025, 1, 1), household=r.h1,
        details={"assistance": "minimum_living"},
    )  # fmt: skip
    r.disability = services.add_tag(
        actor=c.worker_a1, kind="disability", start=dt.date(2025, 1, 1), resident=r.li,
        details={"grade": "2"},
    )  # fmt: skip
    return r


def as_(cast: Any, who: str | None) -> Client:
    client = Client()
    if who is not None:
        client.force_login(getattr(cast, who))
    return client


def parse(response: Any, status: int = 200) -> Page:
    assert response.status_code == status
    return Page(response.content.decode())


def by_id(p: Page, id_: str) -> Node | None:
    found = [n for tag in ("p", "dd", "strong", "div", "span") for n in p.root.all(tag)
             if n.attrs.get("id") == id_]  # fmt: skip
    return found[0] if found else None


def error(p: Page, field: str) -> str | None:
    node = by_id(p, f"id_{field}_error")
    return node.text if node else None


def snapshot() -> tuple[Any, ...]:
    """What a refused request must leave unchanged."""
    from gridgov.core.models import AuditEntry
    from gridgov.registry.models import AccessLog, Household, Resident, ResidentEvent, Tag

    rows = Resident.objects.order_by("id").values_list(
        "name", "phone_hash", "id_number_hash", "household_id", "status", "relation"
    )
    return (
        list(rows), Household.objects.count(), Tag.objects.count(),
        list(Tag.objects.order_by("id").values_list("end", "reviewed_at")),
        ResidentEvent.objects.count(), AccessLog.objects.count(), AuditEntry.objects.count(),
    )  # fmt: skip


def urls(r: SimpleNamespace) -> dict[str, str]:
    z, h = r.zhang.public_id, r.h1.public_id
    return {
        "detail": f"/registry/residents/{z}/",
        "edit": f"/registry/residents/{z}/edit/",
        "move": f"/registry/residents/{z}/move/",
        "reveal": f"/registry/residents/{z}/reveal/",
        "tag": f"/registry/residents/{z}/tags/",
        "household": f"/registry/households/{h}/",
        "household_tag": f"/registry/households/{h}/tags/",
        "new_resident": f"/registry/households/{h}/residents/new/",
        "review": f"/registry/tags/{r.hardship.pk}/review/",
    }


# ---------------------------------------------------------------- the matrix

LISTS = ["/registry/residents/", "/registry/households/", "/registry/buildings/",
         "/registry/places/", "/registry/components/", "/registry/organisations/"]  # fmt: skip
FORMS = ["/registry/households/new/", "/registry/buildings/new/", "/registry/places/new/",
         "/registry/components/new/", "/registry/organisations/new/"]  # fmt: skip


@pytest.mark.parametrize("name", ["detail", "edit", "move", "household", "new_resident"])
def test_it_sends_anonymous_visitors_to_log_in(cast: Any, reg: Any, name: str) -> None:
    url = urls(reg)[name]
    r = as_(cast, None).get(url)
    assert (r.status_code, r["Location"]) == (302, f"/login/?next={url}")


@pytest.mark.parametrize("url", [*LISTS, *FORMS, "/registry/access-log/"])
def test_it_sends_anonymous_visitors_of_lists_and_forms_to_log_in(cast: Any, url: str) -> None:
    r = as_(cast, None).get(url)
    assert (r.status_code, r["Location"]) == (302, f"/login/?next={url}")


@pytest.mark.parametrize("url", LISTS)
def test_it_shows_empty_lists_to_a_person_without_a_role(cast: Any, reg: Any, url: str) -> None:
    p = parse(as_(cast, "nobody").get(url))
    assert p.root.all("table") == []
    assert len(p.root.all("p", "empty")) == 1


@pytest.mark.parametrize("who", ["nobody", "dispatcher", "auditor"])
@pytest.mark.parametrize("url", FORMS)
def test_it_refuses_registration_forms_without_the_right(cast: Any, who: str, url: str) -> None:
    before = snapshot()
    assert as_(cast, who).get(url).status_code == 403
    assert as_(cast, who).post(url, {"grid": A1, "name": "x", "address": "x"}).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("who", ["nobody", "worker_b1"])
@pytest.mark.parametrize("name", ["detail", "edit", "move", "household", "new_resident"])
def test_it_hides_records_outside_the_scope(cast: Any, reg: Any, who: str, name: str) -> None:
    assert as_(cast, who).get(urls(reg)[name]).status_code == 404


@pytest.mark.parametrize("who", ["nobody", "worker_b1"])
@pytest.mark.parametrize("name", ["edit", "move", "reveal", "tag", "household_tag", "review"])
def test_it_changes_nothing_outside_the_scope(cast: Any, reg: Any, who: str, name: str) -> None:
    before = snapshot()
    data = {"reason": "核查", "field": "id_number", "kind": "unemployed", "start": "2025-01-01",
            "action": "out", "date": "2025-01-01", "name": "改名", "relation": "head"}  # fmt: skip
    assert as_(cast, who).post(urls(reg)[name], data).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "name"),
    [(w, n) for w in ("dispatcher", "auditor") for n in ("edit", "move", "new_resident")]
    + [("dispatcher", "tag"), ("dispatcher", "review"), ("dispatcher", "household_tag"),
       ("dispatcher", "reveal"), ("worker_a1", "reveal"), ("auditor", "reveal")],
)  # fmt: skip
def test_it_refuses_changes_without_the_right(cast: Any, reg: Any, who: str, name: str) -> None:
    before = snapshot()
    data = {"reason": "核查", "field": "id_number", "kind": "unemployed", "start": "2025-01-01"}
    assert as_(cast, who).post(urls(reg)[name], data).status_code == 403
    if name not in ("reveal", "tag", "household_tag", "review"):
        assert as_(cast, who).get(urls(reg)[name]).status_code == 403
    assert snapshot() == before


# ---------------------------------------------------------------- the resident list


def rows(p: Page) -> list[list[str]]:
    """The result rows of the resident list: the table inside #results."""
    (results,) = [d for d in p.root.all("div") if d.attrs.get("id") == "results"]
    tables = results.all("table")
    body = tables[0].one("tbody").all("tr") if tables else []
    return [[c.text for c in tr.children if isinstance(c, Node)] for tr in body]


def test_it_finds_a_resident_by_initials_with_masked_numbers(
    cast: Any, reg: Any, django_assert_num_queries: Any
) -> None:
    client = as_(cast, "worker_a1")
    client.get("/registry/residents/")  # the session is read once before counting
    with django_assert_num_queries(9):
        # 1 session, 2 user, 3 assignments (scope, read once), 4 the grids of the filter,
        # 5–6 the capped counts by which search.residents_for picks the index to start from,
        # 7 the count, 8 the page of residents with their households.
        # 9 the unread notices in the header (notices.context): one COUNT.
        r = client.post("/registry/residents/", {"q": "zs"})
    p = parse(r)
    assert [row[:3] for row in rows(p)] == [["张三", "6404**********0110", "139****5678"]]
    assert reg.zhang_id not in r.content.decode() and "13912345678" not in r.content.decode()


@pytest.mark.parametrize(
    ("who", "params", "names"),
    [
        ("worker_a1", {}, ["张三", "李四", "王五"]),
        ("worker_a1", {"q": "zhao"}, []),  # 赵六 lives in B1
        ("worker_b1", {"q": "zhao"}, ["赵六"]),
        ("head_a", {"q": "5678"}, ["张三"]),  # the last digits of a phone
        ("head_a", {"tag": "hardship"}, ["张三", "李四"]),  # a household's tag covers its members
        ("head_a", {"tag": "disability"}, ["李四"]),
        ("dispatcher", {"grid": B1}, ["赵六"]),
        ("nobody", {}, []),
    ],
)
def test_it_filters_residents_within_the_scope(
    cast: Any, reg: Any, who: str, params: dict[str, str], names: list[str]
) -> None:
    p = parse(as_(cast, who).post("/registry/residents/", params))
    assert [row[0] for row in rows(p)] == names


def test_it_answers_live_search_with_the_results_only(cast: Any, reg: Any) -> None:
    r = as_(cast, "head_a").post("/registry/residents/", {"q": "wang"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and "<html" not in html
    assert [row[0] for row in rows(Page(html))] == ["王五"]
    assert 'id="result-count" class="count" role="status" hx-swap-oob="true"' in html


def test_it_explains_a_query_too_short_next_to_the_box(cast: Any, reg: Any) -> None:
    p = parse(as_(cast, "head_a").post("/registry/residents/", {"q": "12"}))
    assert error(p, "q") == "请至少输入证件号或电话的后 4 位。"  # zh-hans
    assert rows(p) == []


def test_it_keeps_a_full_id_number_out_of_the_page_address(cast: Any, reg: Any) -> None:
    client = as_(cast, "head_a")
    p = parse(client.post("/registry/residents/", {"q": reg.zhang_id}))
    assert [row[0] for row in rows(p)] == ["张三"]
    (form,) = [f for f in p.root.all("form") if f.attrs.get("role") == "search"]
    assert (form.attrs["method"], form.attrs["hx-post"]) == ("post", "/registry/residents/")


# ---------------------------------------------------------------- the resident page


def test_it_shows_a_resident_masked_with_members_tags_and_history(cast: Any, reg: Any) -> None:
    p = parse(as_(cast, "worker_a1").get(urls(reg)["detail"]))
    assert p.root.one("h1").text == "张三"
    assert by_id(p, "id-number").text == "6404**********0110"  # type: ignore[union-attr]
    assert by_id(p, "phone").text == "139****5678"  # type: ignore[union-attr]
    assert [a.text for a in p.root.one("ul", "members").all("a")] == ["李四"]
    assert p.root.all("ul", "taglist") == []
    events = p.root.all("table")[0].one("tbody").all("tr")
    assert [[c.text for c in tr.children if isinstance(c, Node)][:3] for tr in events] == [
        [timezone.localdate().isoformat(), "迁入", "—"]
    ]
    li = parse(as_(cast, "worker_a1").get(f"/registry/residents/{reg.li.public_id}/"))
    (tag,) = li.root.one("ul", "taglist").all("li")
    assert tag.one("strong").text == "残疾人"
    assert [s.text for s in tag.all("span", "detail")] == ["残疾等级: 2"]  # zh-hans
    # No reveal form for a grid worker: the right belongs to grid heads.
    assert [f for f in p.root.all("form") if "reveal" in f.attrs.get("class", "")] == []


def test_it_reveals_the_id_number_to_a_grid_head_with_a_reason(cast: Any, reg: Any) -> None:
    from gridgov.registry.models import AccessLog

    client = as_(cast, "head_a")
    assert "reveal" in [
        f.attrs.get("class") for f in parse(client.get(urls(reg)["detail"])).root.all("form")
    ]
    r = client.post(urls(reg)["reveal"], {"reason": "核对低保资格", "field": "id_number"})
    p = parse(r)
    assert by_id(p, "revealed").text == reg.zhang_id  # type: ignore[union-attr]
    assert "no-store" in r["Cache-Control"]
    log = AccessLog.objects.get()
    assert (log.actor, log.resident, log.field, log.reason, log.channel) == (
        cast.head_a,
        reg.zhang,
        "id_number",
        "核对低保资格",
        "web",
    )
    # Shown once: the page read again is masked.
    assert reg.zhang_id not in client.get(urls(reg)["detail"]).content.decode()


@pytest.mark.parametrize("reason", ["", " ", "x"])
def test_it_asks_for_a_reason_before_revealing(cast: Any, reg: Any, reason: str) -> None:
    before = snapshot()
    r = as_(cast, "head_a").post(urls(reg)["reveal"], {"reason": reason, "field": "id_number"})
    p = parse(r, 422)
    assert error(p, "reason") is not None
    assert reg.zhang_id not in r.content.decode()
    assert snapshot() == before


# ---------------------------------------------------------------- forms


def resident_post(**changes: str) -> dict[str, str]:
    data = {"name": "张三", "document_type": "resident_id", "id_number": "", "phone": "",
            "relation": "head", "residence_status": "registered"}  # fmt: skip
    return {**data, **changes}


def test_it_edits_a_resident_keeping_the_numbers_left_empty(cast: Any, reg: Any) -> None:
    from gridgov.registry.models import Resident

    r = as_(cast, "worker_a1").post(urls(reg)["edit"], resident_post(name="张叁"))
    assert (r.status_code, r["Location"]) == (302, urls(reg)["detail"])
    zhang = Resident.objects.get(pk=reg.zhang.pk)
    assert (zhang.name, zhang.name_initials) == ("张叁", "zs")
    assert (zhang.id_number_hash, zhang.phone_hash) == (reg.zhang.id_number_hash,
                                                        reg.zhang.phone_hash)  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field", "status"),
    [
        ({"id_number": "640402198005010118"}, "id_number", 422),  # wrong check digit
        ({"phone": "12345"}, "phone", 422),
        ({"name": " "}, "name", 422),
        ({"residence_status": "foreign", "nationality": "法国"}, "document_type", 422),
        ({"id_number": id_number(dt.date(1990, 1, 2), 31)}, "id_number", 409),  # 王五's
    ],
)
def test_it_shows_a_refusal_next_to_its_field_and_saves_nothing(
    cast: Any, reg: Any, changes: dict[str, str], field: str, status: int
) -> None:
    before = snapshot()
    p = parse(as_(cast, "worker_a1").post(urls(reg)["edit"], resident_post(**changes)), status)
    assert error(p, field) is not None
    assert snapshot() == before


def test_it_adds_a_resident_to_a_household(cast: Any, reg: Any) -> None:
    from gridgov.registry.models import Household, Resident

    number = id_number(dt.date(2010, 6, 1), 52)
    r = as_(cast, "worker_a1").post(urls(reg)["new_resident"], resident_post(
        name="张小红", id_number=number, relation="child", date="2025-02-01"))  # fmt: skip
    child = Resident.objects.get(name="张小红")
    assert r["Location"] == f"/registry/residents/{child.public_id}/"
    assert (child.household_id, child.sex, child.birth_date) == (
        reg.h1.pk,
        "f",
        dt.date(2010, 6, 1),
    )
    assert Household.objects.get(pk=reg.h1.pk).member_count == 3


def test_it_moves_a_resident_to_a_household_typed_by_number(cast: Any, reg: Any) -> None:
    from gridgov.registry.models import Household, Resident

    data = {"action": "transfer", "household": str(reg.h2.public_id), "date": "2025-03-01"}
    r = as_(cast, "worker_a1").post(urls(reg)["move"], data)
    assert r.status_code == 302
    assert Resident.objects.get(pk=reg.zhang.pk).household_id == reg.h2.pk
    assert Household.objects.get(pk=reg.h2.pk).member_count == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "transfer"}, "请选择要迁入的户，或填写户编号。"),
        ({"action": "transfer", "household": "nonsense"}, "户编号的格式应为 8-4-4-4-12。"),
        ({"action": "transfer", "pick": "hb"}, "您的网格中没有此编号的户。"),
    ],
)  # zh-hans
def test_it_refuses_a_move_to_an_unknown_household(
    cast: Any, reg: Any, data: dict[str, str], message: str
) -> None:
    before = snapshot()
    if data.get("pick") == "hb":
        data["pick"] = str(reg.hb.public_id)  # in B1: not the worker's
    p = parse(as_(cast, "worker_a1").post(urls(reg)["move"], {**data, "date": "2025-03-01"}), 422)
    assert error(p, "household") == message
    assert snapshot() == before


def test_it_records_a_death(cast: Any, reg: Any) -> None:
    from gridgov.registry.models import Resident

    data = {"action": "death", "date": "2025-03-01", "note": "病故"}
    assert as_(cast, "head_a").post(urls(reg)["move"], data).status_code == 302
    li = Resident.objects.get(pk=reg.zhang.pk)
    assert (li.status, li.household_id) == ("deceased", None)


def test_it_adds_and_reviews_tags(cast: Any, reg: Any) -> None:
    from gridgov.registry.models import Tag

    client = as_(cast, "worker_a1")
    data = {"kind": "disability", "start": "2025-01-01", "detail_grade": "3",
            "detail_category": "visual"}  # fmt: skip
    r = client.post(urls(reg)["tag"], data)
    assert r["Location"] == urls(reg)["detail"] + "#tags"
    tag = Tag.objects.get(resident=reg.zhang)
    assert (tag.kind, tag.details) == ("disability", {"grade": "3", "category": "visual"})

    r = client.post(urls(reg)["review"], {f"tag{reg.hardship.pk}-end": "2025-06-30"})
    assert r["Location"] == urls(reg)["household"] + "#tags"
    assert Tag.objects.get(pk=reg.hardship.pk).end == dt.date(2025, 6, 30)


def test_it_refuses_a_tag_that_ends_before_it_starts(cast: Any, reg: Any) -> None:
    before = snapshot()
    data = {"kind": "unemployed", "start": "2025-01-01", "end": "2024-01-01"}
    p = parse(as_(cast, "worker_a1").post(urls(reg)["household_tag"], data), 422)
    assert error(p, "end") == "标签的截止日期不能早于起始日期。"  # zh-hans
    field = f"tag{reg.hardship.pk}-end"
    p = parse(as_(cast, "worker_a1").post(urls(reg)["review"], {field: "2024-01-01"}), 422)
    assert error(p, field) == "标签的截止日期不能早于起始日期。"  # zh-hans
    assert snapshot() == before


def test_it_offers_the_fields_of_the_tag_kind_picked(cast: Any) -> None:
    r = as_(cast, "worker_a1").get("/registry/tags/fields/", {"kind": "left_behind_child"})
    names = [i.attrs["name"] for i in Page(r.content.decode()).root.all("input")]
    assert names == ["detail_guardian", "detail_guardian_phone", "detail_parents_work_in"]
