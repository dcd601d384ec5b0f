"""The month of an enterprise (plan 6, 獎懲辦法): each responsible person's deductions and
score, each department's mean score, the incentive fund, the candidates for safety model
and worst department, the violations and inspections behind them
(docs/adr/0030-enterprise-safety.md). Computed from the ledgers when asked."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from gridgov.accounts.models import names_of
from gridgov.core.errors import ServiceError
from gridgov.core.lib.codes import subtree_range

from .choices import Share
from .models import Deduction, MonthClose, Scheme, Violation


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def parse_month(text: str, field_name: str = "month") -> dt.date:
    """ "2026-11" → 2026-11-01 (422 naming the field otherwise)."""
    try:
        day = dt.datetime.strptime((text or "").strip(), "%Y-%m").date()
    except ValueError:
        raise ServiceError(
            "invalid", _("Give the month as YYYY-MM."), field=field_name, status=422
        ) from None
    if not 2000 <= day.year <= 2099:
        raise ServiceError("invalid", _("Give the month as YYYY-MM."), field=field_name, status=422)
    return day


def _assignments(scheme: Scheme, code: str, start: dt.date, end: dt.date) -> dict[int, str]:
    """The people holding a role on `code` or under it at some time between the two days,
    each with the most specific grid they hold (their post)."""
    from gridgov.accounts.models import Assignment

    low, high = subtree_range(code)
    rows = (
        Assignment.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=start), starts_on__lte=end,
            grid__network_id=scheme.grid.network_id, grid_code__gte=low, grid_code__lt=high,
        )
        .values_list("user_id", "grid_code")
    )  # fmt: skip
    out: dict[int, str] = {}
    for pk, grid_code in rows:
        if len(grid_code) > len(out.get(pk, "")):
            out[pk] = grid_code
    return out


def members(scheme: Scheme, code: str, day: dt.date) -> dict[int, str]:
    """The members of a grid of the enterprise on a day: whoever holds a role on it or
    under it (plan 6: 網格區域內的人員)."""
    return _assignments(scheme, code, day, day)


@dataclass
class PersonRow:
    person_id: int
    name: str
    grid_code: str
    department: str
    violator: int = 0  # points deducted as the violator (positive)
    joint: int = 0  # jointly
    inspection: int = 0  # on inspections' check lists
    score: int = 0
    rank: int | None = None
    grid_label: str = ""

    @property
    def deducted(self) -> int:
        return self.violator + self.joint + self.inspection


@dataclass
class DepartmentRow:
    grid_id: int
    code: str
    name: str
    members: int = 0
    deducted: int = 0  # points deducted from its members
    area_points: int = 0  # points deducted for violations in its area
    score: float | None = None  # its members' mean score
    rank: int | None = None


@dataclass
class MonthFigures:
    scheme: Scheme
    month: dt.date
    end: dt.date
    persons: list[PersonRow] = field(default_factory=list)
    departments: list[DepartmentRow] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    inspections: list[dict[str, Any]] = field(default_factory=list)
    points: int = 0
    fund_in: Decimal = Decimal(0)
    opening: Decimal = Decimal(0)
    closed: MonthClose | None = None
    grids: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def model_candidates(self) -> list[PersonRow]:
        return [p for p in self.persons if p.rank == 1]

    @property
    def worst_candidates(self) -> list[DepartmentRow]:
        scored = [d for d in self.departments if d.score is not None]
        if not scored:
            return []
        low = min(d.score for d in scored if d.score is not None)
        return [d for d in scored if d.score == low]


def _rank(rows: list[Any], value: Any) -> None:
    """Competition ranking, best first (ties share a place: 1, 1, 3)."""
    place, last = 0, object()
    for i, r in enumerate(rows, 1):
        if value(r) is None:
            r.rank = None
            continue
        if value(r) != last:
            place, last = i, value(r)
        r.rank = place


def _inspection_points(scheme: Scheme, month: dt.date, end: dt.date) -> dict[int, int]:
    """Points deducted from named responsible people on the enterprise's inspections."""
    from gridgov.inspections.models import PointEntry

    low, high = subtree_range(scheme.grid_code)
    rows = (
        PointEntry.objects.filter(
            grid_code__gte=low, grid_code__lt=high, day__gte=month, day__lte=end,
            person__isnull=False, points__lt=0,
        )
        .values("person_id").annotate(total=Sum("points"))
    )  # fmt: skip
    return {r["person_id"]: -r["total"] for r in rows}


def _inspections(scheme: Scheme, month: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The month's inspections in the enterprise per template, with their findings."""
    from gridgov.inspections.models import Inspection

    low, high = subtree_range(scheme.grid_code)
    rows = (
        Inspection.objects.filter(
            grid_code__gte=low, grid_code__lt=high,
            inspected_at__date__gte=month, inspected_at__date__lte=end,
        )
        .values("template__name")
        .annotate(count=Count("id", distinct=True), found=Count("findings"))
        .order_by("template__name")
    )  # fmt: skip
    return [dict(r) for r in rows]


def month_figures(scheme: Scheme, month: dt.date) -> MonthFigures:
    from gridgov.grids.models import Grid

    month = month.replace(day=1)
    end = month_end(month)
    out = MonthFigures(scheme=scheme, month=month, end=end)
    people = _assignments(scheme, scheme.grid_code, month, end)
    ledger: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    area: dict[str, int] = defaultdict(int)
    for pk, share, grid_code, points in Deduction.objects.filter(
        violation__scheme=scheme, day__gte=month, day__lte=end
    ).values_list("person_id", "share", "grid_code", "points"):
        area[grid_code] -= points
        ledger[pk][share] -= points
    inspected = _inspection_points(scheme, month, end)
    # The enterprise's own leaders (a role on its root only) are not ranked unless deducted.
    ranked = {pk for pk, code in people.items() if code != scheme.grid_code}
    everyone = ranked | set(ledger) | set(inspected)
    labels = names_of(everyone)
    depts = list(
        Grid.objects.filter(network_id=scheme.grid.network_id, parent_id=scheme.grid_id)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=month))
        .values_list("pk", "code", "name")
    )  # fmt: skip
    out.grids = dict(
        Grid.objects.filter(network_id=scheme.grid.network_id, code__startswith=scheme.grid_code)
        .values_list("code", "name")
    )  # fmt: skip
    for pk in everyone:
        own = people.get(pk, "")
        dept = next((code for _, code, _ in depts if own.startswith(code)), "")
        row = PersonRow(person_id=pk, name=labels.get(pk, str(pk)), grid_code=own, department=dept)
        book = ledger.get(pk, {})
        row.violator, row.joint = book.get(Share.VIOLATOR, 0), book.get(Share.JOINT, 0)
        row.inspection = inspected.get(pk, 0)
        row.grid_label = out.grids.get(own, "")
        row.score = scheme.base_score - row.deducted
        out.persons.append(row)
    out.persons.sort(key=lambda r: (-r.score, r.name, r.person_id))
    _rank(out.persons, lambda r: r.score)
    for pk, code, name in depts:
        rows = [p for p in out.persons if p.department == code]
        d = DepartmentRow(grid_id=pk, code=code, name=name, members=len(rows))
        d.deducted = sum(p.deducted for p in rows)
        d.area_points = sum(v for c, v in area.items() if c.startswith(code))
        d.score = round(sum(p.score for p in rows) / len(rows), 2) if rows else None
        out.departments.append(d)
    out.departments.sort(key=lambda d: (d.score is None, -(d.score or 0), d.code))
    _rank(out.departments, lambda d: d.score)
    out.points = sum(p.deducted for p in out.persons)
    out.fund_in = scheme.yuan_per_point * out.points
    before = MonthClose.objects.filter(scheme=scheme, month__lt=month).order_by("-month").first()
    out.opening = before.balance if before else Decimal(0)
    out.closed = (
        MonthClose.objects.select_related("model", "worst", "closed_by")
        .filter(scheme=scheme, month=month).first()
    )  # fmt: skip
    out.violations = list(
        Violation.objects.filter(scheme=scheme, happened_on__gte=month, happened_on__lte=end)
        .select_related("rule", "violator", "recorded_by")
        .prefetch_related("stoppers")
        .annotate(deducted=Sum("deductions__points", filter=Q(deductions__reversal=False)))
        .order_by("happened_on", "id")
    )  # fmt: skip
    for v in out.violations:
        v.grid_label = out.grids.get(v.grid_code, v.grid_code)  # type: ignore[attr-defined]
    out.inspections = _inspections(scheme, month, end)
    return out


def year_models(scheme: Scheme, year: int) -> list[MonthClose]:
    """The closed months of a year: the safety models filed for the year-end awards."""
    return list(
        MonthClose.objects.filter(scheme=scheme, month__year=year)
        .select_related("model", "worst").order_by("month")
    )  # fmt: skip


def person_month(scheme: Scheme, person_id: int, month: dt.date) -> list[Deduction]:
    """One person's deductions of a month, with their violations (their own page)."""
    return list(
        Deduction.objects.filter(
            violation__scheme=scheme, person_id=person_id, day__gte=month, day__lte=month_end(month)
        ).select_related("violation__rule").order_by("day", "id")
    )  # fmt: skip


def export(actor: Any, f: MonthFigures) -> tuple[bytes, str]:
    """The month's people in the shape of the statistics table (扣分匯總表), with a total
    row; one audit entry."""
    from gridgov.core.exports import table_xlsx

    total = PersonRow(person_id=0, name="合计", grid_code="", department="")
    total.violator = sum(p.violator for p in f.persons)
    total.joint = sum(p.joint for p in f.persons)
    total.inspection = sum(p.inspection for p in f.persons)
    rate = f.scheme.yuan_per_point
    columns = [
        ("名次", lambda p: p.rank, 6),
        ("责任人", lambda p: p.name, 14),
        ("网格", lambda p: f.grids.get(p.grid_code, ""), 22),
        ("部门", lambda p: f.grids.get(p.department, ""), 16),
        ("违章扣分", lambda p: p.violator, 10),
        ("连带扣分", lambda p: p.joint, 10),
        ("检查扣分", lambda p: p.inspection, 10),
        ("合计扣分", lambda p: p.deducted, 10),
        ("得分", lambda p: p.score if p.person_id else None, 8),
        ("负激励(元)", lambda p: float(rate * p.deducted), 12),
    ]
    return table_xlsx(
        actor=actor, action="safety.export", title=f"安全网格扣分汇总{f.label}",
        columns=columns, rows=[*f.persons, total], node=f.scheme.grid_code, start=f.month,
        end=f.end,
    )  # fmt: skip
