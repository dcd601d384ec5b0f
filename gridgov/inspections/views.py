"""Inspection pages: the heads' coverage with drill-down, overdue rectifications and its
xlsx export (/inspections/); on the phone, the inspections due and the check-list form
(/m/inspections/) and the patrol (/m/patrol/)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gridgov.core.errors import ServiceError, refuse_page
from gridgov.core.exports import xlsx_response
from gridgov.core.lib import worktime
from gridgov.core.lib.codes import subtree_range
from gridgov.core.scope import in_scope
from gridgov.grids.queries import trail
from gridgov.visits.queries import default_node, node_for
from gridgov.visits.queries import period as day_range

from . import occurrences, queries, services
from .choices import Targets
from .forms import CoverageForm, RecordForm
from .models import Inspection, Schedule

# ---------------------------------------------------------------- coverage


def _form(data: Any) -> CoverageForm:
    """The filters, defaulting to this month so far."""
    today = timezone.localdate()
    values = {"start": today.replace(day=1), "end": today, "node": ""}
    values.update({k: v for k, v in data.items() if k in values and v})
    return CoverageForm(values)


@require_GET
@login_required
def coverage_page(request: HttpRequest) -> HttpResponse:
    """Per child grid of a node and a period: occurrences due and done, overdue, findings,
    rectifications past their deadline (listed with their cases), points."""
    form = _form(request.GET)
    ctx: dict[str, Any] = {"form": form, "rows": []}
    if not form.is_valid():
        return render(request, "inspections/coverage.html", ctx, status=400)
    d = form.cleaned_data
    node = d["node"] or default_node(request.user)
    if not node:
        raise PermissionDenied
    today = timezone.localdate()
    try:
        grid = node_for(request.user, node)
        rows, total = queries.summary(grid, d["start"], d["end"], today)
        low, high = day_range(d["start"], d["end"])
    except ServiceError as e:
        refuse_page(e)
        form.add_error(e.field if e.field in form.fields else None, str(e.message))
        return render(request, "inspections/coverage.html", ctx, status=400)
    keep = {"start": d["start"].isoformat(), "end": d["end"].isoformat()}
    late = list(queries.overdue_rectifications(grid.code, today)[:100])
    lo, hi = subtree_range(grid.code)
    inspections = list(
        Inspection.objects.filter(
            grid_code__gte=lo, grid_code__lt=hi, inspected_at__gte=low, inspected_at__lt=high
        )
        .select_related("template", "inspector")
        .prefetch_related("findings__case")[:50]
    )
    names = _grid_names({x.grid_code for x in [*late, *inspections]})
    for x in [*late, *inspections]:
        x.grid_name = names.get(x.grid_code, x.grid_code)  # type: ignore[union-attr]
    ctx.update(
        grid=grid, rows=rows, total=total, trail=trail(request.user, grid),
        keep=urlencode(keep), export={**keep, "node": grid.code},
        late=late,
        inspections=inspections, today=today,
        can_inspect=bool(queries.schedules(request.user).exists()),
    )  # fmt: skip
    return render(request, "inspections/coverage.html", ctx)


@require_POST
@login_required
def coverage_export(request: HttpRequest) -> HttpResponse:
    form = CoverageForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["node"]:
        return HttpResponse(_("Choose a grid and a period."), status=400)
    d = form.cleaned_data
    try:
        data, name = queries.export(
            actor=request.user, node=d["node"], start=d["start"], end=d["end"]
        )
    except ServiceError as e:
        refuse_page(e)
        return HttpResponse(str(e.message), status=400)
    return xlsx_response(data, name)


# ---------------------------------------------------------------- phone: inspections due


def _grid_names(codes: set[str]) -> dict[str, str]:
    from gridgov.grids.models import Grid

    return dict(
        Grid.objects.filter(network__slug="comprehensive", code__in=codes).values_list(
            "code", "name"
        )
    )


@require_GET
@login_required
def due_list(request: HttpRequest) -> HttpResponse:
    """The occurrences the person may carry out, from a month back to a week ahead, not yet
    done: overdue first, then due now, then to come."""
    today = timezone.localdate()
    rows = queries.due_for(request.user, today)
    if not rows and not queries.schedules(request.user).exists():
        raise PermissionDenied
    names = _grid_names({d.occurrence.target_code for d in rows})
    groups: dict[str, list[dict[str, Any]]] = {"overdue": [], "due": [], "upcoming": []}
    for d in rows:
        groups[d.status].append(
            {"d": d, "name": names.get(d.occurrence.target_code, d.occurrence.target_code),
             "late": (today - d.occurrence.due_on).days,
             "once": d.schedule.targets == Targets.ONCE}
        )  # fmt: skip
    groups["overdue"].sort(key=lambda i: i["d"].occurrence.due_on)
    ctx = {
        "today": today,
        "count": len(rows),
        "sections": [
            ("overdue", _("Overdue"), groups["overdue"]),
            ("due", _("Due now"), groups["due"]),
            ("upcoming", _("Coming up"), groups["upcoming"]),
        ],
    }
    return render(request, "inspections/due.html", ctx)


def _grids_under(schedule: Schedule) -> list[Any]:
    """The grids a spot check may inspect: those in force at the grid level under its node."""
    from gridgov.grids.models import Grid

    network = schedule.grid.network
    if schedule.grid.depth == network.grid_depth:
        return [schedule.grid]
    lo, hi = subtree_range(schedule.grid_code)
    return list(
        Grid.objects.current()
        .filter(network_id=network.pk, code__gte=lo, code__lt=hi, depth=network.grid_depth)
        .order_by("code")
    )


def _occurrence(
    request: HttpRequest, schedule_id: int, period_start: dt.date, target: str
) -> tuple[Schedule, dt.date, list[Any]]:
    """The schedule, the occurrence's due day and the grids it may inspect; 404 if there is
    no such occurrence or it is out of the person's scope, 403 if it is not theirs to do."""
    from gridgov.grids.models import Grid

    schedule = (
        Schedule.objects.select_related("template", "grid__network")
        .filter(pk=schedule_id, active=True)
        .first()
    )
    if schedule is None or not in_scope(request.user, target):
        raise Http404
    found = occurrences.period_of(schedule, period_start, worktime.is_working_day)
    if found is None or found[0] != period_start:
        raise Http404
    if schedule.targets == Targets.ONCE:
        if target != schedule.grid_code:
            raise Http404
        grids = [g for g in _grids_under(schedule) if in_scope(request.user, g.code)]
    else:
        if target not in services.targets(schedule, target):
            raise Http404
        grids = list(Grid.objects.filter(network_id=schedule.grid.network_id, code=target))
    if not grids:
        raise Http404
    if not services.may_inspect(request.user, target, schedule):
        raise PermissionDenied
    return schedule, found[1], grids


FIELDS = {"outcomes": None, "findings": "finding_0", "template": None}


@login_required
def record(request: HttpRequest, schedule: int, period_start: dt.date, target: str) -> HttpResponse:
    """Carry out an occurrence: every check-list item passed, failed or not applicable,
    findings with their rectification deadlines (each opens a case), notes and photos."""
    plan, due_on, grids = _occurrence(request, schedule, period_start, target)
    items = list(plan.template.items.order_by("position"))
    form = RecordForm(request.POST or None, request.FILES or None, items=items, grids=grids)
    done = (
        Inspection.objects.filter(schedule=plan, period_start=period_start, target_code=target)
        .select_related("inspector")
        .first()
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        grid = next((g for g in grids if g.code == d.get("grid", grids[0].code)), grids[0])
        at = d["inspected_at"] or timezone.now()
        found = occurrences.period_of(plan, timezone.localtime(at).date(), worktime.is_working_day)
        if found is None or found[0] != period_start:
            form.add_error(
                "inspected_at", _("Give a day in this inspection's period (from %(day)s).")
                % {"day": period_start.isoformat()},
            )  # fmt: skip
        else:
            try:
                inspection = services.record_inspection(
                    actor=request.user, grid=grid, schedule=plan, outcomes=d["outcomes"],
                    notes=d["notes"], findings=d["findings"], photos=d["photos"],
                    inspected_at=d["inspected_at"],
                )  # fmt: skip
            except ServiceError as e:
                refuse_page(e)
                field = FIELDS.get(e.field or "", e.field)
                form.add_error(field if field in form.fields else None, str(e.message))
            else:
                numbers = [f.case.number for f in inspection.findings.select_related("case")]
                if numbers:
                    messages.success(
                        request,
                        _("Inspection recorded; cases %(numbers)s opened.")
                        % {"numbers": "、".join(numbers)},
                    )
                else:
                    messages.success(request, _("Inspection recorded."))
                return redirect("m_inspections:due")
    today = timezone.localdate()
    current = occurrences.period_of(plan, today, worktime.is_working_day)
    in_period = current is not None and current[0] == period_start
    ctx = {
        "schedule": plan, "template": plan.template, "due_on": due_on,
        "period_start": period_start, "target": target, "grids": grids, "form": form,
        "done": done, "in_period": in_period, "late": due_on < today,
        "target_name": _grid_names({target}).get(target, target),
    }  # fmt: skip
    return render(request, "inspections/record.html", ctx, status=400 if form.errors else 200)
