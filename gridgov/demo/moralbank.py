"""The village moral bank in the demo district (issue 12): a few villages taking part since
the first of January of last year, each with its representatives' meeting, scoring rules, a
review group of five, a redemption point with its keeper, goods in stock, money from the
five sources — and a year and more of declarations in every state (in review, approved,
on notice, objected, posted, rejected), redemptions, a veto.

Made through the services, as each village's grid head (the committee); deterministic for a
seed and a `now`. Items meant to be posted in the past have their notice moved back to the
deed's days before posting (what time would have done), so their entries fall in the year
the deed was done and last year's ranking has something to show.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from gridgov.accounts.models import Assignment, User
from gridgov.accounts.roles import Role
from gridgov.core.errors import ServiceError
from gridgov.grids.models import Grid
from gridgov.moralbank.models import Account, Declaration, Village
from gridgov.moralbank.services import declarations, funds, redemption, village

from .users import DEMO_PASSWORD

VILLAGES = 3
DECLARATIONS = 36
ITEMS: list[dict[str, Any]] = [
    {"code": "H1", "category": "hygiene", "title": "庭院内外整洁", "points": 5, "cap": 15,
     "cap_period": "quarter"},
    {"code": "H2", "category": "hygiene", "title": "参加村庄环境整治", "points": 3},
    {"code": "F1", "category": "filial", "title": "孝敬老人、赡养父母", "points": 10,
     "evidence_required": True},
    {"code": "N1", "category": "neighbours", "title": "调解邻里纠纷", "points": 5},
    {"code": "W1", "category": "welfare", "title": "参加义务劳动", "points": 3, "cap": 30,
     "cap_period": "year"},
    {"code": "C1", "category": "customs", "title": "婚事新办、丧事简办", "points": 10},
    {"code": "G1", "category": "good_deeds", "title": "拾金不昧、见义勇为", "points": 15},
    {"code": "M1", "category": "models", "title": "评为道德模范", "points": 30},
    {"code": "I1", "category": "integrity", "title": "乱扔垃圾、乱堆乱放", "points": -5},
    {"code": "I2", "category": "integrity", "title": "酗酒滋事", "points": -10},
    {"code": "HN1", "category": "honour", "title": "干净人家", "points": 20},
    {"code": "HN2", "category": "honour", "title": "最美庭院", "points": 20},
    {"code": "HN3", "category": "honour", "title": "十户联动示范户", "points": 15},
    {"code": "HN4", "category": "honour", "title": "新时代乡贤", "points": 25},
    {"code": "V1", "category": "veto", "title": "家庭成员违法违纪", "points": 0},
    {"code": "V2", "category": "veto", "title": "不履行赡养、抚养义务", "points": 0},
]  # fmt: skip
GOODS = [("肥皂", "daily", 5), ("洗衣粉", "daily", 10), ("食用油", "daily", 40),
         ("化肥", "production", 60), ("书包", "study", 30)]  # fmt: skip
WHAT = {
    "H1": "院落干净整齐，柴草堆放有序", "H2": "参加春季村庄清洁行动", "F1": "长期照顾卧床的母亲",
    "N1": "主动调解两户邻居的宅基地纠纷", "W1": "参加修路义务劳动", "C1": "儿子婚礼不收彩礼、简办",
    "G1": "拾到钱包归还失主", "M1": "获评乡道德模范", "I1": "在村道旁乱堆杂物",
    "I2": "酒后在村委会门前吵闹", "HN1": "评为干净人家", "HN2": "评为最美庭院",
    "HN3": "十户联动示范户", "HN4": "评为新时代乡贤",
}  # fmt: skip
PLACES = ("村文化广场", "村委会", "自家院落", "村道", "村小学门口")


def _user(username: str, name: str, login: bool = False) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": name})
    if created:
        if login:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
    return user


def _deed(rng: random.Random, head: Any, v: Village, homes: list[Account], rules: Any,
          today: dt.date, start: dt.date, recent: bool) -> Declaration:  # fmt: skip
    items = [i for i in rules.items.all() if not i.is_veto]
    item = rng.choice(items)
    account = rng.choice(homes)
    span = (today - max(start, today - dt.timedelta(days=360))).days
    day = today - dt.timedelta(days=rng.randint(1, 8 if recent else max(span, 1)))
    source = rng.choice(("self", "self", "hamlet_head", "report"))
    return declarations.declare(
        actor=head, household=account.household, item=item, source=source,
        channel=rng.choice(("oral", "phone", "written")),
        reporter={"self": "", "hamlet_head": "屯长", "report": "村民"}[source],
        happened_on=day, place=rng.choice(PLACES), what=WHAT.get(item.code, item.title),
        evidence=["照片两张"] if item.evidence_required else [],
    )  # fmt: skip


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=timezone.get_current_timezone())


def _approve(group: list[User], d: Declaration, yes: int = 3) -> None:
    for m in group[:yes]:
        declarations.vote(actor=m, declaration=d, approve=True)


def _village(rng: random.Random, n: int, grid: Grid, head: Any, now: dt.datetime) -> int:
    today = timezone.localtime(now).date()
    start = dt.date(today.year - 1, 1, 1)
    v = village.join(actor=head, grid=grid, starts_on=start)
    meeting = village.record_meeting(
        actor=head, village=v, held_on=start - dt.timedelta(days=12),
        present=rng.randint(24, 30), total=31,
        resolution="通过《乡村道德银行评分细则》，选举道德积分评议小组",
    )  # fmt: skip
    items: list[Any] = ITEMS
    rules = village.draft_rules(actor=head, village=v, title="乡村道德银行评分细则", items=items)
    village.adopt_rules(actor=head, rule_set=rules, meeting=meeting,
                        published_on=start - dt.timedelta(days=11), applies_from=start)  # fmt: skip
    suffix = grid.code[-3:]
    group = [
        _user("review" if n == 0 and i == 1 else f"mb{suffix}r{i}", f"评议员{i}", n == 0 and i == 1)
        for i in range(1, 6)
    ]
    village.elect_group(actor=head, village=v, meeting=meeting, starts_on=start, members=group)
    keeper = _user("shop" if n == 0 else f"mb{suffix}shop", "小卖部店主", n == 0)
    point = redemption.add_point(actor=head, village=v, name=f"{grid.name}道德银行兑换点",
                                 kind="shop", keepers=[keeper])  # fmt: skip
    for name, kind, price in GOODS:
        g = redemption.add_goods(actor=head, village=v, name=name, kind=kind, price=price)
        redemption.move_stock(actor=head, point=point, goods=g, kind="in",
                              quantity=rng.randint(20, 60), note="采购入库")  # fmt: skip
    for source, yuan in (("fiscal", 20000), ("industry", 5000), ("collective", 3000),
                         ("aid", 4000), ("donation", 2000)):  # fmt: skip
        funds.record(actor=head, village=v, on=start + dt.timedelta(days=rng.randint(0, 60)),
                     amount=yuan * 100, source=source, note="道德银行资金")  # fmt: skip
    funds.record(actor=head, village=v, on=start + dt.timedelta(days=70), amount=-800000,
                 note="采购兑换物品")  # fmt: skip
    homes = list(v.accounts.select_related("household").order_by("card")[:60])
    made = 0
    for k in range(DECLARATIONS):
        # The last ten are recent and still on their way; the rest went through.
        recent = k >= DECLARATIONS - 10
        try:
            d = _deed(rng, head, v, homes, rules, today, start, recent)
        except ServiceError:
            continue  # over an item's cap for that household: the dice try another
        made += 1
        if not recent:
            # Old enough: reviewed, checked, on notice from a few days after the deed, and
            # posted when that notice ended — or rejected now and then.
            if rng.random() < 0.1:
                for m in group[:3]:
                    declarations.vote(actor=m, declaration=d, approve=False)
                continue
            _approve(group, d)
            try:
                d = declarations.committee_check(actor=head, declaration=d, approve=True)
            except ServiceError:
                continue  # over the cap once others were approved: left for the committee
            begin = _moment(min(d.happened_on + dt.timedelta(days=3), today - dt.timedelta(days=6)))
            Declaration.objects.filter(pk=d.pk).update(
                notice_from=begin, notice_until=begin + dt.timedelta(days=v.notice_days)
            )
            declarations.post_due(
                now=begin + dt.timedelta(days=v.notice_days, hours=1), only=[d.pk]
            )
            continue
        # Recent: one of every state still on its way.
        state = k % 5
        if state == 0:
            declarations.vote(actor=group[0], declaration=d, approve=True)  # in review
        elif state >= 1:
            _approve(group, d)  # approved by the group
        if state >= 2:
            d = declarations.committee_check(actor=head, declaration=d, approve=True)
        if state == 3:
            declarations.object_to(actor=head, declaration=d, text="有村民反映情况不属实",
                                   channel="oral")  # fmt: skip
        if state == 4:
            o = declarations.object_to(actor=head, declaration=d, text="对分值有疑问",
                                       channel="phone")  # fmt: skip
            declarations.rule(actor=group[0], objection=o, upheld=True, ruling="经核实，情况不属实")
    # Quarterly redemption: a few households with points take goods this year.
    goods = list(v.goods.order_by("price"))
    for a in homes:
        left = redemption.ledger.balances(a, today.year).available
        if left >= goods[0].price and rng.random() < 0.5:
            qty = min(left // goods[0].price, 3)
            redemption.redeem(actor=keeper, point=point, card=a.card,
                              lines=[(goods[0], qty)], key=f"demo-{a.card}")  # fmt: skip
    # A veto: a household out of this year's evaluation (the second village's on the black list).
    veto_item = rules.items.get(code="V1")
    board = "black" if n == 1 else "negative"
    declarations.veto(actor=head, account=homes[-1], item=veto_item, year=today.year,
                      reason="家庭成员因赌博被行政处罚", board=board)  # fmt: skip
    return made


def ensure_demo_moralbank(seed: int = 12, *, now: dt.datetime | None = None) -> int:
    """A few villages' moral banks (once); returns the declarations made."""
    if Village.objects.exists():
        return 0
    rng = random.Random(seed)
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    heads = {
        a.grid_code: a.user
        for a in Assignment.objects.active(today)
        .filter(role=Role.GRID_HEAD, grid__depth=2, grid__network__slug="comprehensive")
        .select_related("user")
        .order_by("grid_code", "user_id")
    }
    grids = list(Grid.objects.current(today).filter(code__in=heads).order_by("code")[:VILLAGES])
    made = 0
    with transaction.atomic():
        for n, grid in enumerate(grids):
            made += _village(rng, n, grid, heads[grid.code], now)
    return made


def moralbank_logins() -> list[tuple[str, str, str]]:
    """The review group member's and the keeper's logins for `gridgov demo`."""
    out: list[tuple[str, str, str]] = []
    v = Village.objects.order_by("grid_code").first()
    if v is None:
        return out
    if User.objects.filter(username="review").exists():
        out.append(
            ("review", DEMO_PASSWORD, f"review group member: /moralbank/{v.grid_code}/review/")
        )
    point = v.points.first()
    if point is not None and User.objects.filter(username="shop").exists():
        out.append(
            (
                "shop",
                DEMO_PASSWORD,
                f"moral bank shop keeper (phone): /m/moralbank/{point.public_id}/",
            )
        )
    return out
