"""An enterprise's safety grids in the demo district (plan 6, issue 11): a chemical plant in
the enterprise-safety network — three departments, their teams and posts with named people —
its deduction rules, four months of violations (some by outsiders, some stopped, one now and
then reversed), the months before this one closed with their safety model and worst
department, and a login for its safety lead.

Made through the services as the safety lead; deterministic for a seed and a `today`.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from gridgov.accounts.models import Assignment, User
from gridgov.accounts.roles import Role
from gridgov.grids.models import Grid, Network
from gridgov.safety import queries, services
from gridgov.safety.models import Rule, Scheme

from .names import GIVEN_CHARS, SURNAMES
from .users import DEMO_PASSWORD, _second

MONTHS = 4
ENTERPRISE = "示范化工有限公司"
# Department → team → posts.
TREE = {
    "生产部": {"合成班组": ["反应釜岗位", "精馏岗位"], "包装班组": ["包装岗位", "仓储岗位"]},
    "设备部": {"维修班组": ["焊接岗位", "电工岗位"], "仪表班组": ["仪表岗位"]},
    "安全环保部": {"巡检班组": ["巡检岗位", "环保监测岗位"]},
}
RULES = (
    ("R01", "未按规定佩戴安全帽等劳动防护用品", 5, 2),
    ("R02", "未办理动火作业票违章动火", 10, 3),
    ("R03", "安全通道、消防通道堵塞", 3, 1),
    ("R04", "设备检修未执行挂牌上锁", 8, 3),
    ("R05", "作业现场吸烟", 10, 2),
    ("R06", "交接班记录不全", 2, 0),
)
OUTSIDERS = ("外包施工队人员", "来访人员", "物流司机", "设备厂家服务人员")
NOTES = ("巡查发现，已当场纠正", "已责令整改", "已通报班组", "")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.randint(1, 2)))


def _months(today: dt.date) -> list[dt.date]:
    """The first days of the last MONTHS months, this one included, oldest first."""
    out = [today.replace(day=1)]
    for _ in range(MONTHS - 1):
        out.insert(0, queries.previous_month(out[0]))
    return out


def ensure_demo_safety(seed: int = 13, *, today: dt.date | None = None) -> tuple[int, User | None]:
    """The plant, once; returns (violations recorded, the safety lead)."""
    if Scheme.objects.exists():
        return 0, None
    root = Grid.objects.filter(network__slug="comprehensive", depth=0).order_by("code").first()
    network = Network.objects.filter(slug="enterprise-safety").first()
    if root is None or network is None:
        return 0, None
    rng = random.Random(seed)
    today = today or timezone.localdate()
    months = _months(today)
    start = months[0]
    with transaction.atomic():
        code = f"{root.code}{'0' * (17 - len(root.code))}1"
        e = Grid.objects.create(
            network=network, depth=0, code=code, name=ENTERPRISE, valid_from=start
        )
        unusable = make_password(None)
        lead = User(username="safety", first_name="安全负责人")
        lead.set_password(DEMO_PASSWORD)
        lead.save()
        Assignment.objects.create(user=lead, grid=e, role=Role.GRID_HEAD, starts_on=start)
        posts: list[Grid] = []
        counter = 0

        def person(grid: Grid, role: str) -> None:
            nonlocal counter
            counter += 1
            user = User.objects.create(
                username=f"plant{counter:03d}", password=unusable, first_name=_name(rng)
            )
            Assignment.objects.create(user=user, grid=grid, role=role, starts_on=start)

        def node(parent: Grid, number: int, name: str) -> Grid:
            return Grid.objects.create(
                network=network, parent=parent, depth=parent.depth + 1,
                code=f"{parent.code}{number:02d}", name=name, valid_from=start,
            )  # fmt: skip

        for i, (dept, teams) in enumerate(TREE.items(), 1):
            d = node(e, i, dept)
            person(d, Role.GRID_HEAD)
            for j, (team, names) in enumerate(teams.items(), 1):
                t = node(d, j, team)
                person(t, Role.GRID_HEAD)
                for k, name in enumerate(names, 1):
                    p = node(t, k, name)
                    posts.append(p)
                    for _ in range(rng.randint(2, 3)):
                        person(p, Role.GRID_WORKER)
        scheme = Scheme.objects.create(grid=e, grid_code=code, name=ENTERPRISE, starts_on=start)
        Rule.objects.bulk_create(
            Rule(scheme=scheme, code=c, text=text, points=points, joint_points=joint)
            for c, text, points, joint in RULES
        )
        made = 0
        for month in months:
            last = min(queries.month_end(month), today)
            for _ in range(rng.randint(5, 10)):
                where = rng.choice(posts) if rng.random() < 0.8 else posts[0].parent
                assert where is not None
                day = month + dt.timedelta(days=rng.randint(0, (last - month).days))
                members = list(queries.members(scheme, where.code, day))
                outsider = rng.choice(OUTSIDERS) if rng.random() < 0.3 else ""
                violator = None if outsider else rng.choice(members)
                others = [m for m in members if m != violator]
                stoppers = [rng.choice(others)] if others and rng.random() < 0.25 else []
                v = services.record_violation(
                    actor=lead, scheme=scheme, grid_code=where.code, rule=rng.choice(RULES)[0],
                    day=day, violator=violator, outsider=outsider, stoppers=stoppers,
                    notes=rng.choice(NOTES),
                )  # fmt: skip
                made += 1
                if rng.random() < 0.08:
                    services.reverse_violation(actor=lead, violation=v, reason="复核认定不属违章")
            if month < months[-1]:
                f = queries.month_figures(scheme, month)
                services.close_month(
                    actor=lead, scheme=scheme, month=month,
                    model=f.model_candidates[0].person_id if f.model_candidates else None,
                    worst=f.worst_candidates[0].code if f.worst_candidates else None,
                    note="安全生产领导小组月度考评",
                )  # fmt: skip
    return made, lead


def safety_login() -> tuple[str, str, str] | None:
    """The safety lead's login line for `gridgov demo` (with a second factor: a head)."""
    lead = User.objects.filter(username="safety").first()
    scheme = Scheme.objects.order_by("id").first()
    if lead is None or scheme is None:
        return None
    what = f"safety lead of an enterprise: /safety/{scheme.grid_code}/ {scheme.name}"
    return ("safety", DEMO_PASSWORD, what + _second(lead))
