"""Case indicators (R-REPORT-1): 結案率, 按期結案率, 返工率, 及時立案率, 及時派遣率, average
time per stage and satisfaction, per grid (any level), handling unit, worker or month.

Definitions and their reasons: docs/adr/0019-case-indicators.md. In short, the cases counted
are those reported in [start, end) under a node (a cohort, read as of now). The whole days of
a period are read from the roll-up (cases.rollup: every case's facts, summed per day, grid,
unit and reporter, kept by the services), plus the running cases past their deadline; a
part of a day, and everything with `live=True`, is answered by two aggregate queries
whatever the number of cases — the definition the roll-up's facts follow case by case:

1. over `Case` (one row per case): reported, filed, suspended, due to close, closed,
   handled, reworked, satisfaction;
2. over `CaseEvent` joined to its case: timely filing and dispatch (`at` <= `due`), the
   closed cases with a late step (so closed on time = closed − late), and the time spent
   in each stage (wall clock, in SQL).

Rows keep sums and counts, never rates, so that rows add up exactly into a total
(`total`) and every rate is computed once from its own numerator and denominator.

Nothing here checks scope: `node_for` does that for the pages and the API; `for_node` is
also what `gridgov bench cases` times.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from django.db.models import Count, F, FloatField, Func, Q, Sum, Value
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import ServiceError
from gridgov.core.lib.codes import subtree_range

from .choices import Action, Stage
from .models import ROLLUP_SUMS, RUNNING_SQL, Case, CaseDay, CaseEvent

GROUPINGS = ("grid", "unit", "worker", "month")
# The stages whose time is measured (closed, not filed and merged are ends, not waits).
TIMED_STAGES = (
    Stage.REPORTED,
    Stage.FILED,
    Stage.DISPATCHED,
    Stage.IN_PROGRESS,
    Stage.HANDLED,
    Stage.SUSPENDED,
)
# Stages of a case that entered the loop (立案 or settled on the spot): all but these.
NOT_ENTERED = (Stage.REPORTED, Stage.NOT_FILED, Stage.MERGED)
# The steps whose lateness makes a closed case "not closed on time" (ADR 0019).
CLOSING_STEPS = (Action.HANDLE, Action.SETTLE, Action.VERIFY)
NETWORK = "comprehensive"
# Dates the page and the API accept: wide enough for any real period, narrow enough that
# a date turned into an aware datetime (and one day added) never overflows.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)


class Epoch(Func):
    """Seconds since 1970 of a datetime column, as a float, on SQLite and PostgreSQL
    (Django has no portable epoch extraction). SQLite keeps UTC text that julianday()
    reads; PostgreSQL's timestamptz gives its epoch directly."""

    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(EPOCH FROM %(expressions)s) AS double precision)",
            **extra,
        )


class Unindexed(Func):
    """A column whose condition SQLite's planner is not to answer with an index (a unary
    plus, as its documentation advises); the column itself elsewhere."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)


@dataclass
class Row:
    """The figures of one group. Counts and sums only; rates are properties."""

    key: str
    label: str = ""
    # Drill-down: the grid code a click opens (grid grouping, above the grid level).
    drill: str = ""
    reported: int = 0
    filed: int = 0  # entered the loop: filed (立案) or settled on the spot
    not_filed: int = 0
    merged: int = 0
    suspended: int = 0  # 緩辦/掛賬 now: counted apart, out of "due"
    due: int = 0  # 應結案
    closed: int = 0
    closed_late: int = 0
    handled: int = 0
    reworked: int = 0
    file_steps: int = 0
    file_on_time: int = 0
    dispatch_steps: int = 0
    dispatch_on_time: int = 0
    rated: int = 0
    rating_sum: int = 0
    satisfied: int = 0  # rated 4 or 5
    # Per stage: seconds spent in completed spells, and how many spells.
    stage_seconds: dict[str, float] = field(default_factory=dict)
    stage_spells: dict[str, int] = field(default_factory=dict)

    @property
    def closed_on_time(self) -> int:
        return self.closed - self.closed_late

    @property
    def closure_rate(self) -> float | None:
        return _rate(self.closed, self.due)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.closed_on_time, self.due)

    @property
    def rework_rate(self) -> float | None:
        return _rate(self.reworked, self.handled)

    @property
    def timely_filing_rate(self) -> float | None:
        return _rate(self.file_on_time, self.file_steps)

    @property
    def timely_dispatch_rate(self) -> float | None:
        return _rate(self.dispatch_on_time, self.dispatch_steps)

    @property
    def satisfaction(self) -> float | None:
        return round(self.rating_sum / self.rated, 2) if self.rated else None

    @property
    def satisfied_share(self) -> float | None:
        return _rate(self.satisfied, self.rated)

    def stage_hours(self, stage: str) -> float | None:
        """Mean wall-clock hours of a completed spell in `stage` (None: no spell)."""
        spells = self.stage_spells.get(stage, 0)
        if not spells:
            return None
        return round(self.stage_seconds.get(stage, 0.0) / spells / 3600, 2)

    @property
    def hours(self) -> dict[str, float | None]:
        return {str(s): self.stage_hours(s) for s in TIMED_STAGES}


def _rate(part: int, whole: int) -> float | None:
    """A percentage with two decimals; None when there is nothing to divide by."""
    return round(100 * part / whole, 2) if whole else None


COUNTS = [
    f.name for f in fields(Row) if f.name not in ("key", "label", "drill") and f.type == "int"
]


def total(rows: list[Row], label: str = "") -> Row:
    """The rows added up: exact, since every group is a disjoint set of cases."""
    out = Row(key="", label=label or _("Total"))
    for r in rows:
        for name in COUNTS:
            setattr(out, name, getattr(out, name) + getattr(r, name))
        for s in TIMED_STAGES:
            out.stage_seconds[s] = out.stage_seconds.get(s, 0.0) + r.stage_seconds.get(s, 0.0)
            out.stage_spells[s] = out.stage_spells.get(s, 0) + r.stage_spells.get(s, 0)
    return out


# ---------------------------------------------------------------- the two queries


def child_length(node_code: str, network: Any) -> int:
    """Digits of the codes one level below `node_code` in `network` (the node's own length
    at the grid level or below: one row for it)."""
    lengths = list(network.code_lengths)
    if node_code and len(node_code) in lengths:
        depth = lengths.index(len(node_code))
        if depth < network.grid_depth:
            return int(lengths[depth + 1])
    return len(node_code)


def _network() -> Any:
    from gridgov.grids.queries import network_by_slug

    return network_by_slug(NETWORK)


def _group(by: str, length: int, prefix: str = "") -> Any:
    """The GROUP BY expression of a grouping, on Case (`prefix` "" ) or via an event's case
    ("case__")."""
    if by == "grid":
        # DESIGN idea 1: a roll-up per child is a GROUP BY substr(code, 1, n).
        return Substr(f"{prefix}grid_code", 1, length)
    if by == "unit":
        return F(f"{prefix}unit_id")
    if by == "worker":
        return F(f"{prefix}reporter_id")
    if by == "month":
        return TruncMonth(f"{prefix}created_at", tzinfo=timezone.get_current_timezone())
    raise ServiceError("invalid", _("Unknown grouping."), field="by", status=422)


def _cohort(node_code: str, start: dt.datetime, end: dt.datetime, prefix: str = "") -> Q:
    # Two half-open ranges: the code range is the subtree (index-friendly, DESIGN idea 1),
    # the time range the period; see ADR 0019 for the index that serves both.
    low, high = subtree_range(node_code)
    return Q(
        **{
            f"{prefix}grid_code__gte": low,
            f"{prefix}grid_code__lt": high,
            f"{prefix}created_at__gte": start,
            f"{prefix}created_at__lt": end,
        }
    )


def _case_figures(
    node_code: str, start: dt.datetime, end: dt.datetime, group: Any, as_of: dt.datetime
) -> dict[Any, dict[str, Any]]:
    entered = ~Q(stage__in=NOT_ENTERED)
    # Due to close (應結案): entered, not suspended, and closed or past its current
    # deadline (a case still within its limit is not yet due).
    due = (
        entered
        & ~Q(stage=Stage.SUSPENDED)
        & (Q(stage=Stage.CLOSED) | Q(deadline__lt=as_of) | Q(deadline__isnull=True))
    )
    # Handled at least once: it is (or was, before a rework sent it back) past handling.
    handled = Q(stage__in=(Stage.HANDLED, Stage.CLOSED)) | Q(rework_count__gt=0)
    qs = (
        Case.objects.filter(_cohort(node_code, start, end))
        .annotate(g=group)
        .values("g")
        .order_by()
        .annotate(
            reported=Count("id"),
            filed=Count("id", filter=entered),
            not_filed=Count("id", filter=Q(stage=Stage.NOT_FILED)),
            merged=Count("id", filter=Q(stage=Stage.MERGED)),
            suspended=Count("id", filter=Q(stage=Stage.SUSPENDED)),
            due=Count("id", filter=due),
            closed=Count("id", filter=Q(stage=Stage.CLOSED)),
            handled=Count("id", filter=handled),
            reworked=Count("id", filter=Q(rework_count__gt=0)),
            rated=Count("satisfaction"),
            rating_sum=Sum("satisfaction"),
            satisfied=Count("id", filter=Q(satisfaction__gte=4)),
        )
    )
    return _by_group(qs)


def _event_figures(
    node_code: str, start: dt.datetime, end: dt.datetime, group: Any
) -> dict[Any, dict[str, Any]]:
    on_time = Q(due__isnull=True) | Q(at__lte=F("due"))
    late = Q(due__isnull=False, at__gt=F("due"))
    # Seconds from the period's start: keeps the sums small (float precision) and is
    # cancelled out by the subtraction below.
    t = Epoch("at") - Value(start.timestamp())
    stage_aggs: dict[str, Any] = {}
    for s in TIMED_STAGES:
        # Time in a stage = Σ leaving − Σ entering, over cases no longer in it (a spell
        # still running has no end yet). An event that stays in the stage (escalating an
        # unfiled case, say) is both and cancels out; it does not start a spell.
        done = ~Q(case__stage=s)
        stage_aggs[f"out_{s}"] = Sum(t, filter=Q(from_stage=s) & done)
        stage_aggs[f"in_{s}"] = Sum(t, filter=Q(to_stage=s) & done)
        stage_aggs[f"n_{s}"] = Count("id", filter=Q(from_stage=s) & ~Q(to_stage=s) & done)
    qs = (
        CaseEvent.objects.filter(_cohort(node_code, start, end, "case__"))
        .annotate(g=group)
        .values("g")
        .order_by()
        .annotate(
            file_steps=Count("id", filter=Q(action=Action.FILE)),
            file_on_time=Count("id", filter=Q(action=Action.FILE) & on_time),
            dispatch_steps=Count("id", filter=Q(action=Action.DISPATCH)),
            dispatch_on_time=Count("id", filter=Q(action=Action.DISPATCH) & on_time),
            closed_late=Count(
                "case_id",
                distinct=True,
                filter=Q(action__in=CLOSING_STEPS, case__stage=Stage.CLOSED) & late,
            ),
            **stage_aggs,
        )
    )
    return _by_group(qs)


def _by_group(qs: Any) -> dict[Any, dict[str, Any]]:
    out: dict[Any, dict[str, Any]] = {}
    for r in qs:
        figures = dict(r)
        out[figures.pop("g")] = figures
    return out


def _key(by: str, value: Any) -> str:
    if value is None or (by in ("unit", "worker") and not value):
        return ""  # the roll-up's 0: no unit, no reporter
    if by == "month":
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value:%Y-%m}"
    return str(value)


def _live(
    node_code: str, start: dt.datetime, end: dt.datetime, by: str, length: int,
    as_of: dt.datetime,
) -> dict[str, Row]:  # fmt: skip
    """The rows from the cases and their events (the two aggregate queries)."""
    cases = _case_figures(node_code, start, end, _group(by, length), as_of)
    events = _event_figures(node_code, start, end, _group(by, length, "case__")) if cases else {}
    rows: dict[str, Row] = {}
    for g, figures in cases.items():
        row = Row(key=_key(by, g))
        for name, value in figures.items():
            setattr(row, name, value or 0)
        ev = events.get(g, {})
        for name in ("file_steps", "file_on_time", "dispatch_steps", "dispatch_on_time"):
            setattr(row, name, ev.get(name) or 0)
        row.closed_late = ev.get("closed_late") or 0
        for s in TIMED_STAGES:
            row.stage_seconds[s] = (ev.get(f"out_{s}") or 0.0) - (ev.get(f"in_{s}") or 0.0)
            row.stage_spells[s] = ev.get(f"n_{s}") or 0
        rows[row.key] = row
    return rows


# ---------------------------------------------------------------- the roll-up

# Entered, not suspended, not closed: due to close once its deadline has passed.
RUNNING_ENTERED = (Stage.FILED, Stage.DISPATCHED, Stage.IN_PROGRESS, Stage.HANDLED)


def _midnight(day: dt.date) -> dt.datetime:
    from .rollup import zone

    return dt.datetime.combine(day, dt.time(), tzinfo=zone())


def whole_days(start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date]:
    """[first, last): the whole days of the roll-up's time zone within [start, end)."""
    from .rollup import zone

    first = start.astimezone(zone()).date()
    if _midnight(first) < start:
        first += dt.timedelta(days=1)
    return first, max(first, end.astimezone(zone()).date())


def _rolled(
    node_code: str, first: dt.date, last: dt.date, by: str, length: int, as_of: dt.datetime
) -> dict[str, Row]:
    """The rows of the cases reported on the days [first, last) from the day rows, plus the
    running cases whose deadline has passed by `as_of` (the part of "due" that depends on
    the time of asking): two queries."""
    low, high = subtree_range(node_code)
    group = {
        "grid": Substr("grid_code", 1, length),
        "unit": F("unit"),
        "worker": F("reporter"),
        "month": TruncMonth("day"),
    }[by]
    qs = (
        CaseDay.objects.filter(grid_code__gte=low, grid_code__lt=high, day__gte=first, day__lt=last)
        .annotate(g=group)
        .values("g")
        .order_by()
        .annotate(**{name: Sum(name) for name in ROLLUP_SUMS})
    )
    rows: dict[str, Row] = {}
    for g, figures in _by_group(qs).items():
        if not figures["reported"]:
            continue  # a key its cases have all left (a unit that handed them back)
        row = Row(key=_key(by, g))
        for name in COUNTS:
            setattr(row, name, figures.get(name) or 0)
        row.due = figures["due_fixed"] or 0
        for s in TIMED_STAGES:
            row.stage_seconds[s] = (figures[f"ms_{s}"] or 0) / 1000
            row.stage_spells[s] = figures[f"n_{s}"] or 0
        rows[row.key] = row
    if rows:
        # Read through the sweep's partial index on the deadline of running cases (those
        # past their deadline are few), not through the cohort's (grid_code, created_at)
        # index (every case of the period): SQLite is kept off the latter with unary
        # pluses, and is given the partial index's condition as literal SQL, without
        # which it does not use a partial index.
        low, high = subtree_range(node_code)
        by_field = {"unit": "unit", "worker": "reporter"}.get(by)
        overdue = (
            Case.objects.alias(code=Unindexed("grid_code"), born=Unindexed("created_at"))
            .filter(
                code__gte=low,
                code__lt=high,
                born__gte=_midnight(first),
                born__lt=_midnight(last),
                stage__in=RUNNING_ENTERED,
                deadline__lt=as_of,
            )
            .extra(where=[RUNNING_SQL])
            # Nor grouped through the index on the unit or the reporter, read whole.
            .annotate(g=Unindexed(f"{by_field}_id") if by_field else _group(by, length))
            .values("g")
            .order_by()
            .annotate(n=Count("id"))
        )
        for r in overdue:
            key = _key(by, r["g"])
            if key in rows:
                rows[key].due += r["n"]
    return rows


def _add(rows: dict[str, Row], more: dict[str, Row]) -> None:
    for key, row in more.items():
        if key in rows:
            both = total([rows[key], row])
            both.key, both.label = key, ""
            row = both
        rows[key] = row


def for_node(
    node_code: str,
    start: dt.datetime,
    end: dt.datetime,
    by: str = "grid",
    *,
    as_of: dt.datetime | None = None,
    labels: bool = True,
    network: Any = None,
    live: bool = False,
) -> list[Row]:
    """The indicators of the cases reported in [start, end) under `node_code`, one row per
    group, ordered by key (no scope check: see `node_for`). The whole days of the period
    come from the roll-up (two queries: the day rows, the running cases past their
    deadline); a part of a day at either end, or everything with `live`, from the cases
    and their events (two queries each). One more for the network unless given, and one
    with `labels` (names of the grids, units or workers)."""
    if by not in GROUPINGS:
        raise ServiceError("invalid", _("Unknown grouping."), field="by", status=422)
    as_of = as_of or timezone.now()
    network = network or _network()
    length = child_length(node_code, network)
    first, last = whole_days(start, end)
    if live or first >= last:
        found = _live(node_code, start, end, by, length, as_of)
    else:
        found = _rolled(node_code, first, last, by, length, as_of)
        for a, b in ((start, _midnight(first)), (_midnight(last), end)):
            if a < b:
                _add(found, _live(node_code, a, b, by, length, as_of))
    rows = sorted(found.values(), key=lambda r: (r.key == "", r.key))
    if labels:
        _label(rows, by, node_code, network)
    return rows


def _label(rows: list[Row], by: str, node_code: str, network: Any) -> None:
    """Names for the keys, in one query (none for months)."""
    keys = [r.key for r in rows if r.key]
    names: dict[str, str] = {}
    if by == "grid" and keys:
        from gridgov.grids.models import Grid

        found = Grid.objects.filter(network=network, code__in=keys).values_list(
            "code", "name", "depth"
        )
        grid_depth = network.grid_depth
        depths = {}
        for code, name, depth in found:
            names[code] = name
            depths[code] = depth
        for r in rows:
            # Drill into a child above the grid level (below it are buildings, not grids).
            if r.key != node_code and depths.get(r.key, grid_depth) < grid_depth:
                r.drill = r.key
    elif by == "unit" and keys:
        from gridgov.registry.models import Organisation

        ids = [int(k) for k in keys]
        names = {
            str(k): v for k, v in Organisation.objects.filter(pk__in=ids).values_list("pk", "name")
        }
    elif by == "worker" and keys:
        from gridgov.accounts.models import names_of

        names = {str(pk): name for pk, name in names_of([int(k) for k in keys]).items()}
    for r in rows:
        if by == "month":
            r.label = r.key
        elif not r.key:
            r.label = {
                "unit": _("Grid staff (no unit)"),
                "worker": _("Residents and other channels"),
            }.get(by, "—")
        else:
            r.label = names.get(r.key, r.key)


# ---------------------------------------------------------------- scope and periods


def period(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after `end` 00:00) in the local time zone: both days included."""
    if not (FIRST_DAY <= start <= LAST_DAY and FIRST_DAY <= end <= LAST_DAY):
        raise ServiceError(
            "invalid",
            _("Dates run from %(first)s to %(last)s.") % {"first": FIRST_DAY, "last": LAST_DAY},
            field="start",
            status=422,
        )
    if end < start:
        raise ServiceError("invalid", _("The end is before the start."), field="end", status=422)
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz),
    )


def node_for(user: Any, code: str) -> Any:
    """The grid `code` of the comprehensive network, if the person may see its indicators:
    out of their scope (or no such grid) 404, in scope without the right "view" 403."""
    from gridgov.grids.queries import grid_for

    return grid_for(user, code, _("You may not see the indicators here."))


def default_node(user: Any) -> str:
    """Where the page opens: the person's outermost grid with the right "view"."""
    from gridgov.grids.queries import home_code

    return home_code(user)


# ---------------------------------------------------------------- xlsx export

STAGE_HEADERS = {
    Stage.REPORTED: "待立案平均时长(小时)",
    Stage.FILED: "待派遣平均时长(小时)",
    Stage.DISPATCHED: "待接收平均时长(小时)",
    Stage.IN_PROGRESS: "处置中平均时长(小时)",
    Stage.HANDLED: "待核查平均时长(小时)",
    Stage.SUSPENDED: "缓办平均时长(小时)",
}
# The file format: Chinese whatever the page's language (as registry/xlsx.py's headers).
COLUMNS: tuple[tuple[str, Any, int], ...] = (
    ("名称", lambda r: r.label, 22),
    ("编码", lambda r: r.key, 18),
    ("上报数", lambda r: r.reported, 8),
    ("立案数", lambda r: r.filed, 8),
    ("不予立案数", lambda r: r.not_filed, 10),
    ("合并数", lambda r: r.merged, 8),
    ("缓办数", lambda r: r.suspended, 8),
    ("应结案数", lambda r: r.due, 10),
    ("结案数", lambda r: r.closed, 8),
    ("按期结案数", lambda r: r.closed_on_time, 10),
    ("结案率(%)", lambda r: r.closure_rate, 10),
    ("按期结案率(%)", lambda r: r.on_time_rate, 12),
    ("处置数", lambda r: r.handled, 8),
    ("返工数", lambda r: r.reworked, 8),
    ("返工率(%)", lambda r: r.rework_rate, 10),
    ("立案环节数", lambda r: r.file_steps, 10),
    ("及时立案数", lambda r: r.file_on_time, 10),
    ("及时立案率(%)", lambda r: r.timely_filing_rate, 12),
    ("派遣环节数", lambda r: r.dispatch_steps, 10),
    ("及时派遣数", lambda r: r.dispatch_on_time, 10),
    ("及时派遣率(%)", lambda r: r.timely_dispatch_rate, 12),
    ("评价数", lambda r: r.rated, 8),
    ("满意度(1-5)", lambda r: r.satisfaction, 10),
    ("满意率(%)", lambda r: r.satisfied_share, 10),
    *(
        (header, (lambda s: lambda r: r.stage_hours(s))(stage), 14)
        for stage, header in STAGE_HEADERS.items()
    ),
)
GROUP_TITLES = {"grid": "按网格", "unit": "按处置单位", "worker": "按上报人", "month": "按月"}


def export(*, actor: Any, node: str, start: dt.date, end: dt.date, by: str) -> tuple[bytes, str]:
    """The indicators of `node` as the page shows them, as xlsx (one row per group and a
    total), with one audit entry. Refuses as the page does: 404 out of scope, 403 without
    the right, 422 for a bad period or grouping. Returns (file, file name)."""
    from gridgov.core.exports import table_xlsx

    grid = node_for(actor, node)
    low, high = period(start, end)
    rows = for_node(grid.code, low, high, by, network=grid.network)
    rows.append(total(rows, "合计"))
    title = f"案件指标{GROUP_TITLES.get(by, '')}"
    return table_xlsx(
        actor=actor, action="case_indicators.export", title=title, columns=COLUMNS, rows=rows,
        node=grid.code, start=start, end=end, about={"by": by},
    )  # fmt: skip
