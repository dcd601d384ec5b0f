"""A small party network on the fixed cast (gridgov/conftest.py), built once per module
through the services and rolled back after it.

Community A: general branch 甲社区党总支 (secretary 党甲) → grid branch A1 (committee: 党乙,
and the user head_a) → party group 第一党小组 (leader 党丙) → central household of 党甲,
which links 党乙 and 党丙 (2: under 5–10); 党乙 links 12 households of A1 (in range), 党丙 3
(under), 党甲 none (unlinked). 群众丁 lives in A1 and is no party member. Community B: a
grid branch on B1 and its member 党戊 (the outsider's side).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

SINCE = dt.date(2025, 1, 1)


def id_number(birth: dt.date, sequence: int) -> str:
    from gridgov.core.lib import idnumbers

    return idnumbers.make("640402", birth, sequence)


def build_network(c: SimpleNamespace) -> SimpleNamespace:
    from gridgov.party import services as party
    from gridgov.registry import services as registry
    from gridgov.registry.models import Household

    n = SimpleNamespace()
    a1 = list(Household.objects.filter(grid_code=c.a1.code).order_by("id"))
    b1 = list(Household.objects.filter(grid_code=c.b1.code).order_by("id"))
    n.a1_households, n.b1_households = a1, b1

    def person(home: Any, name: str, seq: int, member: bool, phone: str) -> Any:
        data = registry.ResidentIn(name=name, id_number=id_number(dt.date(1970, 1, 1), seq),
                                   relation="head", phone=phone, party_member=member)  # fmt: skip
        return registry.add_resident(actor=c.admin, household=home, data=data)

    n.jia = person(a1[0], "党甲", 11, True, "13900000001")
    n.yi = person(a1[1], "党乙", 21, True, "13900000002")
    n.bing = person(a1[2], "党丙", 31, True, "13900000003")
    n.ding = person(a1[3], "群众丁", 41, False, "13900000004")
    n.wu = person(b1[0], "党戊", 51, True, "13900000005")
    a = c.admin
    n.general = party.create_org(actor=a, kind="general_branch", name="甲社区党总支",
                                 grid=c.community_a, founded_on=SINCE)  # fmt: skip
    n.branch = party.create_org(actor=a, kind="branch", name="甲社区第1网格党支部", grid=c.a1,
                                parent=n.general, founded_on=SINCE)  # fmt: skip
    n.group = party.create_org(actor=a, kind="group", name="第一党小组", grid=c.a1,
                               parent=n.branch, founded_on=SINCE)  # fmt: skip
    n.branch_b = party.create_org(actor=a, kind="branch", name="乙社区第1网格党支部", grid=c.b1,
                                  founded_on=SINCE)  # fmt: skip
    n.secretary = party.create_post(actor=a, org=n.general, role="secretary", resident=n.jia,
                                    since=SINCE)  # fmt: skip
    n.committee = party.create_post(actor=a, org=n.branch, role="committee", resident=n.yi,
                                    since=SINCE)  # fmt: skip
    n.cadre = party.create_post(actor=a, org=n.branch, role="secretary", user=c.head_a,
                                since=SINCE)  # fmt: skip
    n.leader = party.create_post(actor=a, org=n.group, role="group_leader", resident=n.bing,
                                 since=SINCE)  # fmt: skip
    n.post_b = party.create_post(actor=a, org=n.branch_b, role="secretary", resident=n.wu,
                                 since=SINCE)  # fmt: skip
    n.central = party.designate_central(actor=a, group=n.group, keeper=n.jia, since=SINCE)

    def link(level: str, source: Any, target: Any) -> Any:
        return party.create_link(actor=a, level=level, source=source, target=target, since=SINCE)

    n.l_branch = link("branch", n.secretary, n.branch)
    n.l_group = link("group", n.committee, n.group)
    n.l_central = link("central", n.leader, n.central)
    n.l_yi = link("member", n.central, n.yi)
    n.l_bing = link("member", n.central, n.bing)
    n.yi_homes = [link("household", n.yi, h) for h in a1[10:22]]
    n.bing_homes = [link("household", n.bing, h) for h in a1[22:25]]
    return n


@pytest.fixture(scope="module")
def net(cast: SimpleNamespace, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_network(cast)
        transaction.set_rollback(True)
