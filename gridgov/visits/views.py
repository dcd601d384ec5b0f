"""Visit pages: the worker's list of today's visits and the visit form (phone pages, /m/),
and the heads' coverage page with drill-down and its xlsx export (/visits/)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gridgov.core.errors import ServiceError, refuse_page
from gridgov.core.exports import xlsx_response
from gridgov.core.scope import holds_anywhere, in_scope
from gridgov.grids.queries import trail
from gridgov.registry.choices import TagKind
from gridgov.registry.models import Household

from . import queries, services
from .forms import CoverageForm, RecordForm
from .models import Schedule, Visit, VisitPhoto

SHOWN = 200  # households on the phone list: more is not a day's work


def common_prefix(addresses: list[str]) -> str:
    """What every address of the list begins with ("…街道…社区"), cut back to before a
    number: on a phone the list shows the rest ("8号楼1单元701室") under it once."""
    if len(addresses) < 2:
        return ""
    first, last = min(addresses), max(addresses)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    prefix = first[:n]
    while prefix and (prefix[-1].isdigit() or (prefix[-1].isascii() and prefix[-1].isalpha())):
        prefix = prefix[:-1]
    return prefix if all(len(a) > len(prefix) for a in addresses) else ""


def tag_labels(codes: list[str]) -> list[str]:
    return [str(TagKind(c).label) for c in codes if c in TagKind.values]


# ---------------------------------------------------------------- phone pages


@require_GET
@login_required
def due_list(request: HttpRequest) -> HttpResponse:
    """Today's visits: overdue first, then due today, then the rest of the week."""
    if not holds_anywhere(request.user, services.RECORD):
        raise PermissionDenied
    today = timezone.localdate()
    rows = list(queries.due(request.user, today=today, within=7, right=services.RECORD)[:SHOWN])
    groups: dict[str, list[dict[str, Any]]] = {"overdue": [], "today": [], "week": []}
    prefix = common_prefix([s.household.address for s in rows])
    for s in rows:
        key = "overdue" if s.next_due < today else "today" if s.next_due == today else "week"
        groups[key].append(
            {
                "s": s,
                "tags": tag_labels(s.tag_list()),
                "late": (today - s.next_due).days,
                "address": s.household.address[len(prefix) :],
            }
        )
    ctx = {
        "today": today,
        "sections": [
            ("overdue", _("Overdue"), groups["overdue"]),
            ("today", _("Due today"), groups["today"]),
            ("week", _("Due this week"), groups["week"]),
        ],
        "count": len(rows),
        "more": len(rows) == SHOWN,
        "prefix": prefix,
    }
    return render(request, "visits/due.html", ctx)


def _household(request: HttpRequest, public_id: uuid.UUID) -> Household:
    household = (
        Household.objects.visible_to(request.user)
        .select_related("grid")
        .filter(public_id=public_id)
        .first()
    )
    if household is None:
        raise Http404
    if not services.may_record(request.user, household):
        raise PermissionDenied
    return household


@login_required
def record(request: HttpRequest, household: uuid.UUID) -> HttpResponse:
    """Record a visit: what was found, whom they met, photos, where (the device's location),
    and, in the same step, a case opened with the findings."""
    home = _household(request, household)
    form = RecordForm(request.POST or None, request.FILES or None, household=home)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            visit = services.record_visit(
                actor=request.user, household=home, findings=d["findings"], lon=d["lon"],
                lat=d["lat"], residents=list(d["residents"]), photos=d["photos"],
                open_case=d["open_case"], category=d["category"],
            )  # fmt: skip
        except ServiceError as e:
            if e.status == 403:
                raise PermissionDenied from None
            field = {"location": "lon"}.get(e.field or "", e.field)
            form.add_error(field if field in form.fields else None, str(e.message))
        else:
            if visit.case is not None:
                messages.success(
                    request,
                    _("Visit recorded; case %(number)s opened.") % {"number": visit.case.number},
                )
                return redirect("cases:detail", number=visit.case.number)
            messages.success(request, _("Visit recorded."))
            return redirect("m_visits:due")
    plan = Schedule.objects.filter(household=home).select_related("follow_up_case").first()
    ctx = {
        "household": home,
        "plan": plan,
        "tags": tag_labels(plan.tag_list()) if plan else [],
        "form": form,
        "grid_code": home.grid_code,
        "recent": Visit.objects.filter(household=home).select_related("worker")[:3],
    }
    return render(request, "visits/record.html", ctx, status=400 if form.errors else 200)


# ---------------------------------------------------------------- coverage


def _form(data: Any) -> CoverageForm:
    """The filters, defaulting to this month so far, per grid."""
    today = timezone.localdate()
    values = {"start": today.replace(day=1), "end": today, "by": "grid", "node": ""}
    values.update({k: v for k, v in data.items() if k in values and v})
    return CoverageForm(values)


@require_GET
@login_required
def coverage_page(request: HttpRequest) -> HttpResponse:
    form = _form(request.GET)
    ctx: dict[str, Any] = {
        "form": form, "rows": [], "can_record": holds_anywhere(request.user, services.RECORD)
    }  # fmt: skip
    if not form.is_valid():
        return render(request, "visits/coverage.html", ctx, status=400)
    d = form.cleaned_data
    node = d["node"] or queries.default_node(request.user)
    if not node:
        raise PermissionDenied
    try:
        grid = queries.node_for(request.user, node)
        rows, total = queries.summary(grid, d["start"], d["end"], d["by"])
    except ServiceError as e:
        refuse_page(e)
        form.add_error(e.field if e.field in form.fields else None, str(e.message))
        return render(request, "visits/coverage.html", ctx, status=400)
    keep = {"start": d["start"].isoformat(), "end": d["end"].isoformat()}
    visits: Any = []
    if grid.is_grid_level:
        low, high = queries.period(d["start"], d["end"])
        visits = Visit.objects.filter(
            grid_code=grid.code, visited_at__gte=low, visited_at__lt=high
        ).select_related("household", "worker", "case")[:50]
    ctx.update(
        grid=grid, by=d["by"], rows=rows, total=total,
        trail=trail(request.user, grid), keep=urlencode(keep),
        export={**keep, "node": grid.code, "by": d["by"]}, visits=visits,
    )  # fmt: skip
    return render(request, "visits/coverage.html", ctx)


@require_POST
@login_required
def coverage_export(request: HttpRequest) -> HttpResponse:
    form = CoverageForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["node"]:
        return HttpResponse(_("Choose a grid and a period."), status=400)
    d = form.cleaned_data
    start: dt.date = d["start"]
    try:
        data, name = queries.export(
            actor=request.user, node=d["node"], start=start, end=d["end"], by=d["by"]
        )
    except ServiceError as e:
        refuse_page(e)
        return HttpResponse(str(e.message), status=400)
    return xlsx_response(data, name)


@require_GET
@login_required
def photo(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    p = VisitPhoto.objects.select_related("visit").filter(public_id=public_id).first()
    if p is None or not in_scope(request.user, p.visit.grid_code, "view"):
        raise Http404
    try:
        f = default_storage.open(p.file)
    except OSError:
        raise Http404 from None
    response = FileResponse(f, content_type="image/jpeg")
    patch_cache_control(response, private=True, max_age=3600)
    return response
