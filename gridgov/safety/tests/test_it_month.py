"""The constructed month against the hand-computed figures (conftest): joint liability,
stopping, reversal, inspections' deductions, ties, the fund, closing in order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from gridgov.core.errors import ServiceError
from gridgov.safety import queries, services
from gridgov.safety.models import Deduction, MonthClose

pytestmark = pytest.mark.django_db
MARCH = dt.date(2025, 3, 1)


def _by_name(f: queries.MonthFigures) -> dict[str, queries.PersonRow]:
    return {p.name: p for p in f.persons}


def test_it_deducts_the_violator_and_each_member_who_did_not_stop_it(ent: Any) -> None:
    rows = _by_name(queries.month_figures(ent.scheme, MARCH))
    assert (rows["A"].violator, rows["A"].joint) == (5, 3)
    assert (rows["B"].violator, rows["B"].joint) == (0, 5)
    assert rows["C"].deducted == 0  # stopped the outsider
    assert (rows["D"].violator, rows["D"].joint) == (2, 0)  # the reversed violation is gone
    assert (rows["E"].violator, rows["E"].inspection) == (0, 2)
    assert "BOSS" not in rows and "OFFICER" not in rows  # the enterprise's leaders are not ranked


def test_it_ranks_with_ties_and_names_the_candidates(ent: Any) -> None:
    f = queries.month_figures(ent.scheme, MARCH)
    got = [(p.name, p.score, p.rank) for p in f.persons]
    assert got == [
        ("C", 100, 1), ("H1", 100, 1), ("H2", 100, 1), ("D", 98, 4), ("E", 98, 4),
        ("B", 95, 6), ("A", 92, 7),
    ]  # fmt: skip
    assert {p.name for p in f.model_candidates} == {"C", "H1", "H2"}
    depts = [(d.name, d.members, d.score, d.rank, d.area_points) for d in f.departments]
    assert depts == [("设备部", 3, 98.67, 1, 2), ("生产部", 4, 96.75, 2, 13)]
    assert [d.name for d in f.worst_candidates] == ["生产部"]
    assert (f.points, f.fund_in, f.opening) == (17, Decimal("170.00"), Decimal(0))


def test_it_keeps_the_ledger_append_only(ent: Any) -> None:
    v4 = ent.month.v4
    entries = sorted(Deduction.objects.filter(violation=v4).values_list("points", "reversal"))
    assert entries == [(-10, False), (-3, False), (3, True), (10, True)]
    with pytest.raises(ServiceError) as e:
        services.reverse_violation(actor=ent.boss, violation=v4, reason="again")
    assert e.value.status == 409
    assert Deduction.objects.filter(violation=v4).count() == 4


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"violator": None, "outsider": ""}, "violator"),
        ({"outsider": "someone", "violator": 1}, "violator"),
        ({"rule": "R9"}, "rule"),
        ({"grid": "E"}, "grid"),
        ({"stoppers": "outsider"}, "stoppers"),
        ({"day": dt.date(2025, 2, 28)}, "happened_on"),
        ({"day": dt.date(2099, 1, 1)}, "happened_on"),
    ],
)
def test_it_refuses_bad_input_naming_the_field(ent: Any, kw: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"grid_code": ent.p111.code, "rule": "R1", "day": MARCH,
                            "violator": ent.a.pk}  # fmt: skip
    if kw.get("grid") == "E":
        args["grid_code"] = ent.e.code
    elif kw.get("stoppers") == "outsider":
        args["stoppers"] = [ent.d.pk]  # not a member of P111
    else:
        args.update(kw)
    if "violator" in kw and kw["violator"] == 1:
        args["violator"] = ent.a.pk
    before = Deduction.objects.count()
    with pytest.raises(ServiceError) as e:
        services.record_violation(actor=ent.officer, scheme=ent.scheme, **args)
    assert (e.value.status, e.value.field) == (422, field)
    assert Deduction.objects.count() == before


def test_it_closes_months_in_order_with_the_heads_choice_among_ties(ent: Any) -> None:
    april = dt.date(2025, 4, 1)
    with pytest.raises(ServiceError) as e:
        services.close_month(actor=ent.boss, scheme=ent.scheme, month=april)
    assert (e.value.status, e.value.field) == (409, "month")
    with pytest.raises(ServiceError) as e:
        services.close_month(actor=ent.boss, scheme=ent.scheme, month=MARCH)
    assert (e.value.status, e.value.field) == (422, "model")  # three tie for the best
    with pytest.raises(ServiceError) as e:
        services.close_month(actor=ent.boss, scheme=ent.scheme, month=MARCH, model=ent.a.pk)
    assert e.value.field == "model"
    with pytest.raises(ServiceError) as e:
        services.close_month(actor=ent.h1, scheme=ent.scheme, month=MARCH, model=ent.c.pk)
    assert e.value.status == 403
    assert not MonthClose.objects.exists()
    closed = services.close_month(actor=ent.boss, scheme=ent.scheme, month=MARCH, model=ent.c.pk)
    assert (closed.model_id, closed.worst_id, closed.points) == (ent.c.pk, ent.d1.pk, 17)
    assert (closed.fund_in, closed.reward, closed.penalty, closed.balance) == (
        Decimal("170.00"),
        Decimal("300.00"),
        Decimal("300.00"),
        Decimal("170.00"),
    )
    # A closed month no longer changes, and the next one opens with its balance.
    with pytest.raises(ServiceError) as e:
        services.record_violation(
            actor=ent.officer, scheme=ent.scheme, grid_code=ent.p111.code, rule="R1",
            day=dt.date(2025, 3, 30), violator=ent.b.pk,
        )  # fmt: skip
    assert e.value.status == 409
    with pytest.raises(ServiceError) as e:
        services.reverse_violation(actor=ent.boss, violation=ent.month.v1, reason="late")
    assert e.value.status == 409
    with pytest.raises(ServiceError) as e:
        services.close_month(actor=ent.boss, scheme=ent.scheme, month=MARCH, model=ent.c.pk)
    assert e.value.status == 409
    assert queries.month_figures(ent.scheme, april).opening == Decimal("170.00")
    assert [m.model_id for m in queries.year_models(ent.scheme, 2025)] == [ent.c.pk]
    with pytest.raises(ServiceError) as e:
        services.close_month(actor=ent.boss, scheme=ent.scheme, month=dt.date(2026, 12, 1))
    assert (e.value.status, e.value.field) == (422, "month")  # not over yet
