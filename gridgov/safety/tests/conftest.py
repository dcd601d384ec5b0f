"""An enterprise beside the fixed cast, and a constructed month (March 2025) with joint
liability and ties (docs/adr/0030-enterprise-safety.md).

The enterprise E (640402000000000001, enterprise-safety network) has two departments:
D1 (生产部) with team T11 and its posts P111, P112; D2 (设备部) with team T21 and post P211.
People: `boss` heads E (the right "assess"), `officer` carries out the daily patrol on E
(a dedicated-grid head), `h1` heads D1, `a` and `b` hold P111, `c` P112, `h2` heads D2,
`d` and `e` hold P211. Rules: R1 未戴安全帽 5/2 (violator/each member), R2 违章动火 10/3,
R3 通道堵塞 2/0.

Hand-computed month (`build_month`):
1. 03-05 `a` breaks R1 in P111: a −5, b −2 (joint).
2. 03-10 an outsider breaks R2 in T11, stopped by c: a −3, b −3; c none (stopped it).
3. 03-12 `d` breaks R3 in P211: d −2 (no joint points).
4. 03-15 `e` breaks R2 in P211 (e −10, d −3), reversed the next day: nothing stands.
5. 03-20 the monthly inspection of P211 deducts 2 points from `e`.
Scores (base 100): c, h1, h2 100 (rank 1, tied); d, e 98 (rank 4); b 95 (6); a 92 (7).
Departments: D1 (h1, a, b, c) 96.75, D2 (h2, d, e) 98.67: D1 is the worst. Points 17,
into the fund 170 yuan; closed with c as the model: 170 + 300 − 300 = 170.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

TZ = ZoneInfo("Asia/Shanghai")
E = "640402000000000001"
START = dt.date(2025, 3, 1)


def build_enterprise(cast: Any) -> SimpleNamespace:
    from gridgov.accounts.models import ApiToken, Assignment, User
    from gridgov.accounts.roles import Role
    from gridgov.demo.generate import ensure_networks
    from gridgov.grids.models import Grid
    from gridgov.inspections.models import Schedule, Template
    from gridgov.safety.models import Rule, Scheme

    net = ensure_networks()["enterprise-safety"]
    x = SimpleNamespace(network=net)

    def grid(code: str, name: str, parent: Grid | None) -> Grid:
        return Grid.objects.create(
            network=net, parent=parent, depth=0 if parent is None else parent.depth + 1,
            code=code, name=name, valid_from=dt.date(2021, 1, 1),
        )  # fmt: skip

    x.e = grid(E, "宁夏示范化工有限公司", None)
    x.d1 = grid(E + "01", "生产部", x.e)
    x.d2 = grid(E + "02", "设备部", x.e)
    x.t11 = grid(E + "0101", "合成班组", x.d1)
    x.t21 = grid(E + "0201", "维修班组", x.d2)
    x.p111 = grid(E + "010101", "反应釜岗位", x.t11)
    x.p112 = grid(E + "010102", "包装岗位", x.t11)
    x.p211 = grid(E + "020101", "焊接岗位", x.t21)

    def person(username: str, node: Grid, role: str) -> User:
        user = User.objects.create_user(username, password="pw", first_name=username.upper())
        Assignment.objects.create(user=user, grid=node, role=role, starts_on=START)
        return user

    x.boss = person("boss", x.e, Role.GRID_HEAD)
    x.officer = person("officer", x.e, Role.DEDICATED_HEAD)
    x.h1 = person("h1", x.d1, Role.GRID_HEAD)
    x.a = person("a", x.p111, Role.GRID_WORKER)
    x.b = person("b", x.p111, Role.GRID_WORKER)
    x.c = person("c", x.p112, Role.GRID_WORKER)
    x.h2 = person("h2", x.d2, Role.GRID_HEAD)
    x.d = person("d", x.p211, Role.GRID_WORKER)
    x.e_ = person("e", x.p211, Role.GRID_WORKER)
    x.tokens = {u.username: ApiToken.issue(u, "test")[1] for u in (x.boss, x.officer, x.h1, x.a)}
    x.scheme = Scheme.objects.create(
        grid=x.e, grid_code=E, name="宁夏示范化工有限公司", starts_on=START
    )
    for code, text, points, joint in (
        ("R1", "未戴安全帽进入作业区", 5, 2),
        ("R2", "违章动火作业", 10, 3),
        ("R3", "安全通道堵塞", 2, 0),
    ):
        Rule.objects.create(
            scheme=x.scheme, code=code, text=text, points=points, joint_points=joint
        )
    x.template = Template.objects.get(code="safety-daily")
    x.patrol = Schedule.objects.create(
        template=x.template, grid=x.e, grid_code=E, cadence="daily", role=Role.DEDICATED_HEAD,
        starts_on=START,
    )  # fmt: skip
    return x


def build_month(x: Any) -> SimpleNamespace:
    from gridgov.inspections.models import Inspection, PointEntry
    from gridgov.safety import services

    def record(day: int, grid: Any, rule: str, **kw: Any) -> Any:
        return services.record_violation(
            actor=x.officer, scheme=x.scheme, grid_code=grid.code, rule=rule,
            day=dt.date(2025, 3, day), **kw,
        )  # fmt: skip

    m = SimpleNamespace()
    m.v1 = record(5, x.p111, "R1", violator=x.a.pk)
    m.v2 = record(10, x.t11, "R2", outsider="外来施工人员", stoppers=[x.c.pk])
    m.v3 = record(12, x.p211, "R3", violator=x.d.pk)
    m.v4 = record(15, x.p211, "R2", violator=x.e_.pk)
    services.reverse_violation(actor=x.boss, violation=m.v4, reason="认定有误")
    item = x.template.items.order_by("position").first()
    inspection = Inspection.objects.create(
        template=x.template, grid=x.p211, grid_code=x.p211.code, inspector=x.officer,
        person=x.e_, inspected_at=dt.datetime(2025, 3, 20, 10, tzinfo=TZ), score=-2,
    )  # fmt: skip
    PointEntry.objects.create(
        inspection=inspection, item=item, grid_code=x.p211.code, person=x.e_,
        day=dt.date(2025, 3, 20), points=-2,
    )  # fmt: skip
    return m


@pytest.fixture(scope="module")
def ent(cast: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        x = build_enterprise(cast)
        x.month = build_month(x)
        yield x
        transaction.set_rollback(True)
