"""A few months of cases in the demo district, in every stage, so that the case pages,
dashboards and indicators have something to show (issue 9).

Grid workers report on their grids (residents and the hotline on every grid), at points
inside the grid; community heads file and dispatch; departments of the county handle;
some cases are settled on the spot, not filed, merged, reworked, escalated, suspended or
left late for the sweep to urge. Each case's story is played forward in time by the same
rules as `cases.services.act` and `cases.sweep` (the transition table, the clocks of the
category in the work-time calendar, the sweep's warning and overdue steps) and stored in
bulk: one service call per case would take minutes for the ~10,000 cases of a 20,000-
household demo. `tests/test_it_demo_cases.py` replays generated cases through the
services and compares the rows.

Deterministic for a seed and a `now`. Timeline notes are in Chinese, like the demo's data.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import shape

from gridgov.accounts.models import Assignment, User
from gridgov.accounts.roles import Role
from gridgov.cases import rollup
from gridgov.cases.choices import ENDED_STAGES, OPEN_STAGES, Source, Stage
from gridgov.cases.models import Case, CaseEvent, Category
from gridgov.cases.transitions import TABLE
from gridgov.core.lib import worktime
from gridgov.grids.choices import GridKind
from gridgov.grids.models import Grid
from gridgov.registry.models import Organisation

from .generate import _insert, _next_id
from .names import GIVEN_CHARS, SURNAMES

DAYS = 120
PER_GRID_MONTH = 30  # cases a grid sees in a month, on average (a busy urban grid more)
RUNNING = tuple(s for s in OPEN_STAGES if s != Stage.SUSPENDED)

# The county's departments that handle cases, and the categories' default units they stand
# for (categories name a kind of department; a county names its own).
DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "城管局": ("城管部门", "市政部门", ""),
    "环卫所": ("环卫部门",),
    "住建局": ("住建部门", "自然资源部门"),
    "应急管理局": ("应急管理部门", "消防救援机构"),
    "司法所": ("司法所", "人社部门"),
    "派出所": ("派出所", "公安交警", "公安部门", "综治中心"),
    "民政局": ("民政部门",),
    "生态环境分局": ("生态环境部门",),
}
# How often each category comes up, relative: litter, stalls, parking and small ads are the
# daily bread of a grid worker; disasters and security hazards are rare.
WEIGHTS = {
    "0101": 14, "0102": 5, "0103": 6, "0104": 3, "0201": 2, "0202": 8, "0301": 3, "0302": 2,
    "0401": 10, "0402": 8, "0403": 6, "0501": 1, "0502": 0.5, "0601": 3, "0701": 6,
    "0702": 3, "0703": 1.5, "0801": 3, "0802": 4, "0803": 0.5, "0804": 0.2, "0901": 3,
    "0902": 2, "0903": 3, "1001": 4, "1002": 0.5,
}  # fmt: skip
# Categories grid staff deal with themselves when dispatched (visits, mediation, registry).
GRID_HANDLED = ("0701", "0702", "0901", "0902", "0903", "1001")
SPOTS = (
    "东门", "南门口", "菜市场旁", "停车场", "小区广场", "主干道路口", "公交站旁", "健身器材区",
    "垃圾分类点", "沿街商铺前", "背街小巷", "学校门口", "河道边", "老旧楼院内",
)  # fmt: skip
NOTES = {
    "reject": ("经核实不属于受理范围", "现场核查无此情况", "已由相关单位处理完毕"),
    "handle": ("已处置完毕，现场已恢复", "已整改到位", "已调解，双方达成一致", "已落实相关措施"),
    "settle": ("网格员现场劝导，已处理", "现场清理完毕", "当场协调解决"),
    "rework": ("现场核查未整改到位，退回重办", "群众反映问题仍存在"),
    "escalate": ("超出本级处置权限，上报上级", "涉及多个部门，需上级协调"),
    "suspend": ("需等待相关审批手续", "涉及产权争议，暂缓办理"),
}
# When in the day cases come in (cumulative weights by hour): patrols and calls in the day.
HOURS = np.cumsum(
    [1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 15, 12, 8, 9, 12, 14, 13, 11, 9, 7, 5, 3, 2, 1]
).tolist()
SATISFACTION = ((5, 55), (4, 30), (3, 10), (2, 3), (1, 2))


@dataclass
class Story:
    """One case being played forward: the Case row's values and its timeline."""

    id: int
    category: Category
    grid: Grid
    at: dt.datetime
    reporter: int | None
    source: str
    lon: float
    lat: float
    address: str
    description: str
    public_id: str
    holder_code: str = ""
    stage: str = Stage.REPORTED
    stage_before: str = ""
    unit: int | None = None
    assignee_code: str = ""
    deadline: dt.datetime | None = None
    warn_at: dt.datetime | None = None
    clock_state: int = 0
    settled_on_spot: bool = False
    rework_count: int = 0
    escalations: int = 0
    duplicate_of: Story | None = None
    satisfaction: int | None = None
    closed_at: dt.datetime | None = None
    version: int = 1
    updated_at: dt.datetime | None = None
    # (at, actor id, action, from stage, to stage, holder code, note, due)
    events: list[tuple[Any, ...]] = field(default_factory=list)


class Player:
    """The rules of services.act and of the sweep, applied to a Story in memory.

    Kept in step with gridgov/cases/services.py (`start_clock`, `act`, `EFFECTS`) and
    gridgov/cases/sweep.py (`_due`, `_overdue`); the replay test fails when they part.
    """

    def __init__(self, parents: dict[str, str | None]) -> None:
        # One calendar for the whole run: the module-level worktime.deadline checks the
        # calendar's database stamp on every call.
        self.calendar = worktime.calendar()
        self.share = settings.CASE_WARN_SHARE
        self.parents = parents
        self.urge_note = _("Overdue: urged by the platform.")
        self.escalate_note = _("Overdue: escalated by the platform to the level above.")

    def start_clock(self, s: Story, name: str | None, now: dt.datetime) -> None:
        s.clock_state = 0
        if name is None:
            s.deadline = s.warn_at = None
            return
        amount, kind = s.category.limit(name)
        s.deadline = self.calendar.deadline(now, amount, kind)
        s.warn_at = now + (s.deadline - now) * self.share

    def report(self, s: Story) -> None:
        s.holder_code = s.grid.code
        s.updated_at = s.at
        self.start_clock(s, "file", s.at)
        s.events.append((s.at, s.reporter, "report", "", s.stage, s.holder_code, "", None))

    @staticmethod
    def _run_at(moment: dt.datetime) -> dt.datetime:
        """When the sweep (one run a minute, at the start of the minute) first sees `moment`."""
        slot = moment.replace(second=0, microsecond=0)
        if slot < moment:
            slot += dt.timedelta(minutes=1)
        return slot + dt.timedelta(seconds=1)

    def advance(self, s: Story, to: dt.datetime) -> None:
        """What the sweep did to the case's clock before `to`: warned (state 1), then urged
        (2) or, for emergencies, escalated with a fresh clock."""
        while s.stage in RUNNING and s.deadline is not None and s.clock_state < 2:
            assert s.warn_at is not None
            warned, late = self._run_at(s.warn_at), self._run_at(s.deadline)
            if s.clock_state == 0 and warned < s.deadline and warned < to:
                s.clock_state = 1
            if late >= to:
                return
            self._overdue(s, late)

    def _overdue(self, s: Story, now: dt.datetime) -> None:
        s.clock_state = 2
        parent = None
        if s.category.escalate_when_overdue and s.stage != Stage.HANDLED:
            parent = self.parents.get(s.holder_code)
        before, due = s.stage, s.deadline
        if parent:
            s.holder_code = parent
            s.escalations += 1
            if s.stage != Stage.REPORTED:
                s.stage, s.unit, s.assignee_code = Stage.FILED, None, ""
            self.start_clock(s, "file" if s.stage == Stage.REPORTED else "dispatch", now)
        action, note = ("escalate", self.escalate_note) if parent else ("urge", self.urge_note)
        s.events.append((now, None, action, before, s.stage, s.holder_code, note, due))

    def act(
        self, s: Story, action: str, at: dt.datetime, actor: int, note: str = "", **kw: Any
    ) -> None:
        self.advance(s, at)
        t = TABLE[action]
        assert s.stage in t.sources, (action, s.stage)
        before, due = s.stage, s.deadline
        if action == "merge":
            s.duplicate_of = kw["duplicate_of"]
        elif action == "dispatch":
            s.unit, s.assignee_code = kw.get("unit"), kw.get("level", "")
        elif action == "settle":
            s.settled_on_spot, s.assignee_code = True, s.grid.code
        elif action == "verify":
            s.closed_at = at
        elif action == "rework":
            s.rework_count += 1
        elif action == "escalate":
            parent = self.parents.get(s.holder_code)
            assert parent, s.holder_code
            s.holder_code = parent
            s.escalations += 1
            if s.stage != Stage.REPORTED:
                s.stage, s.unit, s.assignee_code = Stage.FILED, None, ""
                self.start_clock(s, "dispatch", at)
        elif action == "suspend":
            s.stage_before = s.stage
        elif action == "resume":
            s.stage, s.stage_before = s.stage_before, ""
            self.start_clock(s, {"filed": "dispatch"}.get(s.stage, "handle"), at)
        elif action == "feedback":
            s.satisfaction = kw["satisfaction"]
        if t.target is not None:
            s.stage = t.target
        if t.clock is not None or t.target in (*ENDED_STAGES, Stage.SUSPENDED):
            self.start_clock(s, t.clock, at)
        s.version += 1
        s.updated_at = at
        s.events.append((at, actor, action, before, s.stage, s.holder_code, note, due))


# ---------------------------------------------------------------- the people


@dataclass
class Cast:
    """Who acts where: user ids by grid code, and each unit's handler."""

    workers: dict[str, int]
    heads: dict[str, int]  # streets' and communities' grid heads (they hold the right to dispatch)
    handlers: dict[int, int]  # unit id → a department handler
    units: dict[str, int]  # a category's default unit → the department handling it
    parents: dict[str, str | None]

    def holder(self, code: str | None) -> int | None:
        """Someone with the right to dispatch at `code` or above (the nearest)."""
        while code:
            if code in self.heads:
                return self.heads[code]
            code = self.parents.get(code)
        return None

    def reporter_on(self, code: str) -> int | None:
        return self.workers.get(code) or self.holder(code)


def ensure_departments(county: Grid, rng: random.Random) -> dict[int, int]:
    """The county's handling departments (units on the county grid) with a handler each;
    made when the county has none. Returns unit id → handler's user id."""
    found = dict(
        Assignment.objects.filter(
            role=Role.DEPARTMENT_HANDLER, unit__grid=county, unit__kind="unit"
        ).values_list("unit_id", "user_id")
    )
    if found:
        return found
    start = dt.date(2025, 1, 1)
    for i, name in enumerate(DEPARTMENTS, start=1):
        unit = Organisation.objects.create(
            grid=county, grid_code=county.code, name=name, kind="unit"
        )
        given = "".join(rng.choices(GIVEN_CHARS, k=2))
        user = User.objects.create_user(
            f"dept{i:03d}", password=None, first_name=rng.choice(SURNAMES) + given
        )
        Assignment.objects.create(
            user=user, grid=county, role=Role.DEPARTMENT_HANDLER, unit=unit, starts_on=start
        )
        found[unit.pk] = user.pk
    return found


def _cast(county: Grid, grids: list[Grid], rng: random.Random) -> Cast:
    handlers = ensure_departments(county, rng)
    names = dict(Organisation.objects.filter(pk__in=handlers).values_list("name", "pk"))
    units = {}
    for name, kinds in DEPARTMENTS.items():
        for kind in kinds:
            units[kind] = names.get(name) or next(iter(handlers))
    workers: dict[str, int] = {}
    heads: dict[str, int] = {}
    rows = Assignment.objects.filter(
        grid__network=county.network, role__in=(Role.GRID_WORKER, Role.GRID_HEAD)
    ).order_by("grid_code", "user_id")
    for code, role, user in rows.values_list("grid_code", "role", "user_id"):
        (workers if role == Role.GRID_WORKER else heads).setdefault(code, user)
    parents: dict[str, str | None] = {g.code: None for g in grids}
    parents.update(
        Grid.objects.filter(network=county.network, parent__isnull=False).values_list(
            "code", "parent__code"
        )
    )
    return Cast(workers, heads, handlers, units, parents)


# ---------------------------------------------------------------- the stories


def _daytime(at: dt.datetime, rng: random.Random) -> dt.datetime:
    """People act in the day: a moment at night moves to the next morning."""
    local = at.astimezone(timezone.get_default_timezone())
    if 8 <= local.hour < 21:
        return at
    morning = local.replace(hour=8, minute=0, second=0, microsecond=0)
    if local.hour >= 21:
        morning += dt.timedelta(days=1)
    return morning + dt.timedelta(seconds=rng.randrange(0, 5400))


def _when_next(s: Story, rng: random.Random) -> dt.datetime:
    """When the next step comes: mostly well inside the clock, some near its end (after the
    yellow warning), a few late (for the sweep to urge); a step that would come at night
    waits for the morning, which makes some more late."""
    at = s.updated_at or s.at
    if s.deadline is None:
        return _daytime(at + dt.timedelta(hours=rng.uniform(2, 96)), rng)
    span = max((s.deadline - at).total_seconds(), 600.0)
    r = rng.random()
    if r < 0.86:
        f = rng.uniform(0.05, 0.75)
    elif r < 0.97:
        f = rng.uniform(0.8, 0.99)
    else:
        f = rng.uniform(1.05, 2.5)
    nxt = at + dt.timedelta(seconds=span * f)
    return nxt if s.category.escalate_when_overdue else _daytime(nxt, rng)


def _play(
    s: Story, player: Player, cast: Cast, rng: random.Random, now: dt.datetime,
    earlier: list[Story],
) -> None:  # fmt: skip
    """Play the case forward from its report until its next step would lie after `now`."""
    player.report(s)
    urgent = s.category.escalate_when_overdue
    r = rng.random()
    plan = {
        "settle": s.source == Source.PATROL and not urgent and r < 0.2,
        "reject": 0.2 <= r < 0.25,
        "merge": 0.25 <= r < 0.29,
        "escalate": 0.29 <= r < 0.33,
        "suspend": rng.random() < 0.05,
        "resume": rng.random() < 0.5,
        "reworks": 1 if rng.random() < 0.08 else 0,
        "feedback": rng.random() < 0.7,
        "accept": rng.random() < 0.85,
    }
    while True:
        at = _when_next(s, rng)
        if s.stage == Stage.REPORTED and plan["settle"]:
            at = s.at + dt.timedelta(minutes=rng.uniform(5, 40))
        if at >= now:
            break
        player.advance(s, at)
        step = _choose(s, plan, cast, rng, earlier)
        if step is None:
            break
        action, actor, kw = step
        if actor is None:
            break
        note = rng.choice(NOTES[action]) if action in NOTES else ""
        player.act(s, action, at, actor, note, **kw)
    player.advance(s, now)


def _choose(
    s: Story, plan: dict[str, Any], cast: Cast, rng: random.Random, earlier: list[Story]
) -> tuple[str, int | None, dict[str, Any]] | None:
    grid = s.grid.code
    if s.stage == Stage.REPORTED:
        if plan["settle"] and s.reporter is not None and s.escalations == 0:
            return "settle", s.reporter, {}
        if plan["reject"]:
            return "reject", cast.holder(s.holder_code), {}
        if plan["merge"]:
            same = [o for o in earlier if o.category.pk == s.category.pk and _mergeable(o)]
            if same:
                return "merge", cast.holder(s.holder_code), {"duplicate_of": same[-1]}
        return "file", cast.holder(s.holder_code), {}
    if s.stage == Stage.FILED:
        if plan["escalate"] and s.escalations == 0 and len(s.holder_code) > 9:
            return "escalate", cast.holder(s.holder_code), {}
        if s.category.code in GRID_HANDLED and rng.random() < 0.6:
            return "dispatch", cast.holder(s.holder_code), {"level": grid}
        unit = cast.units.get(s.category.default_unit) or next(iter(cast.handlers))
        return "dispatch", cast.holder(s.holder_code), {"unit": unit}
    if s.stage in (Stage.DISPATCHED, Stage.IN_PROGRESS):
        if s.stage == Stage.IN_PROGRESS and plan["suspend"]:
            plan["suspend"] = False
            return "suspend", cast.holder(s.holder_code), {}
        assignee = cast.handlers[s.unit] if s.unit else cast.reporter_on(s.assignee_code)
        if s.stage == Stage.DISPATCHED and plan["accept"]:
            return "accept", assignee, {}
        return "handle", assignee, {}
    if s.stage == Stage.SUSPENDED:
        return ("resume", cast.holder(s.holder_code), {}) if plan["resume"] else None
    if s.stage == Stage.HANDLED:
        if plan["reworks"] > s.rework_count:
            return "rework", cast.holder(grid), {}
        return "verify", cast.holder(grid), {}
    if s.stage == Stage.CLOSED and plan["feedback"] and s.satisfaction is None:
        value = rng.choices([v for v, _w in SATISFACTION], [w for _v, w in SATISFACTION])[0]
        return "feedback", cast.reporter_on(grid), {"satisfaction": value}
    return None


def _mergeable(o: Story) -> bool:
    # Not merged or refused (services refuse those as a target; both stages are final).
    return o.stage not in (Stage.MERGED, Stage.NOT_FILED)


def _points(grid: Grid, n: int, rng: np.random.Generator) -> list[tuple[float, float]]:
    """n points inside the grid's boundary, rounded as a phone sends them (1e-6°)."""
    poly = shape(grid.boundary)
    shapely.prepare(poly)
    minx, miny, maxx, maxy = poly.bounds
    out: list[tuple[float, float]] = []
    while len(out) < n:
        x = np.round(rng.uniform(minx, maxx, 4 * n), 6)
        y = np.round(rng.uniform(miny, maxy, 4 * n), 6)
        inside = shapely.contains_xy(poly, x, y)
        out += list(zip(x[inside].tolist(), y[inside].tolist(), strict=True))
    return out[:n]


def _report_times(n: int, now: dt.datetime, days: int, rng: random.Random) -> list[dt.datetime]:
    """Spread over the last `days`, mostly in the day (patrols, calls), fewer at weekends."""
    out: list[dt.datetime] = []
    start = timezone.localtime(now) - dt.timedelta(days=days)
    while len(out) < n:
        day = start + dt.timedelta(days=rng.randrange(days + 1))
        if day.weekday() >= 5 and rng.random() < 0.4:
            continue
        hour = rng.choices(range(24), cum_weights=HOURS)[0]
        at = day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
        if at < now:
            out.append(at)
    return sorted(out)


def plan_cases(
    *, seed: int = 7, now: dt.datetime | None = None, days: int = DAYS,
    per_grid_month: float = PER_GRID_MONTH, first_id: int = 1,
) -> list[Story]:  # fmt: skip
    """The demo's cases as played stories, ids from `first_id` in the order reported."""
    now = now or timezone.now()
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    county = Grid.objects.get(network__slug="comprehensive", depth=0)
    grids = list(
        Grid.objects.current()
        .filter(network=county.network, depth=3, kind=GridKind.COMPREHENSIVE)
        .order_by("code")
    )
    cast = _cast(county, grids, rng)
    player = Player(cast.parents)
    categories = list(Category.objects.filter(active=True, children__isnull=True).order_by("code"))
    weights = np.cumsum([WEIGHTS.get(c.code, 1) for c in categories]).tolist()
    stories: list[Story] = []
    for grid in grids:
        n = max(1, round(per_grid_month * days / 30 * rng.uniform(0.6, 1.4)))
        worker = cast.workers.get(grid.code)
        earlier: list[Story] = []
        for at, (lon, lat) in zip(
            _report_times(n, now, days, rng), _points(grid, n, nrng), strict=True
        ):
            category = rng.choices(categories, cum_weights=weights)[0]
            # Most cases come from the grid worker's patrol; the rest from residents and the
            # hotline (and all of them on a grid without a worker).
            if worker and rng.random() < 0.7:
                source, reporter = Source.PATROL, worker
            else:
                source, reporter = rng.choice((Source.RESIDENT, Source.HOTLINE)), None
            spot = rng.choice(SPOTS)
            s = Story(
                id=0, category=category, grid=grid, at=at, reporter=reporter, source=source,
                lon=lon, lat=lat, address=f"{grid.name}{spot}",
                description=f"{spot}：{category.filing_condition or category.name}",
                public_id=uuid.UUID(int=rng.getrandbits(128), version=4).hex,
            )  # fmt: skip
            _play(s, player, cast, rng, now, earlier)
            earlier.append(s)
            stories.append(s)
    stories.sort(key=lambda s: (s.at, s.grid.code))
    for i, s in enumerate(stories):
        s.id = first_id + i
    return stories


# ---------------------------------------------------------------- storing


CASE_COLUMNS = [
    "id", "created_at", "updated_at", "public_id", "number", "category_id", "grid_id",
    "grid_code", "holder_code", "lon", "lat", "address", "description", "source",
    "reporter_id", "stage", "stage_before", "unit_id", "assignee_code", "deadline", "warn_at",
    "clock_state", "settled_on_spot", "rework_count", "escalations", "duplicate_of_id",
    "satisfaction", "closed_at", "version",
]  # fmt: skip
EVENT_COLUMNS = [
    "id", "case_id", "at", "actor_id", "action", "from_stage", "to_stage", "holder_code",
    "note", "due",
]  # fmt: skip


def store(stories: list[Story], first_event_id: int) -> int:
    """Insert the stories' cases and events (ids as given); returns the events stored."""
    adapt: Callable[[Any], Any] = connection.ops.adapt_datetimefield_value
    cases = [
        (
            s.id, adapt(s.at), adapt(s.updated_at), s.public_id,
            f"{timezone.localtime(s.at):%Y%m%d}{s.id:06d}", s.category.pk, s.grid.pk,
            s.grid.code, s.holder_code, s.lon, s.lat, s.address, s.description, s.source,
            s.reporter, s.stage, s.stage_before, s.unit, s.assignee_code, adapt(s.deadline),
            adapt(s.warn_at), s.clock_state, s.settled_on_spot, s.rework_count, s.escalations,
            s.duplicate_of.id if s.duplicate_of else None, s.satisfaction, adapt(s.closed_at),
            s.version,
        )
        for s in stories
    ]  # fmt: skip
    # Events in the order they happened across cases, as the services would have numbered them.
    events = sorted(((e[0], s.id, k), e) for s in stories for k, e in enumerate(s.events))
    rows = [
        (first_event_id + i, key[1], adapt(e[0]), e[1], e[2], e[3], e[4], e[5], e[6], adapt(e[7]))
        for i, (key, e) in enumerate(events)
    ]
    _insert(Case._meta.db_table, CASE_COLUMNS, cases)
    _insert(CaseEvent._meta.db_table, EVENT_COLUMNS, rows)
    # Ids were assigned here; PostgreSQL's sequences must move past them.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Case, CaseEvent]):
            cursor.execute(sql)
    # Rows written here, not by the services: the indicators' roll-up is worked out anew.
    rollup.rebuild()
    return len(rows)


def ensure_demo_cases(seed: int = 7, *, now: dt.datetime | None = None, days: int = DAYS) -> int:
    """Give the demo district its cases of the last `days`, once. Returns the cases made (0
    when there are cases already, or no demo team to report them)."""
    if Case.objects.exists() or not Grid.objects.filter(network__slug="comprehensive").exists():
        return 0
    with transaction.atomic():
        stories = plan_cases(seed=seed, now=now, days=days, first_id=_next_id(Case))
        store(stories, _next_id(CaseEvent))
    return len(stories)
