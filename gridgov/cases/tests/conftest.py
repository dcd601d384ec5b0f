"""Cases' own cast beside the fixed one: a department (城管局, on the county) with a
handler, and the categories the migration loaded."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction


@pytest.fixture(scope="module")
def dept(cast: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    from gridgov.accounts.models import Assignment, User
    from gridgov.accounts.roles import Role
    from gridgov.cases.models import Category
    from gridgov.conftest import EPOCH
    from gridgov.registry.models import Organisation

    with django_db_blocker.unblock(), transaction.atomic():
        unit = Organisation.objects.create(
            grid=cast.county, grid_code=cast.county.code, name="城管局", kind="unit"
        )
        handler = User.objects.create_user("handler", password="pw")
        Assignment.objects.create(
            user=handler, grid=cast.county, role=Role.DEPARTMENT_HANDLER, unit=unit,
            starts_on=EPOCH,
        )  # fmt: skip
        yield SimpleNamespace(
            unit=unit,
            handler=handler,
            litter=Category.objects.get(code="0101"),
            fire=Category.objects.get(code="0501"),
        )
        transaction.set_rollback(True)
