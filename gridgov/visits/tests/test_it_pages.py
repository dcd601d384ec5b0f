"""The visit pages: today's list and the visit form on the phone, coverage for heads with
its export; each as anonymous / no right / out of scope / in scope; refusals change
nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from gridgov.cases.models import Case, Category
from gridgov.conftest import log_in
from gridgov.core.models import AuditEntry
from gridgov.visits import schedule
from gridgov.visits.models import Schedule, Visit

from .conftest import IN_A1, IN_A2, at

pytestmark = pytest.mark.django_db
NOW = at(2027, 1, 4)


@pytest.fixture(autouse=True)
def _today(homes: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        schedule.compute({"__in": [homes.alone.pk, homes.poor.pk, homes.plain.pk, homes.far.pk]})
        yield


def post(client: Client, household: Any, **change: Any) -> Any:
    data = {"findings": "老人身体尚可", "lon": IN_A1[0], "lat": IN_A1[1], **change}
    return client.post(f"/m/visits/{household.public_id}/", data)


def test_it_asks_anonymous_people_to_log_in(homes: Any) -> None:
    for url in ("/m/visits/", f"/m/visits/{homes.poor.public_id}/", "/visits/"):
        assert Client().get(url)["Location"].startswith("/login/")
    assert post(Client(), homes.poor)["Location"].startswith("/login/")
    assert Visit.objects.count() == 0


def test_it_lists_the_workers_households_overdue_first(cast: Any, homes: Any) -> None:
    Schedule.objects.filter(pk=homes.plain.pk).update(next_due=NOW.date())
    Schedule.objects.filter(pk=homes.poor.pk).update(next_due=at(2027, 1, 8).date())
    page = log_in(Client(), cast.worker_a1).get("/m/visits/")
    assert page.status_code == 200
    sections = {
        key: [i["s"].household_id for i in items] for key, _t, items in page.context["sections"]
    }
    assert sections == {
        "overdue": [homes.alone.pk],
        "today": [homes.plain.pk],
        "week": [homes.poor.pk],
    }
    text = page.content.decode()
    assert "幸福路1号" in text and "独居老人" in text and "必访" in text and "逾期" in text
    assert "古雁路9号" not in text
    # The outsider sees their own only; someone with no grid may not open it.
    other = log_in(Client(), cast.worker_b1).get("/m/visits/")
    assert [i["s"].household_id for _k, _t, items in other.context["sections"] for i in items] == [
        homes.far.pk
    ]
    assert log_in(Client(), cast.nobody).get("/m/visits/").status_code == 403
    assert log_in(Client(), cast.dispatcher).get("/m/visits/").status_code == 403


def test_it_records_a_visit_and_moves_the_household_on(cast: Any, homes: Any) -> None:
    client = log_in(Client(), cast.worker_a1)
    page = client.get(f"/m/visits/{homes.alone.public_id}/")
    assert page.status_code == 200 and "王秀英" in page.content.decode()
    r = post(client, homes.alone, residents=[homes.granny.pk])
    assert r.status_code == 302 and r["Location"] == "/m/visits/"
    v = Visit.objects.get()
    assert (v.household, v.worker, list(v.residents.all())) == (
        homes.alone,
        cast.worker_a1,
        [homes.granny],
    )
    assert Schedule.objects.get(pk=homes.alone.pk).next_due == at(2027, 1, 11).date()


def test_it_opens_a_case_from_the_form(cast: Any, homes: Any) -> None:
    client = log_in(Client(), cast.worker_a1)
    category = Category.objects.get(code="0903")
    r = post(client, homes.poor, open_case="on", category=category.pk, findings="屋顶漏雨")
    case = Case.objects.get()
    assert r["Location"] == f"/cases/{case.number}/"
    assert Visit.objects.get().case == case


def test_it_refuses_and_changes_nothing(cast: Any, homes: Any) -> None:
    url = f"/m/visits/{homes.poor.public_id}/"
    assert log_in(Client(), cast.worker_b1).get(url).status_code == 404
    assert post(log_in(Client(), cast.worker_b1), homes.poor).status_code == 404
    assert post(log_in(Client(), cast.nobody), homes.poor).status_code == 404
    assert post(log_in(Client(), cast.dispatcher), homes.poor).status_code == 403
    client = log_in(Client(), cast.worker_a1)
    r = post(client, homes.poor, lon=IN_A2[0])
    assert r.status_code == 400 and r.context["form"].errors["lon"]
    r = post(client, homes.poor, findings="联系电话13912345678")
    assert r.status_code == 400 and r.context["form"].errors["findings"]
    assert (Visit.objects.count(), Case.objects.count()) == (0, 0)


def test_it_shows_coverage_in_scope_with_drill_down_and_exports_it(cast: Any, homes: Any) -> None:
    post(log_in(Client(), cast.worker_a1), homes.poor)
    head = log_in(Client(), cast.head_a)
    page = head.get("/visits/", {"start": "2027-01-01", "end": "2027-01-31"})
    assert page.status_code == 200 and page.context["grid"] == cast.community_a
    assert [(r.key, r.visited) for r in page.context["rows"]] == [
        (cast.a1.code, 1), (cast.a2.code, 0),
    ]  # fmt: skip
    assert "走访覆盖" in page.content.decode()
    grid = head.get("/visits/", {"node": cast.a1.code, "start": "2027-01-01", "end": "2027-01-31"})
    assert [v.household for v in grid.context["visits"]] == [homes.poor]
    assert head.get("/visits/", {"node": cast.b1.code}).status_code == 404
    assert log_in(Client(), cast.nobody).get("/visits/").status_code == 403
    data = {"node": cast.community_a.code, "start": "2027-01-01", "end": "2027-01-31", "by": "grid"}
    r = head.post("/visits/export/", data)
    rows = list(load_workbook(io.BytesIO(r.content)).active.values)
    assert rows[0][:4] == ("名称", "编码", "户数", "走访户数")
    assert rows[-1][:4] == ("合计", None, 473, 1)
    assert AuditEntry.objects.filter(action="visit_coverage.export").count() == 1
    before = AuditEntry.objects.count()
    assert log_in(Client(), cast.worker_b1).post("/visits/export/", data).status_code == 404
    assert AuditEntry.objects.count() == before


def test_it_reads_the_due_list_in_a_fixed_number_of_queries(
    cast: Any, homes: Any, django_assert_num_queries: Any
) -> None:
    client = log_in(Client(), cast.worker_a1)
    client.get("/m/visits/")  # the session's first request settles its own rows
    # session, user, the person's assignments (scope), the schedules due with their
    # households, the unread notices (header)
    with django_assert_num_queries(5):
        assert client.get("/m/visits/").status_code == 200


def test_it_shows_the_follow_up_after_the_case_closed(cast: Any, homes: Any) -> None:
    from gridgov.cases.services import act

    schedule.refresh()  # the first run plans every household
    client = log_in(Client(), cast.worker_a1)
    post(client, homes.plain, open_case="on", category=Category.objects.get(code="0903").pk)
    case = Case.objects.get()
    case = act(case=case, actor=cast.worker_a1, action="settle", note="已协调")
    act(case=case, actor=cast.head_a, action="verify")
    schedule.refresh()
    # Only our households on the list (the cast's others are all overdue).
    Schedule.objects.filter(grid_code=cast.a1.code).exclude(
        pk__in=[homes.alone.pk, homes.poor.pk, homes.plain.pk]
    ).delete()
    listed = client.get("/m/visits/").content.decode()
    assert "回访" in listed
    form = client.get(f"/m/visits/{homes.plain.public_id}/").content.decode()
    assert f"本次走访为事件 {case.number} 办结后的回访。" in form
