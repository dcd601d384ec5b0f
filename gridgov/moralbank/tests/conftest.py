"""The moral bank of community A (甲社区, the village here) beside the fixed cast.

Today is Wednesday 10 March 2027, 10:00 (`NOW`). Community A joined on 1 January 2027; its
470 households have cards 00001–00470 (A1's 350 first). Its rules (v1, adopted by the
representatives' meeting of 20 December 2026, published the 21st, in force from 1 January):

    H1 hygiene +5 (cap 10 a quarter)    F1 filial piety +10 (evidence required)
    W1 public welfare +3                D1 integrity −10 (littering reported)
    HN1 honour 干净人家 +20              V1 veto (law or discipline broken)

The review group: m1–m5 (no role anywhere). head_a is the committee (moralbank.manage);
worker_a1 receives declarations in A1 (moralbank.record). The moral bank's point 村道德银行
is kept by `keeper` (no role), holding 50 soap (肥皂, 5 points) and 20 schoolbags (书包,
30 points). Households `home` (card 00001, 3 members, head 王小明) and `other` (00002,
2 members) are A1's first two.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

TZ = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ) if len(args) > 3 else dt.datetime(*args, 10, tzinfo=TZ)


NOW = at(2027, 3, 10)

ITEMS: list[dict[str, Any]] = [
    {"code": "H1", "category": "hygiene", "title": "庭院整洁", "points": 5, "cap": 10,
     "cap_period": "quarter"},
    {"code": "F1", "category": "filial", "title": "孝老敬亲", "points": 10,
     "evidence_required": True},
    {"code": "W1", "category": "welfare", "title": "参加义务劳动", "points": 3},
    {"code": "D1", "category": "integrity", "title": "乱扔垃圾", "points": -10},
    {"code": "HN1", "category": "honour", "title": "干净人家", "points": 20},
    {"code": "V1", "category": "veto", "title": "违法违纪", "points": 0},
]  # fmt: skip


def build_scheme(cast: Any) -> SimpleNamespace:
    from gridgov.accounts.models import User
    from gridgov.moralbank.services import redemption, village
    from gridgov.registry.models import Household, Resident

    s = SimpleNamespace()
    homes = list(Household.objects.filter(grid_code=cast.a1.code).order_by("pk")[:2])
    s.home, s.other = homes
    Household.objects.filter(pk=s.home.pk).update(member_count=3)
    Household.objects.filter(pk=s.other.pk).update(member_count=2)
    Resident.objects.create(
        household=s.home, grid_code=s.home.grid_code, name="王小明", id_number_enc="x",
        id_number_hash="mb-head", sex="m", relation="head", birth_date=dt.date(1970, 5, 1),
    )  # fmt: skip
    s.village = village.join(
        actor=cast.head_a, grid=cast.community_a, starts_on=dt.date(2027, 1, 1)
    )
    s.meeting = village.record_meeting(
        actor=cast.head_a, village=s.village, held_on=dt.date(2026, 12, 20), present=28,
        total=31, resolution="通过道德银行评分细则,选举评议小组",
    )  # fmt: skip
    s.rules = village.draft_rules(
        actor=cast.head_a, village=s.village, title="评分细则", items=ITEMS
    )
    village.adopt_rules(
        actor=cast.head_a, rule_set=s.rules, meeting=s.meeting,
        published_on=dt.date(2026, 12, 21), applies_from=dt.date(2027, 1, 1),
    )  # fmt: skip
    s.item = {i.code: i for i in s.rules.items.all()}
    s.members = [User.objects.create_user(f"m{i}", password="pw") for i in range(1, 6)]
    s.group = village.elect_group(
        actor=cast.head_a, village=s.village, meeting=s.meeting, starts_on=dt.date(2027, 1, 1),
        members=s.members,
    )  # fmt: skip
    s.keeper = User.objects.create_user("keeper", password="pw")
    s.point = redemption.add_point(
        actor=cast.head_a, village=s.village, name="村道德银行", kind="bank", keepers=[s.keeper]
    )
    s.soap = redemption.add_goods(
        actor=cast.head_a, village=s.village, name="肥皂", kind="daily", price=5
    )
    s.bag = redemption.add_goods(
        actor=cast.head_a, village=s.village, name="书包", kind="study", price=30
    )
    redemption.move_stock(actor=s.keeper, point=s.point, goods=s.soap, kind="in", quantity=50)
    redemption.move_stock(actor=s.keeper, point=s.point, goods=s.bag, kind="in", quantity=20)
    s.home.refresh_from_db()
    s.other.refresh_from_db()
    return s


@pytest.fixture(scope="module")
def scheme(cast: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(NOW, tick=False):
        yield build_scheme(cast)
        transaction.set_rollback(True)


@pytest.fixture
def today() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def declared(cast: Any, s: Any, code: str = "W1", household: Any = None, **change: Any) -> Any:
    from gridgov.moralbank.services import declarations

    values: dict[str, Any] = {
        "actor": cast.worker_a1, "household": household or s.home, "item": s.item[code],
        "source": "self", "channel": "oral", "happened_on": dt.date(2027, 3, 8),
        "place": "村文化广场", "what": "参加村里的义务清扫",
    }  # fmt: skip
    values.update(change)
    return declarations.declare(**values)


def approved(cast: Any, s: Any, code: str = "W1", votes: int = 3, **change: Any) -> Any:
    """Declared and approved by `votes` members of the group."""
    from gridgov.moralbank.services import declarations

    d = declared(cast, s, code, **change)
    for m in s.members[:votes]:
        declarations.vote(actor=m, declaration=d, approve=True)
    d.refresh_from_db()
    return d


def on_notice(cast: Any, s: Any, code: str = "W1", **change: Any) -> Any:
    from gridgov.moralbank.services import declarations

    d = approved(cast, s, code, **change)
    return declarations.committee_check(actor=cast.head_a, declaration=d, approve=True)
