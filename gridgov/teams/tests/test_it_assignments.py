"""Giving and ending roles (accounts.services): rights, no raising above oneself, history,
and scope that follows the days an assignment runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from gridgov.accounts import services
from gridgov.accounts.models import Assignment, User
from gridgov.accounts.roles import Role
from gridgov.core.errors import ServiceError
from gridgov.core.models import AuditEntry
from gridgov.core.scope import forget, in_scope
from gridgov.teams import queries

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def fresh(user: User) -> User:
    forget(user)
    return User.objects.get(pk=user.pk)


def test_it_gives_a_role_and_the_scope_that_comes_with_it(cast: Any) -> None:
    assert not in_scope(cast.nobody, cast.a2.code)
    a = services.assign(actor=cast.head_a, user=cast.nobody, grid=cast.a2, role=Role.GRID_WORKER)
    assert (a.grid_code, a.starts_on, a.ends_on) == (cast.a2.code, TODAY, None)
    assert in_scope(fresh(cast.nobody), cast.a2.code)
    entry = AuditEntry.objects.get(action="assignment.start", object_key=cast.a2.code)
    assert (entry.actor, entry.after["user"], entry.after["role"]) == (
        cast.head_a,
        "nobody",
        "grid_worker",
    )


def test_it_refuses_a_role_above_the_giver_and_changes_nothing(cast: Any) -> None:
    before = Assignment.objects.count()
    for actor, role in [
        (cast.head_a, Role.ADMINISTRATOR),  # grids and the audit trail: not the head's
        (cast.admin_a, Role.GRID_HEAD),  # personal data in full: not the grid admin's
    ]:
        with pytest.raises(ServiceError) as e:
            services.assign(actor=actor, user=cast.nobody, grid=cast.a1, role=role)
        assert (e.value.code, e.value.status) == ("role_above_actor", 403)
    # What they do hold they may give.
    services.assign(actor=cast.admin_a, user=cast.nobody, grid=cast.a1, role=Role.GRID_INFORMANT)
    assert Assignment.objects.count() == before + 1


def test_it_refuses_outsiders_and_people_without_the_right(cast: Any) -> None:
    before = Assignment.objects.count()
    with pytest.raises(ServiceError) as e:
        services.assign(actor=cast.head_a, user=cast.nobody, grid=cast.b1, role=Role.VOLUNTEER)
    assert e.value.status == 404
    with pytest.raises(ServiceError) as e:
        services.assign(actor=cast.worker_a1, user=cast.nobody, grid=cast.a1, role=Role.VOLUNTEER)
    assert e.value.status == 403
    assert Assignment.objects.count() == before


def test_it_refuses_the_same_open_role_twice(cast: Any) -> None:
    with pytest.raises(ServiceError) as e:
        services.assign(actor=cast.admin, user=cast.worker_a1, grid=cast.a1, role=Role.GRID_WORKER)
    assert (e.value.code, e.value.status) == ("already_assigned", 409)


def test_it_ends_a_role_keeps_it_in_the_history_and_answers_who_held_it_on_a_day(
    cast: Any,
) -> None:
    start = TODAY - dt.timedelta(days=10)
    a = services.assign(
        actor=cast.admin, user=cast.nobody, grid=cast.a2, role=Role.GRID_WORKER, starts_on=start
    )
    with pytest.raises(ServiceError) as e:
        services.end(actor=cast.admin, assignment=a, ends_on=start - dt.timedelta(days=1))
    assert e.value.field == "ends_on"
    services.end(actor=cast.head_a, assignment=a, ends_on=TODAY - dt.timedelta(days=1))
    assert not in_scope(fresh(cast.nobody), cast.a2.code)
    five_days_ago = [
        x.user.username
        for p in queries.team(cast.a2, TODAY - dt.timedelta(days=5))
        for x in p.people
    ]
    assert five_days_ago == ["nobody"]
    assert queries.team(cast.a2) == []
    assert [x.pk for x in queries.history(cast.a2)] == [a.pk]
    with pytest.raises(ServiceError) as e:
        services.end(actor=cast.admin, assignment=a)
    assert e.value.status == 409


def test_it_gives_no_scope_before_an_assignment_starts(cast: Any) -> None:
    services.assign(
        actor=cast.admin, user=cast.nobody, grid=cast.b1, role=Role.VOLUNTEER,
        starts_on=TODAY + dt.timedelta(days=3),
    )  # fmt: skip
    assert not in_scope(fresh(cast.nobody), cast.b1.code)


def test_it_lists_grids_without_a_worker_per_community(cast: Any) -> None:
    rows = {r.unit.code: (r.grids, r.covered, [g.code for g in r.uncovered])
            for r in queries.uncovered(cast.county)}  # fmt: skip
    assert rows == {
        cast.community_a.code: (2, 1, [cast.a2.code]),
        cast.community_b.code: (1, 1, []),
    }
