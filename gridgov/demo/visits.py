"""Attention tags and a year of household visits in the demo district (issue 10), so that
the visit pages have something to show.

Tags in realistic shares (only where the district has none yet): elderly living alone are
most residents of 70 or more who live alone, empty-nest elderly the couples of 65 or more
living by themselves; about 2 % of households are hardship families, 1.5 % of working-age
residents unemployed, some children left behind, a few special groups and people with a
disability. Visits: each household once in the last year (the yearly round), each
must-visit household on its round over the last `days` days, mostly on time, some late;
made by the grid's worker at the household's building. Then every household's schedule is
built (visits.schedule.rebuild). Stored in bulk; deterministic for a seed and a `now`.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from gridgov.accounts.models import Assignment
from gridgov.accounts.roles import Role
from gridgov.core.lib import frequency
from gridgov.registry.models import Household, Resident, Tag
from gridgov.visits import schedule
from gridgov.visits.models import Visit

from .generate import _insert, _uuid_hex

DAYS = 120
FINDINGS = (
    "情况正常，老人身体尚可", "家中无人，已留联系卡", "反映楼道灯不亮", "了解近期就业意向",
    "低保材料已更新", "宣传防诈骗知识", "孩子学习情况良好", "提醒用电用气安全",
    "反映邻里噪音问题", "已送去慰问物资", "身体不适，建议就医", "情况稳定，按时服药",
)  # fmt: skip
HARDSHIP = ("minimum_living", "extreme_poverty", "low_income")
GROUPS = ("community_correction", "released_prisoner", "drug_user", "mental_illness")


def ensure_demo_tags(rng: random.Random, today: dt.date) -> int:
    """Attention tags in realistic shares, once (none if the district has tags)."""
    if Tag.objects.exists():
        return 0
    tags: list[Tag] = []

    def start() -> dt.date:
        return today - dt.timedelta(days=rng.randint(60, 2000))

    members: dict[int, list[tuple[int, str, dt.date]]] = {}
    for rid, hid, code, born in Resident.objects.filter(status="active").values_list(
        "id", "household_id", "grid_code", "birth_date"
    ):
        members.setdefault(hid, []).append((rid, code, born))
    for hid, people in members.items():
        ages = [(today - born).days // 365 for _r, _c, born in people]
        code = people[0][1]
        if len(people) == 1 and ages[0] >= 70 and rng.random() < 0.8:
            tags.append(Tag(resident_id=people[0][0], grid_code=code, kind="elderly_alone",
                            start=start()))  # fmt: skip
        elif len(people) == 2 and min(ages) >= 65 and rng.random() < 0.5:
            tags += [Tag(resident_id=r, grid_code=c, kind="empty_nest", start=start())
                     for r, c, _b in people]  # fmt: skip
        if rng.random() < 0.02:
            tags.append(Tag(household_id=hid, grid_code=code, kind="hardship", start=start(),
                            details={"assistance": rng.choice(HARDSHIP)}))  # fmt: skip
        for (rid, c, _b), age in zip(people, ages, strict=True):
            roll = rng.random()
            if 18 <= age < 60 and roll < 0.015:
                tags.append(Tag(resident_id=rid, grid_code=c, kind="unemployed", start=start(),
                                details={"registered": rng.choice(("yes", "no"))}))  # fmt: skip
            elif age < 16 and roll < 0.03:
                tags.append(Tag(resident_id=rid, grid_code=c, kind="left_behind_child",
                                start=start()))  # fmt: skip
            elif roll < 0.003:
                tags.append(Tag(resident_id=rid, grid_code=c, kind="special_group",
                                start=start(), details={"group": rng.choice(GROUPS)}))  # fmt: skip
            elif roll < 0.02:
                tags.append(Tag(resident_id=rid, grid_code=c, kind="disability", start=start(),
                                details={"grade": rng.choice("1234")}))  # fmt: skip
    _store_tags(tags)
    return len(tags)


TAG_COLUMNS = ["resident_id", "household_id", "grid_code", "kind", "start", "details",
               "created_at", "updated_at"]  # fmt: skip
VISIT_COLUMNS = [
    "public_id", "household_id", "grid_id", "grid_code", "worker_id", "visited_at", "lon",
    "lat", "findings", "kind", "due_on", "next_due", "on_time", "must_visit", "created_at",
    "updated_at",
]  # fmt: skip


def _store_tags(tags: list[Tag]) -> None:
    """In bulk (executemany, COPY on PostgreSQL): model instances and bulk_create took most of
    the time at a million residents."""
    day, moment = connection.ops.adapt_datefield_value, connection.ops.adapt_datetimefield_value
    now = moment(timezone.now())
    _insert(
        Tag._meta.db_table, TAG_COLUMNS,
        [(t.resident_id, t.household_id, t.grid_code, t.kind, day(t.start),
          json.dumps(t.details), now, now) for t in tags],
    )  # fmt: skip


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.randint(0, 59)), tzinfo=tz)


def ensure_demo_visits(seed: int = 7, *, now: dt.datetime | None = None, days: int = DAYS) -> int:
    """Tags (if missing) and visits (once); returns the visits made."""
    if Visit.objects.exists() or not Household.objects.exists():
        return 0
    rng = random.Random(seed)
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    workers = dict(
        Assignment.objects.filter(role=Role.GRID_WORKER)
        .order_by("grid_code", "user_id")
        .values_list("grid_code", "user_id")
    )
    with transaction.atomic():
        ensure_demo_tags(rng, today)
        rules = schedule.Rules.load()
        kinds: dict[int, list[str]] = {}
        for hid, rid_hid, kind in Tag.objects.values_list(
            "household_id", "resident__household_id", "kind"
        ):
            kinds.setdefault(hid or rid_hid, []).append(kind)
        visits: list[tuple[Any, ...]] = []
        day, moment = connection.ops.adapt_datefield_value, connection.ops.adapt_datetimefield_value
        stamp = moment(now)
        homes = (
            Household.objects.filter(building__isnull=False)
            .order_by("id")
            .values_list("id", "grid_id", "grid_code", "building__lon", "building__lat")
        )
        ids = iter(_uuid_hex(len(homes) * 12 + 1000))
        for pk, grid_id, grid_code, lon, lat in homes.iterator(chunk_size=20_000):
            worker = workers.get(grid_code)
            if worker is None:
                continue
            on = rules.on(grid_code)
            mine = [on[k] for k in kinds.get(pk, ()) if k in on]
            must = any(r.must_visit for r in mine)
            days_of = [frequency.approx_days(r.every, r.unit) for r in mine]
            rule = mine[days_of.index(min(days_of))] if mine else on.get("everyone")
            if rule is None:
                continue
            if not mine:
                # The yearly round: one visit at some day of the last year.
                on_day = today - dt.timedelta(days=rng.randint(1, 364))
                # Due some time around it: one in ten late.
                early = rng.choice((-3, 5, 10, 20, 30, 45, 60, 90, 120, 150))
                plan = [(on_day, on_day + dt.timedelta(days=early))]
            else:
                plan = []
                due = today - dt.timedelta(days=days - rng.randint(0, 20))
                while True:
                    late = rng.choice((0, 0, 0, 0, 0, -1, -2, -3, 1, 6))
                    on_day = due + dt.timedelta(days=late)
                    if on_day >= today:
                        break
                    plan.append((on_day, due))
                    due = rule.after(on_day)
            for on_day, due_on in plan:
                visits.append((
                    next(ids), pk, grid_id, grid_code, worker, moment(_moment(on_day, rng)), lon,
                    lat, rng.choice(FINDINGS), "regular", day(due_on), day(rule.after(on_day)),
                    on_day <= due_on, must, stamp, stamp,
                ))  # fmt: skip
        _insert(Visit._meta.db_table, VISIT_COLUMNS, visits)
    schedule.rebuild(today)
    return len(visits)
