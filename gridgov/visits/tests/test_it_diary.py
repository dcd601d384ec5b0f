"""The people's sentiment diary (民情日记): written by a worker on their grid, changed by its
author on that day only, read by their heads — anonymous / no right / out of scope / in
scope, through the API and the pages; refusals change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from gridgov.conftest import log_in
from gridgov.visits.models import DiaryEntry

from .conftest import at

pytestmark = pytest.mark.django_db
NOW = at(2027, 3, 5)
URL = "/api/v1/visits/diary"


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def api(cast: Any, who: str | None) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}") if who else Client()


def body(**change: Any) -> dict[str, Any]:
    return {"day": "2027-03-05", "heard": "楼下商户噪音扰民,居民有意见", "mood": "concerned",
            "follow_up": "约商户协商营业时间", **change}  # fmt: skip


def post(cast: Any, who: str | None, **change: Any) -> Any:
    return api(cast, who).post(URL, body(**change), content_type="application/json")


def test_it_writes_an_entry_on_the_workers_grid_with_households(cast: Any, homes: Any) -> None:
    r = post(cast, "worker_a1", households=[str(homes.poor.public_id)])
    assert r.status_code == 201, r.json()
    entry = DiaryEntry.objects.get(public_id=r.json()["public_id"])
    assert (entry.worker, entry.grid_code, entry.day, entry.mood) == (
        cast.worker_a1, cast.a1.code, dt.date(2027, 3, 5), "concerned",
    )  # fmt: skip
    assert list(entry.households.all()) == [homes.poor]
    assert r.json()["editable"] is True


def test_it_refuses_and_changes_nothing(cast: Any, homes: Any) -> None:
    before = DiaryEntry.objects.count()
    assert post(cast, None).status_code == 401
    assert post(cast, "nobody").status_code == 403  # no grid to keep a diary on
    assert post(cast, "worker_a1", grid=cast.b1.code).status_code == 404  # not theirs
    # A household out of scope is not found; numbers are refused; no future days.
    r = post(cast, "worker_a1", households=[str(homes.far.public_id)])
    assert (r.status_code, r.json()["field"]) == (404, "households")
    r = post(cast, "worker_a1", heard="他的电话13912345678")
    assert (r.status_code, r.json()["code"]) == (422, "number_in_text")
    r = post(cast, "worker_a1", follow_up="身份证号640402199001011234")
    assert (r.status_code, r.json()["field"]) == (422, "follow_up")
    assert post(cast, "worker_a1", day="2027-03-06").status_code == 422
    assert post(cast, "worker_a1", day="2027-02-01").status_code == 422
    assert post(cast, "worker_a1", cases=["X-404"]).status_code == 404
    assert DiaryEntry.objects.count() == before


def test_it_is_changed_by_its_author_on_the_day_only(cast: Any) -> None:
    made = post(cast, "worker_a1").json()
    url = f"{URL}/{made['public_id']}"
    change = body(heard="噪音问题已与商户沟通", mood="calm")
    # The head reads it but does not change it; the outsider does not see it.
    assert api(cast, "head_a").put(url, change, content_type="application/json").status_code == 403
    r = api(cast, "worker_b1").put(url, change, content_type="application/json")
    assert r.status_code == 404
    r = api(cast, "worker_a1").put(url, change, content_type="application/json")
    assert (r.status_code, r.json()["mood"], r.json()["edits"]) == (200, "calm", 1)
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        r = api(cast, "worker_a1").put(
            url, body(heard="再改一次", day="2027-03-06"), content_type="application/json"
        )
        assert (r.status_code, r.json()["code"]) == (409, "closed")
        assert api(cast, "worker_a1").get(url).json()["editable"] is False
    entry = DiaryEntry.objects.get(public_id=made["public_id"])
    assert (entry.heard, entry.edits) == ("噪音问题已与商户沟通", 1)


def test_it_is_searched_by_the_heads_whose_scope_covers_the_grid(cast: Any) -> None:
    post(cast, "worker_a1", heard="小区停车难,居民反映强烈", mood="discontent")
    post(cast, "worker_b1", heard="古雁路停车秩序良好", mood="calm")
    post(cast, "worker_a1", heard="邻里关系和睦", mood="calm", day="2027-03-01")

    def found(who: str, **query: str) -> list[str]:
        r = api(cast, who).get(URL, query)
        assert r.status_code == 200, r.json()
        return [e["heard"] for e in r.json()]

    assert found("head_a", q="停车") == ["小区停车难,居民反映强烈"]
    assert found("head_a", since="2027-03-01", until="2027-03-01") == ["邻里关系和睦"]
    assert found("head_a", worker="worker_a1", mood="discontent") == ["小区停车难,居民反映强烈"]
    assert found("head_a", grid=cast.b1.code) == []
    assert found("worker_b1", q="停车") == ["古雁路停车秩序良好"]  # their own only
    assert found("dispatcher", q="停车") == []  # no heads' right
    assert found("admin", q="停车") == ["古雁路停车秩序良好", "小区停车难,居民反映强烈"]
    assert api(cast, None).get(URL).status_code == 401


def test_it_has_a_phone_page_and_a_search_page(cast: Any, homes: Any) -> None:
    phone = log_in(Client(), cast.worker_a1)
    page = phone.get("/m/diary/")
    assert page.status_code == 200 and "民情日记" in page.content.decode()
    r = phone.post("/m/diary/", {
        "grid": cast.a1.pk, "day": "2027-03-05", "heard": "居民希望增设健身器材",
        "mood": "calm", "follow_up": "", "cases": "",
    })  # fmt: skip
    assert r.status_code == 302, r.content.decode()
    entry = DiaryEntry.objects.get(heard="居民希望增设健身器材")
    assert phone.get(f"/m/diary/{entry.public_id}/").status_code == 200
    r = phone.post("/m/diary/", {"grid": cast.a1.pk, "day": "2027-03-05",
                                 "heard": "电话 0954-1234567", "mood": "calm"})  # fmt: skip
    assert r.status_code == 400 and "不" in r.content.decode()
    assert log_in(Client(), cast.worker_b1).get(f"/m/diary/{entry.public_id}/").status_code == 404
    assert log_in(Client(), cast.head_a).get(f"/m/diary/{entry.public_id}/").status_code == 403
    assert log_in(Client(), cast.nobody).get("/m/diary/").status_code == 403
    assert log_in(Client(), cast.worker_a1).get("/visits/diary/").status_code == 403
    head = log_in(Client(), cast.head_a).get("/visits/diary/", {"q": "健身"})
    assert head.status_code == 200 and "居民希望增设健身器材" in head.content.decode()
    assert "健身" not in log_in(Client(), cast.worker_b1).get("/m/diary/").content.decode()
