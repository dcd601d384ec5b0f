"""Reads shared by the pages and the API: the due list, the visits, coverage (ADR 0023)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import ServiceError
from gridgov.core.lib.codes import subtree_range
from gridgov.core.scope import scope_q
from gridgov.grids.queries import grid_for, home_code

from .models import Schedule, Visit

NETWORK = "comprehensive"
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def due(user: Any, *, today: dt.date, within: int = 7, grid: str = "", right: str = "view") -> Any:
    """Schedules in the person's scope due by `today + within` days, overdue first (the
    index on (grid_code, next_due) serves each grid of the scope)."""
    qs = Schedule.objects.filter(
        scope_q(user, "grid_code", right), next_due__lte=today + dt.timedelta(days=within)
    )
    if grid:
        low, high = subtree_range(grid)
        qs = qs.filter(grid_code__gte=low, grid_code__lt=high)
    return qs.select_related("household").order_by("next_due", "grid_code", "household_id")


# ---------------------------------------------------------------- coverage


@dataclass
class Row:
    key: str
    label: str
    households: int = 0
    visited: int = 0
    visits: int = 0
    must_visit: int = 0
    must_on_time: int = 0
    overdue: int = 0
    children: bool = field(default=False)

    @property
    def visited_share(self) -> float | None:
        return round(100 * self.visited / self.households, 1) if self.households else None

    @property
    def on_time_share(self) -> float | None:
        return round(100 * self.must_on_time / self.must_visit, 1) if self.must_visit else None


COUNTS = ("households", "visited", "visits", "must_visit", "must_on_time", "overdue")


def total(rows: list[Row], label: str = "") -> Row:
    out = Row(key="", label=label or _("Total"))
    for r in rows:
        for name in COUNTS:
            setattr(out, name, getattr(out, name) + getattr(r, name))
    return out


def period(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after `end` 00:00) in the local time zone."""
    if not (FIRST_DAY <= start <= LAST_DAY and FIRST_DAY <= end <= LAST_DAY):
        raise ServiceError(
            "invalid",
            _("Dates run from %(first)s to %(last)s.") % {"first": FIRST_DAY, "last": LAST_DAY},
            field="start", status=422,
        )  # fmt: skip
    if end < start:
        raise ServiceError("invalid", _("The end is before the start."), field="end", status=422)
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz),
    )


def node_for(user: Any, code: str) -> Any:
    """The comprehensive grid `code`, if the person may see its coverage: 404 out of scope
    (or no such grid), 403 in scope without the right "view"."""
    return grid_for(user, code, _("You may not see the coverage here."))


def default_node(user: Any) -> str:
    """Where the coverage page opens: the person's outermost grid with the right "view"."""
    return home_code(user)


def child_length(code: str, network: Any) -> int:
    """Digits of the codes one level below `code` (its own length at the grid level)."""
    lengths = list(network.code_lengths)
    if len(code) in lengths:
        depth = lengths.index(len(code))
        if depth < network.grid_depth:
            return int(lengths[depth + 1])
    return len(code)


def _counts(code: str, length: int, start: dt.datetime, end: dt.datetime, today: dt.date) -> dict:
    """Per child code (its first `length` digits): households, visited households and
    visits in the period, must-visit households and those visited on time, overdue now.

    Five queries, each reading one index only (no table rows) and grouping in the database:
    households; overdue schedules (on (grid_code, next_due)); must-visit households (the
    partial index); the period's visits (on (grid_code, visited_at, household, …)); the
    period's visits of must-visit households, per household, matched in Python (ADR 0023).
    """
    from gridgov.registry.models import Household

    low, high = subtree_range(code)
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    rng = {"grid_code__gte": low, "grid_code__lt": high}
    k = Substr("grid_code", 1, length)

    def per_child(qs: Any, **counts: Any) -> None:
        for row in qs.filter(**rng).annotate(k=k).values("k").annotate(**counts).order_by():
            for name in counts:
                out[row["k"]][name] += row[name]

    per_child(Household.objects, households=Count("id"))
    per_child(Schedule.objects.filter(next_due__lt=today), overdue=Count("household_id"))
    must = Schedule.objects.filter(**rng, must_visit=True)
    per_child(must, must_visit=Count("household_id"))
    period = Visit.objects.filter(visited_at__gte=start, visited_at__lt=end)
    per_child(period, visited=Count("household_id", distinct=True), visits=Count("id"))
    # On time: visited in the period, every visit then on time, and not left overdue by the
    # end of the period (or today, if sooner).
    horizon = min(timezone.localtime(end).date() - dt.timedelta(days=1), today)
    for grid_code in (
        period.filter(**rng, household_id__in=must.values("household_id"))
        .values("household_id")
        .annotate(
            grid=Max("grid_code"), late=Count("id", filter=Q(on_time=False)),
            reach=Max("next_due"),
        )
        .filter(late=0, reach__gte=horizon)
        .values_list("grid", flat=True)
        .order_by()
    ):  # fmt: skip
        out[grid_code[:length]]["must_on_time"] += 1
    return out


def for_node(
    grid: Any, start: dt.date, end: dt.date, by: str = "grid", today: dt.date | None = None
) -> list[Row]:
    """Coverage under `grid` in the period (both days included), per child grid (`by` =
    "grid") or per grid worker holding a grid under it ("worker")."""
    return summary(grid, start, end, by, today)[0]


def summary(
    grid: Any, start: dt.date, end: dt.date, by: str = "grid", today: dt.date | None = None
) -> tuple[list[Row], Row]:
    """The rows of `for_node` and their total: the node's own figures. Per worker the rows
    overlap (a grid held by two workers counts for each), so the total is not their sum."""
    from gridgov.grids.models import Grid

    today = today or timezone.localdate()
    low, high = period(start, end)
    if by == "worker":
        return _per_worker(grid, low, high, today)
    length = child_length(grid.code, grid.network)
    counts = _counts(grid.code, length, low, high, today)
    if length == len(grid.code):
        names = {grid.code: grid.name}
        deeper: set[str] = set()
    else:
        kids = Grid.objects.filter(
            network_id=grid.network_id, parent=grid, kind="comprehensive"
        ).order_by("code")
        names = dict(kids.values_list("code", "name"))
        deeper = {c for c in names if child_length(c, grid.network) != len(c)}
    rows = []
    for key in sorted(set(names) | set(counts)):
        r = Row(key=key, label=names.get(key, key), children=key in deeper)
        for name, value in counts.get(key, {}).items():
            setattr(r, name, value)
        rows.append(r)
    return rows, total(rows)


def _per_worker(
    grid: Any, start: dt.datetime, end: dt.datetime, today: dt.date
) -> tuple[list[Row], Row]:
    """One row per grid worker holding a grid under `grid`: the households of their grids
    (visited by anyone), and the visits they made themselves anywhere under `grid`."""
    from gridgov.accounts.models import Assignment, person_name
    from gridgov.accounts.roles import Role

    low, high = subtree_range(grid.code)
    leaf = max(grid.network.code_lengths)
    counts = _counts(grid.code, leaf, start, end, today)
    held: dict[int, list[str]] = {}
    people: dict[int, str] = {}
    for user_id, code, username, first, last in (
        Assignment.objects.active(today)
        .filter(role=Role.GRID_WORKER, grid_code__gte=low, grid_code__lt=high)
        .values_list("user_id", "grid_code", "user__username", "user__first_name",
                     "user__last_name")
    ):  # fmt: skip
        held.setdefault(user_id, []).append(code)
        people[user_id] = person_name(username, first, last)
    made = dict(
        Visit.objects.filter(
            grid_code__gte=low, grid_code__lt=high, visited_at__gte=start, visited_at__lt=end,
            worker_id__in=list(held),
        )
        .values("worker_id").annotate(n=Count("id")).values_list("worker_id", "n")
    )  # fmt: skip
    rows = []
    for user_id, codes in sorted(held.items(), key=lambda e: (sorted(e[1]), people[e[0]])):
        r = Row(key=str(user_id), label=people[user_id])
        for key, values in counts.items():
            if any(key.startswith(c) for c in codes):
                for name in ("households", "visited", "must_visit", "must_on_time", "overdue"):
                    setattr(r, name, getattr(r, name) + values[name])
        r.visits = made.get(user_id, 0)
        rows.append(r)
    node = Row(key="", label=_("Total"))
    for values in counts.values():
        for name in COUNTS:
            setattr(node, name, getattr(node, name) + values[name])
    return rows, node


# ---------------------------------------------------------------- xlsx export

COLUMNS: tuple[tuple[str, Any, int], ...] = (
    ("名称", lambda r: r.label, 22),
    ("编码", lambda r: r.key, 18),
    ("户数", lambda r: r.households, 10),
    ("走访户数", lambda r: r.visited, 10),
    ("走访次数", lambda r: r.visits, 10),
    ("走访覆盖率(%)", lambda r: r.visited_share, 12),
    ("必访户数", lambda r: r.must_visit, 10),
    ("按时走访必访户数", lambda r: r.must_on_time, 14),
    ("必访按时率(%)", lambda r: r.on_time_share, 12),
    ("当前逾期户数", lambda r: r.overdue, 12),
)


def export(*, actor: Any, node: str, start: dt.date, end: dt.date, by: str) -> tuple[bytes, str]:
    """The coverage as the page shows it, as xlsx with a total row; one audit entry."""
    from gridgov.core.exports import table_xlsx

    grid = node_for(actor, node)
    rows, node_total = summary(grid, start, end, by)
    node_total.label = "合计"
    rows.append(node_total)
    title = "走访覆盖" + ("(按网格员)" if by == "worker" else "")
    return table_xlsx(
        actor=actor, action="visit_coverage.export", title=title, columns=COLUMNS, rows=rows,
        node=grid.code, start=start, end=end, about={"by": by},
    )  # fmt: skip


# ---------------------------------------------------------------- people's sentiment diary


def diary(user: Any) -> Any:
    """The diary entries a person may read: their own, and those of the grids where they
    hold the heads' right (services.DIARY_READ)."""
    from .models import DiaryEntry
    from .services import DIARY_READ

    if not user or not user.is_authenticated or not user.is_active:
        return DiaryEntry.objects.none()
    if user.is_superuser:
        # scope_q is the empty Q() here, and Q(worker=…) | Q() is Q(worker=…), not all.
        return DiaryEntry.objects.all()
    return DiaryEntry.objects.filter(Q(worker=user) | scope_q(user, "grid_code", DIARY_READ))


def writer_grids(user: Any) -> Any:
    """The grids a person keeps a diary on: those they hold the right on (their own grids,
    not every grid under them)."""
    from gridgov.accounts.roles import RIGHTS
    from gridgov.grids.models import Grid

    from .services import DIARY_WRITE

    qs = Grid.objects.current().filter(network__slug=NETWORK)
    if user.is_superuser:
        return qs.filter(parent__isnull=True).order_by("code")
    codes = [
        c for c, role in user.assignments.active().values_list("grid_code", "role")
        if DIARY_WRITE in RIGHTS.get(role, ())
    ]  # fmt: skip
    return qs.filter(code__in=codes).order_by("code")


def search_diary(
    user: Any,
    *,
    text: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    grid: str = "",
    worker: str = "",
    mood: str = "",
) -> Any:
    """Entries matching every filter given, newest first: `text` in what was heard or the
    follow-up wanted, days from `start` to `end` (both included), under the grid code
    `grid`, by the worker with username `worker`."""
    qs = diary(user)
    if text:
        qs = qs.filter(Q(heard__icontains=text) | Q(follow_up__icontains=text))
    if start:
        qs = qs.filter(day__gte=start)
    if end:
        qs = qs.filter(day__lte=end)
    if grid:
        low, high = subtree_range(grid)
        qs = qs.filter(grid_code__gte=low, grid_code__lt=high)
    if worker:
        qs = qs.filter(worker__username=worker)
    if mood:
        qs = qs.filter(mood=mood)
    return qs.select_related("worker", "grid").order_by("-day", "-id")
