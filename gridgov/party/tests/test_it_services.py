"""party.services: what may be founded, filled, designated and linked; history kept; an
audit entry per change; refusals change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gridgov.core.errors import ServiceError
from gridgov.core.models import AuditEntry
from gridgov.party import services
from gridgov.party.models import CentralHousehold, Link, PartyOrg, Post

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (PartyOrg.objects.count(), Post.objects.count(), CentralHousehold.objects.count(),
            Link.objects.count(), AuditEntry.objects.count())  # fmt: skip


def refused(code: str, status: int, call: Any, **kw: Any) -> None:
    before = counts()
    with pytest.raises(ServiceError) as e:
        call(**kw)
    assert (e.value.code, e.value.status) == (code, status)
    assert counts() == before


def test_it_copies_the_grid_code_and_records_the_founding(cast: Any, net: Any) -> None:
    assert net.group.grid_code == cast.a1.code
    assert net.committee.grid_code == cast.a1.code
    assert net.central.grid_code == cast.a1.code
    assert net.l_branch.grid_code == cast.community_a.code  # the source's grid
    entry = AuditEntry.objects.get(action="party.org.create", object_key=str(net.group.pk))
    assert entry.after == {"kind": "group", "name": "第一党小组", "parent": net.branch.pk,
                           "grid": cast.a1.code, "founded_on": "2025-01-01",
                           "dissolved_on": None}  # fmt: skip


def test_it_lets_the_grid_head_found_a_group_in_scope(cast: Any, net: Any) -> None:
    org = services.create_org(actor=cast.head_a, kind="group", name="第二党小组", grid=cast.a1,
                              parent=net.branch)  # fmt: skip
    assert PartyOrg.objects.get(pk=org.pk).parent_id == net.branch.pk


def test_it_refuses_without_the_right_and_outside_the_scope(cast: Any, net: Any) -> None:
    kw = {"kind": "group", "name": "x", "grid": cast.a1, "parent": net.branch}
    refused("forbidden", 403, services.create_org, actor=cast.worker_a1, **kw)
    refused("not_found", 404, services.create_org, actor=cast.worker_b1, **kw)
    refused("not_found", 404, services.create_org, actor=cast.nobody, **kw)


def test_it_refuses_a_group_without_a_branch_and_a_child_outside_its_parent(
    cast: Any, net: Any
) -> None:
    a = cast.admin
    refused("parent_required", 422, services.create_org, actor=a, kind="group", name="x",
            grid=cast.a1)  # fmt: skip
    refused("bad_parent", 422, services.create_org, actor=a, kind="group", name="x",
            grid=cast.a1, parent=net.general)  # fmt: skip
    refused("outside_parent", 422, services.create_org, actor=a, kind="group", name="x",
            grid=cast.a2, parent=net.branch)  # fmt: skip


def test_it_fills_posts_with_party_members_only_and_by_the_organisation(
    cast: Any, net: Any
) -> None:
    a = cast.admin
    refused("not_party_member", 422, services.create_post, actor=a, org=net.branch,
            role="committee", resident=net.ding)  # fmt: skip
    refused("bad_role", 422, services.create_post, actor=a, org=net.group,
            role="secretary", resident=net.yi)  # fmt: skip
    refused("holder_required", 422, services.create_post, actor=a, org=net.branch,
            role="committee")  # fmt: skip


def test_it_designates_a_members_own_household_once(cast: Any, net: Any) -> None:
    a = cast.admin
    refused("already_central", 409, services.designate_central, actor=a, group=net.group,
            keeper=net.jia)  # fmt: skip
    refused("not_keepers_household", 422, services.designate_central, actor=a,
            group=net.group, keeper=net.yi, household=net.a1_households[0])  # fmt: skip
    refused("bad_group", 422, services.designate_central, actor=a, group=net.branch,
            keeper=net.yi)  # fmt: skip
    post = services.designate_central(actor=a, group=net.group, keeper=net.yi,
                                       kind="model_post", name="便民服务岗")  # fmt: skip
    assert (post.household_id, post.label) == (None, "便民服务岗")


def test_it_links_by_level_and_refuses_a_link_already_in_force(cast: Any, net: Any) -> None:
    a = cast.admin
    refused("already_linked", 409, services.create_link, actor=a, level="member",
            source=net.central, target=net.yi)  # fmt: skip
    refused("bad_source", 422, services.create_link, actor=a, level="branch",
            source=net.leader, target=net.branch)  # fmt: skip
    refused("bad_target", 422, services.create_link, actor=a, level="member",
            source=net.central, target=net.ding)  # fmt: skip
    refused("forbidden", 403, services.create_link, actor=cast.worker_a1, level="household",
            source=net.yi, target=net.a1_households[30])  # fmt: skip
    # Street A's administrator may link in street A, and B1's member is not there for them.
    refused("not_found", 404, services.create_link, actor=cast.admin_a, level="household",
            source=net.wu, target=net.a1_households[30])  # fmt: skip
    refused("not_found", 404, services.create_link, actor=cast.admin_a, level="household",
            source=net.yi, target=net.b1_households[30])  # fmt: skip


def test_it_ends_a_post_and_the_links_it_holds_keeping_both(cast: Any, net: Any) -> None:
    day = dt.date(2026, 3, 1)
    services.end_post(actor=cast.head_a, post=net.leader, on=day)
    assert Post.objects.get(pk=net.leader.pk).until == day
    assert Link.objects.get(pk=net.l_central.pk).until == day
    assert AuditEntry.objects.filter(action="party.link.end",
                                     object_key=str(net.l_central.pk)).count() == 1  # fmt: skip
    refused("already_ended", 409, services.end_post, actor=cast.head_a, post=net.leader)


def test_it_dissolves_only_what_nothing_hangs_off(cast: Any, net: Any) -> None:
    refused("in_use", 409, services.dissolve_org, actor=cast.admin, org=net.branch)
    empty = services.create_org(actor=cast.admin, kind="group", name="空党小组", grid=cast.a1,
                                parent=net.branch, founded_on=dt.date(2025, 6, 1))  # fmt: skip
    refused("bad_period", 422, services.dissolve_org, actor=cast.admin, org=empty,
            on=dt.date(2025, 1, 1))  # fmt: skip
    services.dissolve_org(actor=cast.admin, org=empty, on=dt.date(2026, 1, 1))
    assert PartyOrg.objects.get(pk=empty.pk).dissolved_on == dt.date(2026, 1, 1)
    assert empty.pk not in set(PartyOrg.objects.current().values_list("pk", flat=True))
