"""Export of the registry's lists other than residents (registry.lists): who may export, the
list page's scope and filters, what each column holds, formula neutralising, the audit
entry, and the link from each list page."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

from gridgov.conftest import square
from gridgov.core.errors import ServiceError
from gridgov.core.models import AuditEntry
from gridgov.registry import lists, services, xlsx
from gridgov.registry.tests.sheets import A1, A2, B1, opened

from .test_pages import as_, parse
from .test_pages_lists import body

pytestmark = pytest.mark.django_db

URL = "/registry/imports/export/{}.xlsx"
PAGES = {
    "households": "/registry/households/",
    "buildings": "/registry/buildings/",
    "places": "/registry/places/",
    "components": "/registry/components/",
    "organisations": "/registry/organisations/",
}
KINDS = list(PAGES)
# The column that names a row in the file; the list page shows the same in its first.
KEYS = {"households": "地址", "buildings": "名称", "places": "名称", "components": "部件标识码",
        "organisations": "名称"}  # fmt: skip
FORMULA = '=HYPERLINK("http://x","点我")'


def build_lists(c: SimpleNamespace) -> SimpleNamespace:
    """In A1, A2 and B1: a building (A1's outlined), a household on 幸福路, a place (A1's named
    like a formula), a component and an organisation."""
    r = SimpleNamespace()
    r.tower = services.register_building(
        actor=c.admin, grid_code=A1,
        data=services.BuildingIn(name="1号楼", lon=106.05, lat=36.2, floors=6, units=2,
                                 footprint=square(106.049, 36.199, 106.051, 36.201)),
    )  # fmt: skip
    services.register_building(
        actor=c.admin, grid_code=A2, data=services.BuildingIn(name="2号楼", lon=106.15, lat=36.2)
    )
    services.register_building(
        actor=c.admin, grid_code=B1, data=services.BuildingIn(name="9号楼", lon=106.3, lat=36.2)
    )
    services.register_household(
        actor=c.admin, grid_code=A1, address="幸福路1号", household_type="property_managed",
        building_code=r.tower.code, unit="1", floor=3, room="301",
    )  # fmt: skip
    for grid, address in ((A2, "幸福路2号"), (B1, "幸福路3号")):
        services.register_household(
            actor=c.admin, grid_code=grid, address=address, household_type="agricultural"
        )
    for grid, name in ((A1, FORMULA), (A1, "便民超市"), (A2, "甲2场所"), (B1, "乙场所")):
        services.register_place(actor=c.admin, grid_code=grid, name=name, kind="shop")
    for grid, code, name, lon in ((A1, "6404020101000001", "井盖", 106.05),
                                  (A2, "6404020201000002", "路灯", 106.15),
                                  (B1, "6404020301000003", "垃圾箱", 106.3)):  # fmt: skip
        services.register_component(
            actor=c.admin, grid_code=grid, code=code, name=name, lon=lon, lat=36.1
        )
    for grid, name, phone in ((A1, "甲公司", "13800001111"), (A2, "甲2公司", ""),
                              (B1, "乙公司", "13900002222")):  # fmt: skip
        services.register_organisation(
            actor=c.admin, grid_code=grid, name=name, kind="enterprise", phone=phone
        )
    return r


@pytest.fixture(scope="module")
def reg(cast: SimpleNamespace, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_lists(cast)
        transaction.set_rollback(True)


def sheet(response: Any) -> list[list[Any]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = opened(response.content).worksheets[0]
    return [[c.value for c in r] for r in ws.iter_rows()]


def column(rows: list[list[Any]], header: str) -> list[Any]:
    i = rows[0].index(header)
    return [r[i] for r in rows[1:]]


def unquoted(values: list[Any]) -> list[Any]:
    """Cells as the page shows them: without the apostrophe that keeps a formula text."""
    return [v.removeprefix("'") if isinstance(v, str) else v for v in values]


def on_pages(client: Any, kind: str, params: dict[str, str]) -> list[str]:
    """The first cell of every row the list page shows, page after page."""
    found: list[str] = []
    for number in range(1, 100):
        p = parse(client.get(PAGES[kind], {**params, "page": str(number)}))
        found += [row[0] for row in body(p)]
        if not [a for a in p.root.all("a") if a.attrs.get("rel") == "next"]:
            return found
    raise AssertionError("too many pages")


# ---------------------------------------------------------------- who may export


@pytest.mark.parametrize("kind", KINDS)
def test_it_refuses_anonymous_no_right_and_out_of_scope(cast: Any, reg: Any, kind: str) -> None:
    url = URL.format(kind)
    audits = AuditEntry.objects.count()
    assert as_(cast, None).post(url)["Location"].startswith("/login/")
    assert as_(cast, "nobody").post(url).status_code == 403
    assert as_(cast, "worker_b1").post(url, {"grid": A1}).status_code == 404
    # Above their grid is out of scope too, as is a code that is no grid.
    assert as_(cast, "worker_a1").post(url, {"grid": "640402001001"}).status_code == 404
    assert as_(cast, "worker_a1").post(url, {"grid": "x"}).status_code == 404
    # A link or an image elsewhere cannot export (and be recorded) in someone's name.
    assert as_(cast, "worker_a1").get(url).status_code == 405
    assert AuditEntry.objects.count() == audits  # nothing exported, nothing recorded


def test_it_refuses_an_unknown_kind(cast: Any, reg: Any) -> None:
    assert as_(cast, "worker_a1").post(URL.format("tags")).status_code == 404
    assert as_(cast, "admin").post(URL.format("accesslogs")).status_code == 404
    with pytest.raises(ServiceError) as e:
        lists.export(actor=cast.admin, kind="tags", params={})
    assert e.value.status == 404


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", ["worker_a1", "worker_b1"])
def test_it_exports_the_rows_the_list_page_lists(cast: Any, reg: Any, kind: str, who: str) -> None:
    client = as_(cast, who)
    rows = sheet(client.post(URL.format(kind)))
    assert unquoted(column(rows, KEYS[kind])) == on_pages(client, kind, {})
    # Only their own grid: none of the other worker's rows.
    assert set(column(rows, "网格编码")) == {A1 if who == "worker_a1" else B1}


FILTERED = [
    ("households", {"address": "幸福路"}, ["幸福路1号", "幸福路2号"]),
    ("households", {"grid": A2, "address": "幸福路"}, ["幸福路2号"]),
    ("buildings", {"grid": A2}, ["2号楼"]),
    ("places", {"grid": A1}, ["'" + FORMULA, "便民超市"]),
    ("places", {"grid": A2}, ["甲2场所"]),
    ("components", {"grid": A2}, ["6404020201000002"]),
    ("organisations", {"grid": A1}, ["甲公司"]),
]


@pytest.mark.parametrize(("kind", "params", "expected"), FILTERED)
def test_it_applies_the_list_filters(
    cast: Any, reg: Any, kind: str, params: dict[str, str], expected: list[str]
) -> None:
    client = as_(cast, "head_a")  # community A: grids A1 and A2
    got = column(sheet(client.post(URL.format(kind), params)), KEYS[kind])
    assert got == expected
    assert unquoted(got) == on_pages(client, kind, params)


# ---------------------------------------------------------------- what the file holds


def test_it_writes_households_as_the_import_template_names_them(cast: Any, reg: Any) -> None:
    rows = sheet(as_(cast, "head_a").post(URL.format("households"), {"address": "幸福路"}))
    assert rows == [
        ["网格编码", "网格名称", "地址", "单元", "楼层", "房号", "户类型", "楼栋编码", "人数"],
        [A1, "甲社区第1网格", "幸福路1号", "1", 3, "301", "物业小区", reg.tower.code, 0],
        [A2, "甲社区第2网格", "幸福路2号", None, None, None, "农业散居院落", None, 0],
    ]
    # The file imports again: the columns an import does not know are the export's own.
    data = as_(cast, "head_a").post(URL.format("households"), {"address": "幸福路"}).content
    assert [values["address"] for _n, values in xlsx.read(data, "households").rows] == [
        "幸福路1号", "幸福路2号"]  # fmt: skip


def test_it_writes_buildings_places_components_organisations(cast: Any, reg: Any) -> None:
    client = as_(cast, "worker_a1")
    grid = [A1, "甲社区第1网格"]
    assert sheet(client.post(URL.format("buildings"))) == [
        ["网格编码", "网格名称", "楼栋编码", "名称", "经度", "纬度", "层数", "单元数", "已定位"],
        [*grid, reg.tower.code, "1号楼", 106.05, 36.2, 6, 2, "是"],
    ]
    assert sheet(as_(cast, "head_a").post(URL.format("buildings"), {"grid": A2}))[1][-1] == "否"
    assert sheet(client.post(URL.format("places"))) == [
        ["网格编码", "网格名称", "名称", "类型", "地址", "经度", "纬度"],
        [*grid, "'" + FORMULA, "商铺", None, None, None],
        [*grid, "便民超市", "商铺", None, None, None],
    ]
    assert sheet(client.post(URL.format("components"))) == [
        ["网格编码", "网格名称", "部件标识码", "名称", "大类", "小类", "经度", "纬度"],
        [*grid, "6404020101000001", "井盖", "公用设施", "01", 106.05, 36.1],
    ]
    assert sheet(client.post(URL.format("organisations"))) == [
        ["网格编码", "网格名称", "名称", "类型", "统一社会信用代码", "地址", "联系人", "联系电话"],
        [*grid, "甲公司", "企业", None, None, None, "138****1111"],
    ]


def test_it_writes_a_formula_as_text(cast: Any, reg: Any) -> None:
    response = as_(cast, "worker_a1").post(URL.format("places"))
    cell = opened(response.content).worksheets[0]["C2"]
    assert (cell.value, cell.data_type) == ("'" + FORMULA, "s")


def test_it_records_each_export(cast: Any, reg: Any) -> None:
    as_(cast, "head_a").post(URL.format("households"), {"grid": A2, "address": "幸福路"})
    as_(cast, "worker_a1").post(URL.format("organisations"))
    entries = AuditEntry.objects.filter(object_type="export").order_by("id")
    assert [(e.actor, e.action, e.after) for e in entries] == [
        (cast.head_a, "household.export",
         {"rows": 1, "grid": A2, "address": "幸福路", "channel": "export"}),
        (cast.worker_a1, "organisation.export", {"rows": 1, "grid": "", "channel": "export"}),
    ]  # fmt: skip


def test_it_reads_the_rows_in_one_query_however_many(
    cast: Any, reg: Any, django_assert_num_queries: Any
) -> None:
    client = as_(cast, "worker_b1")
    client.post(URL.format("households"))
    with django_assert_num_queries(8):
        # 1 session, 2 user, 3 assignments, 4 any grid in scope; the export and its entry
        # are one transaction (here a savepoint): 5 its start, 6 the 601 households with
        # their grid's name and building's code, 7 the audit entry, 8 its end.
        rows = sheet(client.post(URL.format("households")))
    assert len(rows) == 1 + 601


def test_it_stops_a_web_export_past_the_limit(cast: Any, reg: Any) -> None:
    with pytest.raises(ServiceError) as e:
        lists.export(actor=cast.worker_a1, kind="places", params={}, limit=1)
    assert (e.value.code, e.value.status) == ("too_many_rows", 422)
    assert not AuditEntry.objects.filter(object_type="export").exists()
    assert (
        as_(cast, "worker_a1").post(URL.format("households"), {"address": "x" * 61}).status_code
        == 422
    )


# ---------------------------------------------------------------- the list pages


@pytest.mark.parametrize(
    ("kind", "params", "sent"),
    [
        ("households", {"grid": A1, "address": "幸福路"}, {"grid": A1, "address": "幸福路"}),
        ("buildings", {}, {}),
        ("places", {"grid": A1, "page": "1"}, {"grid": A1}),
        ("components", {}, {}),
        ("organisations", {"grid": A1}, {"grid": A1}),
    ],
)
def test_it_posts_each_lists_filters_to_its_export(
    cast: Any, reg: Any, kind: str, params: dict[str, str], sent: dict[str, str]
) -> None:
    p = parse(as_(cast, "worker_a1").get(PAGES[kind], params))
    form = p.root.one("form", "export")
    assert (form.attrs["method"], form.attrs["action"]) == ("post", URL.format(kind))
    hidden = {
        i.attrs["name"]: i.attrs["value"]
        for i in form.all("input")
        if i.attrs.get("type") == "hidden" and i.attrs["name"] != "csrfmiddlewaretoken"
    }
    assert hidden == sent
