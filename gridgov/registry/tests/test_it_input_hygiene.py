"""Input hygiene on every interface (docs/adr/0011-input-text.md): text normalised once by
the API, the page forms and the import; refused characters named with their field; what is
stored findable by search; odd stored values never break an export or a page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.registry import imports, lists
from gridgov.registry.forms import HouseholdForm
from gridgov.registry.models import Household, Resident
from gridgov.registry.tests.sheets import A1, id_number, opened, resident, residents_file

from .test_pages import as_

pytestmark = pytest.mark.django_db

RLO = "\u202e"
# Every kind of odd character: C0 and C1 controls, NUL, invisibles, bidi controls, a lone
# surrogate cannot be stored by SQLite or PostgreSQL, so it is left out.
ODD = (
    "\x00\x01\x08\x0b\x0c\x1b\x1f\x7f\x85\x9b"
    "\u00ad\u200b\u200d\u200e\u202a\u202e\u2066\u2069\ufeff\uffff"
)


def api(cast: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens['admin']}")


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_it_refuses_a_direction_override_in_the_api_naming_the_field(cast: Any, reg: Any) -> None:
    before = Resident.objects.count()
    r = post(api(cast), "/api/v1/registry/residents",
             {"household": str(reg.h1.public_id), "name": f"张{RLO}三",
              "id_number": id_number(91), "relation": "other"})  # fmt: skip
    assert r.status_code == 422
    assert (r.json()["code"], r.json()["field"]) == ("invalid", "name")
    assert "U+202E" in r.json()["message"]
    assert Resident.objects.count() == before


def test_it_refuses_a_direction_override_in_a_page_form_next_to_the_field(cast: Any) -> None:
    form = HouseholdForm(
        data={"grid": A1, "address": f"幸福路{RLO}3号", "household_type": "unit"},
        grids=[cast.a1],
    )
    assert not form.is_valid()
    assert list(form.errors) == ["address"]
    assert "U+202E" in form.errors["address"][0]


def test_it_normalises_what_a_page_form_takes(cast: Any) -> None:
    form = HouseholdForm(
        data={"grid": A1, "address": "\ufeff幸福路\u200b３号\u3000", "household_type": "unit"},
        grids=[cast.a1],
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["address"] == "幸福路3号"


def test_it_refuses_a_direction_override_in_an_import_cell(cast: Any) -> None:
    data = residents_file([resident(name=f"李{RLO}四", number=id_number(92))])
    outcome = imports.run_import(actor=cast.admin, kind="residents", mode="all", data=data)
    assert outcome.status == "rejected"
    assert [(p.key, "U+202E" in p.message) for p in outcome.problems] == [("name", True)]


SEQUENCE = iter(range(100, 999))


@settings(max_examples=20, deadline=None)
@given(
    core=st.text(st.sampled_from("张王李赵刘陈杨黄周吴三四五六红军华英"), min_size=2, max_size=4),
    noise=st.lists(st.sampled_from(["\u200b", "\ufeff", "\u00ad", "\u200d", "\uff0e"]),
                   min_size=1, max_size=3),
)  # fmt: skip
def test_it_finds_what_it_stored_by_the_name_typed_either_way(
    cast: Any, reg: Any, core: str, noise: list[str]
) -> None:
    typed = core[0] + "".join(noise) + core[1:]
    r = post(api(cast), "/api/v1/registry/residents",
             {"household": str(reg.hb.public_id), "name": typed,
              "id_number": id_number(next(SEQUENCE)), "relation": "other"})  # fmt: skip
    assert r.status_code == 201, r.content
    stored = Resident.objects.get(public_id=r.json()["public_id"])
    for query in (typed, stored.name):
        page = api(cast).get("/api/v1/registry/residents", {"q": query, "limit": 200}).json()
        assert str(stored.public_id) in [item["public_id"] for item in page["items"]], query


def test_it_exports_and_shows_records_holding_every_odd_character(cast: Any, reg: Any) -> None:
    # Written around the services, as old data or a database tool would have (PostgreSQL
    # cannot hold NUL at all).
    odd = ODD.replace("\x00", "") if connection.vendor == "postgresql" else ODD
    Household.objects.filter(pk=reg.h1.pk).update(address=f"幸福路{odd}1号")
    Resident.objects.filter(pk=reg.zhang.pk).update(name=f"张{odd}三")
    data, rows = lists.export(actor=cast.admin, kind="households", params={})
    assert rows >= 1
    cells = [c for row in opened(data).active.iter_rows(values_only=True) for c in row]
    # Controls a workbook cannot hold are gone; line-like ones became spaces.
    assert [c for c in cells if str(c).startswith("幸福路")] == [
        "幸福路" + " " * 4 + "1号",
        "幸福路2号",
    ]
    data, _count = imports.export_residents(actor=cast.admin, params={})
    names = [c for row in opened(data).active.iter_rows(values_only=True) for c in row]
    assert [c for c in names if str(c).startswith("张")] == ["张" + " " * 4 + "三"]
    client = as_(cast, "admin")
    assert client.get(f"/registry/households/{reg.h1.public_id}/").status_code == 200
    assert client.get(f"/registry/residents/{reg.zhang.public_id}/").status_code == 200
    assert client.get("/registry/residents/").status_code == 200


def test_it_refuses_a_building_at_the_pole_of_any_grid(cast: Any) -> None:
    r = post(api(cast), "/api/v1/registry/buildings",
             {"grid": A1, "name": "极点楼", "lon": 106.05, "lat": 90.0, "floors": 1})  # fmt: skip
    assert r.status_code == 422
    assert (r.json()["code"], r.json()["field"]) == ("outside_grid", "lon")


def test_it_keeps_names_out_of_a_residents_str(reg: Any) -> None:
    assert "张三" not in str(reg.zhang) and "张三" not in repr(reg.zhang)
    assert "幸福路" not in str(reg.h1)
