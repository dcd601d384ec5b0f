"""Registering again someone already in the registry is refused; where they live (and
whether they died) is said only to someone whose scope holds them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gridgov.core.errors import ServiceError
from gridgov.registry import imports, services
from gridgov.registry.models import Resident

from .sheets import resident, residents_file
from .test_pages import B1, id_number

pytestmark = pytest.mark.django_db


def refusal(actor: Any, home: Any, number: str) -> str:
    data = services.ResidentIn(name="某人", id_number=number, relation="other")
    with pytest.raises(ServiceError) as e:
        services.add_resident(actor=actor, household=home, data=data)
    assert (e.value.status, e.value.field) == (409, "id_number")
    return str(e.value.message)


def test_it_tells_an_outsider_only_that_the_number_is_registered(cast: Any, reg: Any) -> None:
    number = id_number(dt.date(1975, 7, 7), 41)  # 赵六, in B1
    said = refusal(cast.worker_a1, reg.h1, number)
    assert B1 not in said and "640402002" not in said
    assert "范围之外" in said or "outside" in said
    # Someone whose scope holds 赵六 learns where he lives.
    assert B1 in refusal(cast.admin, reg.h1, number)
    assert Resident.objects.filter(name="某人").count() == 0


def test_it_tells_an_importer_no_more(cast: Any, reg: Any) -> None:
    data = residents_file([resident(name="某人", number=id_number(dt.date(1975, 7, 7), 41))])
    outcome = imports.run_import(actor=cast.worker_a1, kind="residents", mode="all", data=data)
    assert outcome.status == "rejected"
    (problem,) = outcome.problems
    assert problem.key == "id_number" and B1 not in problem.message
