"""Score cards and rankings, computed when asked (docs/adr/0026-assessment.md).

A card is one subject's figures for a period: each indicator's raw figure with its numerator
and denominator (from the case indicators, the visit coverage, or a head's score), its score
on the indicator's band, and the weighted total with its grade. Indicators without a figure
(nothing to divide by, no score entered) are left out and the others' weights rescaled, so a
quiet grid is neither rewarded nor punished for its silence.

The figures come from `gridgov.cases.indicators.for_node` (the roll-up) and
`gridgov.visits.queries.summary`, grouped as a ranking needs them: per child grid, per grid
worker (cases they reported, households of the grids they hold) or per handling unit, all
under one node. A card of a worker or a unit is their row of that ranking, so the card and
the ranking always agree.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right, Role
from gridgov.cases import indicators as case_indicators
from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.lib.codes import subtree_range
from gridgov.core.scope import in_scope
from gridgov.visits import queries as visit_queries

from . import dedicated, moralbank_source, registry_source, survey
from .choices import Metric, PeriodKind, Source, Subject
from .models import Indicator, IndicatorSet, ManualScore

NETWORK = "comprehensive"
TREND = 6  # periods on a card's trend
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)

# A case indicator's (numerator, denominator) on a row of gridgov.cases.indicators.
CASE_PARTS = {
    Metric.CLOSURE_RATE: ("closed", "due"),
    Metric.ON_TIME_RATE: ("closed_on_time", "due"),
    Metric.REWORK_RATE: ("reworked", "handled"),
    Metric.TIMELY_FILING_RATE: ("file_on_time", "file_steps"),
    Metric.TIMELY_DISPATCH_RATE: ("dispatch_on_time", "dispatch_steps"),
    Metric.SATISFIED_SHARE: ("satisfied", "rated"),
}
VISIT_PARTS = {
    Metric.VISITED_SHARE: ("visited", "households"),
    Metric.VISIT_ON_TIME_SHARE: ("must_on_time", "must_visit"),
}
SURVEY_PARTS = {
    Metric.SURVEY_SATISFIED_SHARE: ("satisfied", "responses"),
    Metric.KNOWS_WORKER_SHARE: ("knows", "responses"),
}


# ---------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # the last day, included

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}"


def period_of(kind: str, on: dt.date) -> Period:
    """The month, quarter or year holding the day `on` (422 outside 2000–2099)."""
    if kind not in PeriodKind.values:
        raise ServiceError("invalid", _("Unknown period."), field="kind", status=422)
    if not FIRST_DAY <= on <= LAST_DAY:
        raise ServiceError(
            "invalid",
            _("Dates run from %(first)s to %(last)s.") % {"first": FIRST_DAY, "last": LAST_DAY},
            field="on", status=422,
        )  # fmt: skip
    if kind == PeriodKind.YEAR:
        return Period(kind, dt.date(on.year, 1, 1), dt.date(on.year, 12, 31))
    first = on.month if kind == PeriodKind.MONTH else (on.month - 1) // 3 * 3 + 1
    last = first if kind == PeriodKind.MONTH else first + 2
    return Period(
        kind,
        dt.date(on.year, first, 1),
        dt.date(on.year, last, calendar.monthrange(on.year, last)[1]),
    )


def trend_periods(p: Period, n: int = TREND) -> list[Period]:
    """The `n` periods ending with `p`, oldest first (none before 2000)."""
    out = [p]
    while len(out) < n and out[0].start > FIRST_DAY:
        out.insert(0, period_of(p.kind, out[0].start - dt.timedelta(days=1)))
    return out


# ---------------------------------------------------------------- cards


@dataclass
class Figure:
    indicator: Indicator
    numerator: int | None = None
    denominator: int | None = None
    raw: float | None = None
    score: float | None = None
    link: str = ""
    note: str = ""

    @property
    def weighted(self) -> float | None:
        return None if self.score is None else round(self.score * self.indicator.weight / 100, 2)


@dataclass
class Card:
    subject: str
    key: str
    label: str
    figures: list[Figure] = field(default_factory=list)
    total: float | None = None
    grade: str = ""
    rank: int | None = None

    def score_of(self, metric: str) -> float | None:
        return next((f.score for f in self.figures if f.indicator.metric == metric), None)


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def weighted_total(figures: list[Figure]) -> float | None:
    """Σ weight × score / Σ weight over the figures that have a score (two decimals)."""
    scored = [(f.indicator.weight, f.score) for f in figures if f.score is not None]
    weights = sum(w for w, _s in scored)
    if not weights:
        return None
    return round(sum(w * s for w, s in scored) / weights, 2)


def active_set(subject: str) -> IndicatorSet:
    s = IndicatorSet.objects.filter(subject=subject, active=True).first()
    if s is None:
        raise ServiceError(
            "no_set", _("No active indicator set for this subject."), field="subject", status=409
        )
    s.indicator_list = list(s.indicators.all())  # type: ignore[attr-defined]
    return s


def _links(subject: str, node: str, p: Period) -> dict[str, str]:
    keep = {"start": p.start.isoformat(), "end": p.end.isoformat()}
    by = {"worker": "worker", "unit": "unit"}.get(subject, "grid")
    cases = urlencode({"node": node, "by": by, **keep})
    visits = urlencode({"node": node, "by": "worker" if by == "worker" else "grid", **keep})
    surveys = urlencode({"node": node, **keep})
    return {
        Source.CASES: f"{reverse('cases:indicators')}?{cases}",
        Source.VISITS: f"{reverse('visits:coverage')}?{visits}",
        Source.SURVEY: f"{reverse('assessment:surveys')}?{surveys}",
        Source.MANUAL: "",
    }  # fmt: skip


def card(
    s: IndicatorSet, subject: str, key: str, label: str, case_row: Any, visit_row: Any,
    manual: dict[int, ManualScore], links: dict[str, str], survey_row: Any = None,
    inspection_row: Any = None, registry_row: Any = None, moral_row: Any = None,
) -> Card:  # fmt: skip
    """One subject's card from its case row, its visit row, its survey row and its manual
    scores."""
    out = Card(subject=subject, key=key, label=label)
    for ind in s.indicator_list:  # type: ignore[attr-defined]
        f = Figure(indicator=ind, link=links.get(ind.source, ""))
        parts = (
            CASE_PARTS.get(ind.metric) or VISIT_PARTS.get(ind.metric)
            or SURVEY_PARTS.get(ind.metric) or dedicated.PARTS.get(ind.metric)
            or registry_source.PARTS.get(ind.metric) or moralbank_source.PARTS.get(ind.metric)
        )  # fmt: skip
        row = {
            Source.CASES: case_row, Source.VISITS: visit_row, Source.SURVEY: survey_row,
            Source.INSPECTIONS: inspection_row, Source.REGISTRY: registry_row,
            Source.MORALBANK: moral_row,
        }.get(ind.source)  # fmt: skip
        if parts and row is not None:
            f.numerator, f.denominator = getattr(row, parts[0]), getattr(row, parts[1])
            f.raw = rate(f.numerator, f.denominator)  # type: ignore[arg-type]
        elif parts:
            f.numerator, f.denominator = 0, 0
        elif ind.metric == Metric.MANUAL and ind.pk in manual:
            m = manual[ind.pk]
            f.raw, f.note = float(m.score), m.reason
        f.score = ind.band(f.raw)
        out.figures.append(f)
    out.total = weighted_total(out.figures)
    out.grade = s.grade(out.total)
    return out


def _manual(s: IndicatorSet, p: Period, keys: list[str]) -> dict[str, dict[int, ManualScore]]:
    ids = [i.pk for i in s.indicator_list if i.metric == Metric.MANUAL]  # type: ignore[attr-defined]
    out: dict[str, dict[int, ManualScore]] = {}
    if ids and keys:
        for m in ManualScore.objects.filter(
            indicator_id__in=ids, kind=p.kind, start=p.start, subject_key__in=keys
        ):
            out.setdefault(m.subject_key, {})[m.indicator_id] = m
    return out


def cards(grid: Any, subject: str, p: Period, s: IndicatorSet | None = None) -> list[Card]:
    """The cards of every subject under `grid` for the period, unranked: per child grid
    (the grid itself at the grid level), per grid worker holding a grid under it, or per
    handling unit with cases under it. No scope check (see `node_for`)."""
    s = s or active_set(subject)
    if subject == Subject.DEDICATED:
        return dedicated_cards(grid, p, s)
    low, high = case_indicators.period(p.start, p.end)
    by = {Subject.GRID: "grid", Subject.WORKER: "worker", Subject.UNIT: "unit"}[subject]  # type: ignore[index]
    case_rows = {
        r.key: r for r in case_indicators.for_node(grid.code, low, high, by, network=grid.network)
    }
    visit_rows: dict[str, Any] = {}
    survey_rows: dict[str, Any] = {}
    registry_rows: dict[str, Any] = {}
    moral_rows: dict[str, Any] = {}
    labels: dict[str, str] = {}
    if subject != Subject.UNIT:
        rows, _total = visit_queries.summary(grid, p.start, p.end, by)
        visit_rows = {r.key: r for r in rows}
        labels = {r.key: str(r.label) for r in rows}
        sources = {i.source for i in s.indicator_list}  # type: ignore[attr-defined]
        if Source.SURVEY in sources:
            survey_rows = survey.rows(grid, p.start, p.end, by)
        if Source.REGISTRY in sources:
            registry_rows = registry_source.rows(grid, by, min(p.end, timezone.localdate()))
        if Source.MORALBANK in sources:
            moral_rows = moralbank_source.rows(grid, by, low, high)
    if subject == Subject.WORKER:
        keys = list(visit_rows)  # the workers holding a grid here, reporting or not
    elif subject == Subject.GRID:
        keys = sorted(set(visit_rows) | set(case_rows))
    else:
        keys = sorted((k for k in case_rows if k), key=int)
    for k, r in case_rows.items():
        labels.setdefault(k, r.label)
    links = _links(subject, grid.code, p)
    manual = _manual(s, p, keys)
    out = []
    for k in keys:
        own = links
        if subject == Subject.GRID:
            own = {**_links(subject, k, p), Source.REGISTRY: registry_source.link(grid, k),
                   Source.MORALBANK: moralbank_source.link(k)}  # fmt: skip
        else:
            own = {**links, Source.REGISTRY: registry_source.link(grid, grid.code),
                   Source.MORALBANK: moralbank_source.link(grid.code)}  # fmt: skip
        out.append(
            card(s, subject, k, labels.get(k, k), case_rows.get(k), visit_rows.get(k),
                 manual.get(k, {}), own, survey_rows.get(k),
                 registry_row=registry_rows.get(k), moral_row=moral_rows.get(k))
        )  # fmt: skip
    return out


def dedicated_cards(grid: Any, p: Period, s: IndicatorSet) -> list[Card]:
    """The cards of the dedicated grids under `grid`: their inspections (one coverage
    query set each) and the instructors' scores."""
    found = dedicated.grids_under(grid)
    manual = _manual(s, p, [g.code for g in found])
    out = []
    for g in found:
        links: dict[str, str] = {Source.INSPECTIONS: dedicated.link(g.code, p.start, p.end)}
        c = card(s, Subject.DEDICATED, g.code, g.name, None, None, manual.get(g.code, {}),
                 links, None, dedicated.row(g, p.start, p.end))  # fmt: skip
        out.append(c)
    return out


def grid_card(grid: Any, p: Period, s: IndicatorSet | None = None) -> Card:
    """The card of one grid (any level): all the cases and households under it."""
    s = s or active_set(Subject.GRID)
    low, high = case_indicators.period(p.start, p.end)
    rows = case_indicators.for_node(
        grid.code, low, high, "grid", network=grid.network, labels=False
    )
    _rows, visits = visit_queries.summary(grid, p.start, p.end, "grid")
    manual = _manual(s, p, [grid.code]).get(grid.code, {})
    sources = {i.source for i in s.indicator_list}  # type: ignore[attr-defined]
    return card(
        s, Subject.GRID, grid.code, grid.name, case_indicators.total(rows), visits, manual,
        {**_links(Subject.GRID, grid.code, p),
         Source.REGISTRY: registry_source.link(grid, grid.code),
         Source.MORALBANK: moralbank_source.link(grid.code)},
        survey.node_row(grid, p.start, p.end),
        registry_row=(
            registry_source.node_row(grid, min(p.end, timezone.localdate()))
            if Source.REGISTRY in sources
            else None
        ),
        moral_row=(
            moralbank_source.node_row(grid, low, high) if Source.MORALBANK in sources else None
        ),
    )  # fmt: skip


def rank(found: list[Card], sort: str = "total") -> list[Card]:
    """Best first by total (ties share a rank: 1, 1, 3; then by name), those without a
    total last and unranked. `sort` may name a metric to order by its score instead; the
    rank stays the total's."""
    ordered = sorted(found, key=lambda c: (c.total is None, -(c.total or 0), c.label, c.key))
    place, last = 0, None
    for i, c in enumerate(ordered, 1):
        if c.total is None:
            c.rank = None
            continue
        if c.total != last:
            place, last = i, c.total
        c.rank = place
    if sort == "name":
        return sorted(ordered, key=lambda c: (c.label, c.key))
    if sort in Metric.values:
        return sorted(ordered, key=lambda c: (c.score_of(sort) is None, -(c.score_of(sort) or 0)))
    return ordered


def trend(
    subject: str, grid: Any, key: str, p: Period, s: IndicatorSet
) -> list[tuple[Period, Card | None]]:
    """The subject's card over the last periods (oldest first); None where it had none."""
    out: list[tuple[Period, Card | None]] = []
    for q in trend_periods(p):
        if subject == Subject.GRID and key == grid.code:
            out.append((q, grid_card(grid, q, s)))
        else:
            out.append((q, next((c for c in cards(grid, subject, q, s) if c.key == key), None)))
    return out


# ---------------------------------------------------------------- scope


def grid_for(code: str) -> Any:
    from gridgov.grids.models import Grid

    return (
        Grid.objects.select_related("network").filter(network__slug=NETWORK, code=code).first()
        if code
        else None
    )


def node_for(user: Any, code: str) -> Any:
    """The grid `code`, if the person may assess under it: 404 out of scope (or no such
    grid), 403 in scope without the right "assess"."""
    grid = grid_for(code) if code and in_scope(user, code) else None
    if grid is None:
        raise NotFound(_("No grid with code %(code)s.") % {"code": code}, field="node")
    if not in_scope(user, code, Right.ASSESS):
        raise Forbidden(_("You may not see the assessment here."))
    return grid


def card_for(user: Any, subject: str, key: str, node: str, p: Period) -> tuple[Any, Card]:
    """A subject's card with the right to see it: a grid worker their own (under any grid
    of the network), heads with "assess" anyone's under their subtree. 404 when the
    subject is not under the node or out of scope; 403 in scope without the right."""
    if subject == Subject.WORKER and key == str(getattr(user, "pk", "")) and user.is_active:
        grid = grid_for(node)
        if grid is None:
            raise NotFound(_("No grid with code %(code)s.") % {"code": node}, field="node")
    elif subject == Subject.DEDICATED and node == key and dedicated.instructs(user, key):
        grid = grid_for(key)  # its instructor sees the dedicated grid's own card
        if grid is None:
            raise NotFound(_("No grid with code %(code)s.") % {"code": key}, field="node")
    else:
        grid = node_for(user, node)
    s = active_set(subject)
    if subject == Subject.GRID:
        low, high = subtree_range(grid.code)
        if not (low <= key < high):
            raise NotFound(_("No grid with code %(code)s.") % {"code": key}, field="key")
        target = grid if key == grid.code else grid_for(key)
        if target is None:
            raise NotFound(_("No grid with code %(code)s.") % {"code": key}, field="key")
        return target, grid_card(target, p, s)
    found = next((c for c in cards(grid, subject, p, s) if c.key == key), None)
    if found is None:
        raise NotFound(_("Nobody to assess here with that key."), field="key")
    return grid, found


def default_node(user: Any) -> str:
    """Where the ranking opens: the person's outermost grid with the right "assess"."""
    from gridgov.accounts.roles import RIGHTS
    from gridgov.grids.models import Grid

    if user.is_superuser:
        top = Grid.objects.filter(network__slug=NETWORK, parent__isnull=True).order_by("code")
        return str(top.values_list("code", flat=True).first() or "")
    # Grids of the comprehensive network only: an enterprise's safety head assesses on the
    # safety pages, not here.
    codes = [
        c for c, role in user.assignments.active().filter(grid__network__slug=NETWORK)
        .values_list("grid_code", "role")
        if Right.ASSESS in RIGHTS.get(role, ())
    ]  # fmt: skip
    return min(codes, key=len) if codes else ""


def own_grids(user: Any) -> list[str]:
    """The grids a person holds as a grid worker (their own card's node)."""
    return sorted(
        user.assignments.active().filter(role=Role.GRID_WORKER).values_list("grid_code", flat=True)
    )


def own_node(user: Any) -> str:
    """The node of a worker's own card: their grid, or the lowest grid above all of them."""
    codes = own_grids(user)
    if not codes:
        return ""
    prefix = codes[0]
    for c in codes[1:]:
        while not c.startswith(prefix):
            prefix = prefix[:-1]
    grid = grid_for(codes[0])
    lengths = [n for n in grid.network.code_lengths if n <= len(prefix)] if grid else []
    return prefix[: max(lengths)] if lengths else ""


# ---------------------------------------------------------------- xlsx export


def export(
    *, actor: Any, node: str, subject: str, p: Period, sort: str = "total"
) -> tuple[bytes, str]:
    """The ranking as the page shows it, as xlsx (rank, name, every indicator's raw figure
    and score, total, grade), with one audit entry. Refuses as the page does."""
    from django.db import transaction

    from gridgov.core import models as audit
    from gridgov.registry import xlsx

    grid = node_for(actor, node)
    s = active_set(subject)
    ranked = rank(cards(grid, subject, p, s), sort)
    headers = ["名次", "名称", "编码"]
    widths = [6, 22, 18]
    for ind in s.indicator_list:  # type: ignore[attr-defined]
        name = str(ind.get_metric_display())
        headers += [f"{name}(原始值)", f"{name}(得分)"]
        widths += [14, 12]
    headers += ["综合得分", "等级"]
    widths += [10, 6]
    rows = (
        [
            c.rank,
            c.label,
            c.key,
            *[v for f in c.figures for v in (f.raw, f.score)],
            c.total,
            c.grade,
        ]
        for c in ranked
    )
    title = f"考核排名{p.label}"
    with transaction.atomic():
        data = xlsx.write_rows(headers, rows, title, widths)
        audit.record(
            actor=actor, action="assessment.export", object_type="export", object_key=grid.code,
            after={"node": grid.code, "subject": subject, "kind": p.kind,
                   "start": str(p.start), "rows": len(ranked)},
        )  # fmt: skip
    return data, f"{title}-{grid.code}.xlsx"
