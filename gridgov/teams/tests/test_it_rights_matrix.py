"""Every role giving every role on a grid under it: allowed exactly when the giver may
assign people there and holds each guarded right of the role given (roles.RIGHTS)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from gridgov.accounts import services
from gridgov.accounts.models import Assignment, User
from gridgov.accounts.roles import GUARDED, RIGHTS, Right, Role
from gridgov.conftest import EPOCH
from gridgov.core.errors import ServiceError

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def givers(cast: Any, django_db_blocker: Any) -> Iterator[dict[str, User]]:
    """One person per role, holding it on community A."""
    with django_db_blocker.unblock(), transaction.atomic():
        people = {}
        for role in Role.values:
            people[role] = User.objects.create_user(f"giver_{role}", password="pw")
            Assignment.objects.create(
                user=people[role], grid=cast.community_a, role=role, starts_on=EPOCH
            )
        yield people
        transaction.set_rollback(True)


@pytest.mark.parametrize("giver", Role.values)
def test_it_lets_each_role_give_exactly_the_roles_the_table_allows(
    cast: Any, givers: dict[str, User], giver: str
) -> None:
    held = RIGHTS[giver]
    for given in Role.values:
        allowed = Right.CHANGE_TEAMS in held and RIGHTS[given] & GUARDED <= held
        before = Assignment.objects.count()
        try:
            with transaction.atomic():
                services.assign(actor=givers[giver], user=cast.nobody, grid=cast.a2, role=given)
                transaction.set_rollback(True)
            outcome = True
        except ServiceError as e:
            assert e.status == 403, (giver, given, e.code)
            outcome = False
        assert outcome is allowed, (giver, given)
        assert Assignment.objects.count() == before
