"""gridgov.registry.search: each kind of query finds exactly its residents, in scope only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

from gridgov.core.errors import ServiceError
from gridgov.core.lib import idnumbers
from gridgov.registry import search, services
from gridgov.registry.models import Household, Resident

pytestmark = pytest.mark.django_db

A1, A2, B1 = "640402001001001", "640402001001002", "640402002001001"
ZHANG_A1 = idnumbers.make("640402", dt.date(1980, 5, 1), 11)
ZHANG_B1 = idnumbers.make("640402", dt.date(1985, 6, 2), 21)
# An ID number whose check character is X (the 6th sequence of this birth date).
X_ID = next(
    n for n in (idnumbers.make("640402", dt.date(1990, 3, 15), s) for s in range(1, 99))
    if n.endswith("X")
)  # fmt: skip


@pytest.fixture(scope="module")
def reg(cast: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        r = SimpleNamespace()

        def household(grid: str) -> Household:
            return services.register_household(
                actor=cast.admin, grid_code=grid, address=f"{grid}号", household_type="unit"
            )

        def person(h: Household, name: str, id_number: str, phone: str = "") -> Resident:
            data = services.ResidentIn(
                name=name, id_number=id_number, relation="other", phone=phone
            )
            return services.add_resident(actor=cast.admin, household=h, data=data)

        def seq(n: int) -> str:
            return idnumbers.make("640402", dt.date(1970, 1, 1), n)

        r.h1, r.h2, r.hb = household(A1), household(A2), household(B1)
        r.zhang_a1 = person(r.h1, "张三", ZHANG_A1, "13912345678")
        r.zhangsf = person(r.h1, "张三丰", seq(31), "13800005678")
        r.li = person(r.h1, "李四", X_ID)
        r.shan = person(r.h2, "单田芳", seq(41))
        r.zeng = person(r.h2, "曾国藩", seq(51), "0954-2349876")
        r.zhang_b1 = person(r.hb, "张三", ZHANG_B1, "13700001111")
        r.zhanghs = person(r.hb, "张红生", seq(61))
        r.gone = person(r.h2, "张三", seq(71))
        services.move_resident(actor=cast.admin, resident=r.gone, to=None, date=dt.date(2024, 1, 1))
        yield r
        transaction.set_rollback(True)


@pytest.fixture(params=["text index first", "grid index first"])
def path(request: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    # residents_for starts from the smaller of two ranges; PROBE 0 makes every grid range
    # count as no bigger than the text range, so both ways are checked to agree.
    if request.param == "grid index first":
        monkeypatch.setattr(search, "PROBE", 0)
    return str(request.param)


def names(user: Any, **params: str) -> list[tuple[str, str]]:
    return [(r.name, r.grid_code) for r in search.residents_for(user, params)]


def test_it_finds_one_person_by_the_full_id_number(cast: Any, reg: Any, path: str) -> None:
    assert names(cast.admin, q=ZHANG_A1) == [("张三", A1)]
    assert names(cast.admin, q=f" {ZHANG_A1[:6]} {ZHANG_A1[6:]} ") == [("张三", A1)]


def test_it_accepts_a_lower_case_x_in_an_id_number(cast: Any, reg: Any) -> None:
    assert names(cast.admin, q=X_ID.lower()) == [("李四", A1)]


def test_it_finds_one_person_by_the_full_phone(cast: Any, reg: Any) -> None:
    assert names(cast.admin, q="13912345678") == [("张三", A1)]
    assert names(cast.admin, q="１３９１２３４５６７８") == [("张三", A1)]  # full width


def test_it_finds_by_the_last_four_digits_of_id_numbers_and_phones(cast: Any, reg: Any) -> None:
    assert names(cast.admin, q=ZHANG_A1[-4:]) == [("张三", A1)]
    # The last four of a longer run of digits; phones and landlines alike.
    assert names(cast.admin, q="5678") == [("张三", A1), ("张三丰", A1)]
    assert names(cast.admin, q="2349876") == [("曾国藩", A2)]
    assert names(cast.admin, q=X_ID[-4:].lower()) == [("李四", A1)]


@pytest.mark.parametrize("q", ["1", "12", "123", "12x"])
def test_it_refuses_fewer_than_four_digits_on_field_q(cast: Any, reg: Any, q: str) -> None:
    with pytest.raises(ServiceError) as e:
        search.residents_for(cast.admin, {"q": q})
    assert (e.value.code, e.value.field, e.value.status) == ("query_too_short", "q", 422)


def test_it_finds_by_a_prefix_of_the_full_pinyin(cast: Any, reg: Any, path: str) -> None:
    assert names(cast.admin, q="zhangs") == [("张三", A1), ("张三", B1), ("张三丰", A1)]
    assert names(cast.admin, q="ZhangSanF") == [("张三丰", A1)]
    assert names(cast.admin, q="zhangh") == [("张红生", B1)]


def test_it_finds_surnames_by_their_surname_reading(cast: Any, reg: Any, path: str) -> None:
    assert names(cast.admin, q="shan") == [("单田芳", A2)]
    assert names(cast.admin, q="dan") == []
    assert names(cast.admin, q="zeng") == [("曾国藩", A2)]


def test_it_finds_by_a_prefix_of_the_initials(cast: Any, reg: Any, path: str) -> None:
    # Listed in the order of the initials: zs, zs, zsf.
    assert names(cast.admin, q="zs") == [("张三", A1), ("张三", B1), ("张三丰", A1)]
    assert names(cast.admin, q="zsf") == [("张三丰", A1)]
    assert names(cast.admin, q="stf") == [("单田芳", A2)]


def test_it_reads_zh_ch_sh_in_initials_either_way(cast: Any, reg: Any, path: str) -> None:
    # "zhs": z-h-s (张红生) or zh-s (张三, as the issue has it); in the order of the initials.
    assert names(cast.admin, q="zhs") == [
        ("张红生", B1), ("张三", A1), ("张三", B1), ("张三丰", A1),
    ]  # fmt: skip


def test_it_finds_by_a_prefix_of_the_chinese_name(cast: Any, reg: Any, path: str) -> None:
    assert names(cast.admin, q="张三") == [("张三", A1), ("张三", B1), ("张三丰", A1)]
    assert names(cast.admin, q="张") == [
        ("张三", A1), ("张三", B1), ("张三丰", A1), ("张红生", B1),
    ]  # fmt: skip
    assert names(cast.admin, q="三") == []


def test_it_lists_only_what_the_user_may_see(cast: Any, reg: Any, path: str) -> None:
    assert names(cast.worker_a1, q="zs") == [("张三", A1), ("张三丰", A1)]
    assert names(cast.head_a, q="张") == [("张三", A1), ("张三丰", A1)]
    assert names(cast.worker_b1, q="张") == [("张三", B1), ("张红生", B1)]
    assert names(cast.worker_b1, q=ZHANG_A1) == []
    assert names(cast.worker_b1, q="13912345678") == []
    assert names(cast.worker_b1, q="5678") == []
    assert names(cast.nobody, q="张") == []
    assert names(cast.dispatcher, q="zhangs") == [("张三", A1), ("张三", B1), ("张三丰", A1)]


def test_it_filters_by_grid_within_scope(cast: Any, reg: Any, path: str) -> None:
    assert names(cast.admin, q="张", grid=B1) == [("张三", B1), ("张红生", B1)]
    assert names(cast.admin, q="zs", grid="640402001") == [("张三", A1), ("张三丰", A1)]
    # A grid filter never widens the scope.
    assert names(cast.worker_a1, q="张", grid=B1) == []
    assert names(cast.worker_a1, grid="640402") == [("张三", A1), ("张三丰", A1), ("李四", A1)]


def test_it_lists_those_who_moved_out_only_when_asked(cast: Any, reg: Any, path: str) -> None:
    assert names(cast.admin, q="张三", grid=A2) == []
    # They keep the grid they were filed under.
    assert names(cast.admin, q="zs", grid=A2, status="moved_out") == [("张三", A2)]
    assert len(names(cast.admin, q="张三", status="all")) == 4


def test_it_refuses_a_grid_code_with_letters(cast: Any, reg: Any) -> None:
    with pytest.raises(ServiceError) as e:
        search.residents_for(cast.admin, {"grid": "64a"})
    assert (e.value.code, e.value.field, e.value.status) == ("invalid_grid", "grid", 422)


def test_it_lists_everything_in_scope_without_a_query(cast: Any, reg: Any) -> None:
    # Name order, then id.
    assert names(cast.head_a) == [
        ("单田芳", A2), ("张三", A1), ("张三丰", A1), ("曾国藩", A2), ("李四", A1),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("q", "column"),
    [
        ("zhang", "name_pinyin"),
        ("zs", "name_initials"),
        ("wxh", "name_initials"),
        ("张", "name"),
        ("5678", None),
        (ZHANG_A1, None),
    ],
)
def test_it_reads_each_kind_of_query_as_one_key(q: str, column: str | None) -> None:
    assert search.parse_text(q).column == column
