"""Public pages (no login): report a problem at a grid (from its QR code), follow a report.

What a follow page shows is what the resident may know without showing who: the stage, the
category, the deadline and the steps with their times, never staff names, notes or the
description (the link may be forwarded; docs/adr/0018)."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from gridgov.accounts.security import client_address
from gridgov.cases.choices import OPEN_STAGES
from gridgov.cases.models import Case
from gridgov.core.errors import ServiceError
from gridgov.teams.boards import public_grid

from . import services
from .forms import PublicReportForm


def report(request: HttpRequest, code: str) -> HttpResponse:
    grid = public_grid(code)
    if grid is None:
        raise Http404
    form = PublicReportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.report(
                address=client_address(request), category=d["category"], grid=grid,
                description=d["description"], lon=d["lon"], lat=d["lat"], place=d["place"],
                photos=d["photos"],
            )  # fmt: skip
            return redirect("intake:follow", public_id=case.public_id)
        except ServiceError as e:
            status = e.status
            field = {"location": "lon", "grid": "lon"}.get(e.field or "", e.field)
            form.add_error(field if field in form.fields else None, str(e.message))
    elif form.errors:
        status = 400
    ctx = {"form": form, "grid": grid}
    return render(request, "intake/report.html", ctx, status=status)


@require_GET
def outline(request: HttpRequest, code: str) -> JsonResponse:
    """The grid's own outline for the report page's map (the same shape as grids:geojson's
    "node" feature; the grid is on a public poster, its children and buildings are not)."""
    grid = public_grid(code)
    if grid is None or not grid.boundary:
        raise Http404
    feature = {
        "type": "Feature",
        "geometry": grid.boundary,
        "properties": {"role": "node", "code": grid.code, "name": grid.name},
    }
    response = JsonResponse({"type": "FeatureCollection", "features": [feature]})
    patch_cache_control(response, public=True, max_age=3600)
    return response


@require_GET
def follow(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = (
        Case.objects.select_related("category__parent", "duplicate_of")
        .filter(public_id=public_id)
        .first()
    )
    if case is None:
        raise Http404
    ctx = {
        "case": case,
        "is_open": case.stage in OPEN_STAGES,
        "overdue": case.is_overdue(timezone.now()),
        # Steps only: when, what, which stage; no actor, note or holder.
        "steps": [
            {"at": e.at, "action": e.action_label, "stage": e.stage_label}
            for e in case.events.only("at", "action", "to_stage", "case_id")
        ],
    }
    response = render(request, "intake/follow.html", ctx)
    # The page is the resident's: never kept by a shared cache, nor indexed.
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
