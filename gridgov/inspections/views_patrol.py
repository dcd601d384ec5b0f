"""The patrol on the phone (/m/patrol/): start on one of the worker's grids, mark the points
passed (the device's location, filled in by patrol.js), end; plain forms, each answered with
a redirect back to the page, which draws the patrol's points on a map."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gridgov.core.errors import ServiceError

from . import services
from .forms import PointForm, StartForm
from .models import Patrol

RECENT = 5


def _grids(user: Any) -> list[Any]:
    """The grids the person patrols (those where they may report cases); 403 if none."""
    from gridgov.grids.models import Grid

    codes = services.patrol_grids(user)
    qs = Grid.objects.filter(network__slug="comprehensive").order_by("code")
    grids = list(qs.filter(parent__isnull=True) if codes == [""] else qs.filter(code__in=codes))
    if not grids:
        raise PermissionDenied
    return grids


def _running(user: Any) -> Patrol | None:
    return Patrol.objects.filter(worker=user, ended_at__isnull=True).select_related("grid").first()


def _minutes(patrol: Patrol) -> int | None:
    d = patrol.duration
    return round(d.total_seconds() / 60) if d is not None else None


@require_GET
@login_required
def page(request: HttpRequest) -> HttpResponse:
    grids = _grids(request.user)
    running = _running(request.user)
    points = []
    if running is not None:
        points = [
            {"lon": p.lon, "lat": p.lat, "inside": p.inside}
            for p in running.points.order_by("at", "id")
        ]
    ended = Patrol.objects.filter(worker_id=request.user.pk, ended_at__isnull=False)
    recent = [{"p": p, "minutes": _minutes(p)} for p in ended.select_related("grid")[:RECENT]]
    ctx = {
        "grids": grids, "running": running, "points": points, "recent": recent,
        "start_form": StartForm(grids=grids), "point_form": PointForm(),
    }  # fmt: skip
    return render(request, "inspections/patrol.html", ctx)


def _told(request: HttpRequest, e: ServiceError) -> HttpResponse:
    if e.status == 403:
        raise PermissionDenied from None
    messages.error(request, str(e.message))
    return redirect("m_patrol:page")


@require_POST
@login_required
def start(request: HttpRequest) -> HttpResponse:
    grids = _grids(request.user)
    form = StartForm(request.POST, grids=grids)
    if not form.is_valid():
        messages.error(request, _("Choose one of your grids."))
        return redirect("m_patrol:page")
    grid = next(g for g in grids if g.code == form.cleaned_data["grid"])
    try:
        services.start_patrol(actor=request.user, grid=grid)
    except ServiceError as e:
        return _told(request, e)
    messages.success(request, _("Patrol started."))
    return redirect("m_patrol:page")


@require_POST
@login_required
def point(request: HttpRequest) -> HttpResponse:
    running = _running(request.user)
    if running is None:
        messages.error(request, _("You are not on a patrol."))
        return redirect("m_patrol:page")
    form = PointForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The device gave no location: allow it, then try again."))
        return redirect("m_patrol:page")
    d = form.cleaned_data
    try:
        made = services.add_points(
            actor=request.user, patrol=running,
            points=[(None, d["lon"], d["lat"], d["accuracy"])],
        )  # fmt: skip
    except ServiceError as e:
        return _told(request, e)
    if made and not made[0].inside:
        messages.warning(request, _("Point marked, outside your grids."))
    else:
        messages.success(request, _("Point marked."))
    return redirect("m_patrol:page")


@require_POST
@login_required
def end(request: HttpRequest) -> HttpResponse:
    running = _running(request.user)
    if running is None:
        messages.error(request, _("You are not on a patrol."))
        return redirect("m_patrol:page")
    try:
        p = services.end_patrol(actor=request.user, patrol=running)
    except ServiceError as e:
        return _told(request, e)
    messages.success(
        request,
        _("Patrol ended: %(length)d m, %(minutes)d min, %(points)d points.")
        % {"length": round(p.length_m), "minutes": _minutes(p) or 0, "points": p.points_count},
    )
    return redirect("m_patrol:page")
