"""core.rows: the hot paths' statements built once per process write and read exactly what
the ORM would (ADR 0021, 0031)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.forms.models import model_to_dict

from gridgov.accounts.models import ApiToken, User
from gridgov.api import token_user
from gridgov.cases.models import Case, CaseEvent, Category
from gridgov.core import rows
from gridgov.registry.models import Household

pytestmark = pytest.mark.django_db


def same_as_read_back(obj: Any) -> None:
    fresh = type(obj).objects.get(pk=obj.pk)
    assert model_to_dict(fresh) == model_to_dict(obj)
    for f in obj._meta.concrete_fields:
        assert getattr(fresh, f.attname) == getattr(obj, f.attname), f.name


def test_it_inserts_a_row_as_save_would(cast: Any) -> None:
    category = Category.objects.create(code="9911", name="试验")
    case = Case(
        category=category, grid=cast.a1, grid_code=cast.a1.code, holder_code=cast.a1.code,
        lon=106.05, lat=36.1, description="路灯不亮", source="patrol", stage="reported",
        reporter=cast.worker_a1,
    )  # fmt: skip
    rows.insert(case)
    assert case.pk is not None and not case._state.adding
    assert case.created_at is not None and case.updated_at is not None  # auto_now(_add)
    same_as_read_back(case)
    event = CaseEvent(case=case, at=case.created_at, action="report", to_stage="reported")
    rows.insert(event)
    same_as_read_back(event)
    assert list(case.events.values_list("pk", flat=True)) == [event.pk]


def test_it_takes_the_id_first_where_the_database_can(cast: Any) -> None:
    taken = rows.next_id(Case)
    if connection.vendor != "postgresql":
        assert taken is None
        return
    category = Category.objects.create(code="9912", name="试验")
    case = Case(
        pk=taken, number=f"X{taken}", category=category, grid=cast.a1, grid_code=cast.a1.code,
        holder_code=cast.a1.code, description="x", source="patrol", stage="reported",
    )  # fmt: skip
    rows.insert(case)
    assert Case.objects.get(pk=taken).number == f"X{taken}"
    assert rows.next_id(Case) > taken


def test_it_refuses_a_model_with_database_defaults(cast: Any) -> None:
    with pytest.raises(TypeError, match="database defaults"):
        rows.insert(Household(grid=cast.a1, grid_code=cast.a1.code, address="1号"))
    assert not Household.objects.filter(address="1号").exists()


def test_it_reads_a_token_and_its_user_as_the_orm_does(cast: Any) -> None:
    key = cast.tokens["worker_a1"]
    token, user = token_user(key)
    orm = ApiToken.objects.select_related("user").get(key_hash=ApiToken.hash(key))
    assert (token.pk, token.user_id, token.expires_at, token.last_used_at) == (
        orm.pk, orm.user_id, orm.expires_at, orm.last_used_at,
    )  # fmt: skip
    assert isinstance(user, User)
    for f in User._meta.concrete_fields:
        assert getattr(user, f.attname) == getattr(orm.user, f.attname), f.name
    assert token_user("gg_no-such-key") is None


def test_it_names_unknown_fields() -> None:
    with pytest.raises(ValueError, match="no_such"):
        rows.columns(Case, ["id", "no_such"], "c")
