"""The indicators page and its export: the scope matrix (anonymous / no right / out of
scope / in scope), drill-down links, the xlsx it writes with its audit entry, and the
page's query count."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from openpyxl import load_workbook

from gridgov.cases.tests.indicator_data import build
from gridgov.conftest import log_in
from gridgov.core.models import AuditEntry

pytestmark = pytest.mark.django_db
MARCH = {"start": "2025-03-01", "end": "2025-03-31"}


@pytest.fixture(scope="module")
def data(cast: Any, dept: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from gridgov.accounts.models import Assignment, User
    from gridgov.conftest import EPOCH

    with django_db_blocker.unblock(), transaction.atomic():
        built = build(cast, dept)
        # A volunteer reports but has no right "view": in scope, refused.
        volunteer = User.objects.create_user("volunteer", password="pw")
        Assignment.objects.create(user=volunteer, grid=cast.a1, role="volunteer", starts_on=EPOCH)
        built["volunteer"] = volunteer
        yield built
        transaction.set_rollback(True)


def page(user: Any, **params: str) -> Any:
    client = log_in(Client(), user) if user else Client()
    return client.get("/cases/indicators/", {**MARCH, **params})


def test_it_asks_anonymous_people_to_log_in(cast: Any, data: Any) -> None:
    r = page(None, node=cast.county.code)
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    r = Client().post("/cases/indicators/export/", {**MARCH, "node": cast.county.code})
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_it_refuses_out_of_scope_with_404_and_no_right_with_403(cast: Any, data: Any) -> None:
    assert page(cast.worker_b1, node=cast.street_a.code).status_code == 404
    assert page(cast.worker_a1, node=cast.community_a.code).status_code == 404
    assert page(cast.worker_a1, node="999").status_code == 404
    assert page(data["volunteer"], node=cast.a1.code).status_code == 403
    assert page(data["volunteer"]).status_code == 403
    assert page(cast.nobody).status_code == 403


def test_it_shows_a_node_in_scope_with_links_to_its_children(cast: Any, data: Any) -> None:
    r = page(cast.head_a)  # opens on their own node
    assert r.status_code == 200 and r.context["grid"].code == cast.community_a.code
    assert [(x.key, x.reported, x.drill) for x in r.context["rows"]] == [
        (cast.a1.code, 5, ""),
        (cast.a2.code, 2, ""),
    ]
    assert r.context["total"].reported == 7
    # The head of community A sees no level above it in the trail.
    assert r.context["trail"] == [(cast.community_a.code, "甲社区")]
    r = page(cast.dispatcher, node=cast.county.code)
    assert [x.drill for x in r.context["rows"]] == [cast.street_a.code, cast.street_b.code]
    assert (
        f'href="?node={cast.street_a.code}&amp;start=2025-03-01&amp;end=2025-03-31&amp;by=grid"'
        in (r.content.decode())
    )
    r = page(cast.dispatcher, node=cast.street_a.code, by="unit")
    assert [x.label for x in r.context["rows"]] == ["城管局", "网格人员（无单位）"]
    assert [name for _, name in r.context["trail"]] == ["原州区", "南关街道"]


def test_it_says_what_is_wrong_with_the_filters(cast: Any, data: Any) -> None:
    r = page(cast.dispatcher, node=cast.county.code, by="colour")
    assert r.status_code == 400 and r.context["form"].errors["by"]
    r = page(cast.dispatcher, node=cast.county.code, start="2025-04-01")
    assert r.status_code == 400 and r.context["form"].errors["end"]
    r = page(cast.dispatcher, node=cast.county.code, start="1999-12-31")
    assert r.status_code == 400 and r.context["form"].errors["start"]


def test_it_exports_the_table_as_xlsx_with_one_audit_entry(cast: Any, data: Any) -> None:
    client = log_in(Client(), cast.dispatcher)
    before = AuditEntry.objects.count()
    r = client.post("/cases/indicators/export/", {**MARCH, "node": cast.county.code, "by": "grid"})
    assert r.status_code == 200
    assert "filename*=UTF-8''" in r["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    values = [list(row) for row in ws.iter_rows(values_only=True)]
    head = values[0]
    assert head[:12] == [
        "名称", "编码", "上报数", "立案数", "不予立案数", "合并数", "缓办数", "应结案数",
        "结案数", "按期结案数", "结案率(%)", "按期结案率(%)",
    ]  # fmt: skip
    a = dict(zip(head, values[1], strict=True))
    assert (a["名称"], a["编码"], a["上报数"], a["应结案数"], a["结案率(%)"]) == (
        "南关街道", cast.street_a.code, 7, 3, 66.67,
    )  # fmt: skip
    assert (a["及时立案率(%)"], a["及时派遣率(%)"], a["满意率(%)"]) == (80, 75, 50)
    assert a["待接收平均时长(小时)"] == 12.33
    assert [v[0] for v in values] == ["名称", "南关街道", "古雁街道", "合计"]
    assert values[3][2] == 8
    entry = AuditEntry.objects.get(action="case_indicators.export")
    assert AuditEntry.objects.count() == before + 1
    assert entry.actor == cast.dispatcher and entry.after == {
        "node": cast.county.code, "start": "2025-03-01", "end": "2025-03-31", "by": "grid",
        "rows": 2,
    }  # fmt: skip


def test_it_refuses_an_export_out_of_scope_and_records_nothing(cast: Any, data: Any) -> None:
    before = AuditEntry.objects.count()
    post = {**MARCH, "node": cast.street_a.code, "by": "grid"}
    assert (
        log_in(Client(), cast.worker_b1).post("/cases/indicators/export/", post).status_code == 404
    )
    volunteer = log_in(Client(), data["volunteer"])
    assert (
        volunteer.post("/cases/indicators/export/", {**post, "node": cast.a1.code}).status_code
        == 403
    )
    assert log_in(Client(), cast.dispatcher).get("/cases/indicators/export/").status_code == 405
    assert AuditEntry.objects.count() == before


def test_it_answers_the_page_in_a_fixed_number_of_queries(
    cast: Any, data: Any, django_assert_num_queries: Any
) -> None:
    client = log_in(Client(), cast.dispatcher)
    with django_assert_num_queries(9):
        # session, user, assignments (scope), the node with its network, the cases, their
        # events, the children's names, the trail's names, the header's notice badge
        r = client.get("/cases/indicators/", {**MARCH, "node": cast.street_a.code})
    assert r.status_code == 200 and r.context["total"].reported == 7
