"""Team pages: who answers for a grid (today or on a day), giving and ending roles, and the
一格一員 report."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts import services
from gridgov.accounts.models import Assignment
from gridgov.accounts.roles import Right
from gridgov.core.errors import ServiceError
from gridgov.core.scope import in_scope
from gridgov.grids import queries as grid_queries
from gridgov.grids.models import Grid
from gridgov.grids.services import get_grid_for

from . import forms, queries


def _grid(request: HttpRequest, network: str, code: str) -> Grid:
    try:
        return get_grid_for(request.user, grid_queries.network_by_slug(network), code)
    except ServiceError:
        raise Http404 from None


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The team of the person's own top grid (the first, when they hold several)."""
    network = grid_queries.network_by_slug("comprehensive")
    top = grid_queries.top_grids(request.user, network)
    if not top:
        raise Http404
    return redirect("teams:team", network=network.slug, code=top[0].code)


def _on(request: HttpRequest) -> tuple[dt.date | None, str | None]:
    """The day asked about (?on=YYYY-MM-DD), or None for today; an error if unreadable."""
    raw = request.GET.get("on", "").strip()
    if not raw:
        return None, None
    try:
        return dt.date.fromisoformat(raw), None
    except ValueError:
        return None, _("Must be a date (YYYY-MM-DD).")


@login_required
def team(request: HttpRequest, network: str, code: str) -> HttpResponse:
    grid = _grid(request, network, code)
    on, on_error = _on(request)
    can_assign = in_scope(request.user, grid.code, Right.CHANGE_TEAMS)
    ctx = {
        "grid": grid,
        "network": grid.network,
        "posts": queries.team(grid, on),
        "four": queries.four_in_one(grid, on),
        "on": on,
        "on_error": on_error,
        "today": timezone.localdate(),
        "history": queries.history(grid) if on is None else [],
        "can_assign": can_assign,
        "children": grid_queries.children(grid) if grid.depth < grid.network.grid_depth else [],
        "assign_form": (
            forms.AssignForm(grid=grid, rights=services.rights_on(request.user, grid.code))
            if can_assign
            else None
        ),
        "end_form": forms.EndForm() if can_assign else None,
    }
    return render(request, "teams/team.html", ctx)


@require_POST
@login_required
def assign(request: HttpRequest, network: str, code: str) -> HttpResponse:
    grid = _grid(request, network, code)
    if not in_scope(request.user, grid.code, Right.CHANGE_TEAMS):
        raise PermissionDenied
    form = forms.AssignForm(
        request.POST, grid=grid, rights=services.rights_on(request.user, grid.code)
    )
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.assign(
                actor=request.user,
                user=d["username"],
                grid=grid,
                role=d["role"],
                starts_on=d["starts_on"],
                unit=d["unit"],
                note=d["note"],
            )
            return redirect("teams:team", network=network, code=code)
        except ServiceError as e:
            form.add_error(e.field if e.field in form.fields else None, str(e.message))
    ctx = {
        "grid": grid,
        "network": grid.network,
        "posts": queries.team(grid),
        "history": queries.history(grid),
        "can_assign": True,
        "assign_form": form,
        "end_form": forms.EndForm(),
        "today": timezone.localdate(),
    }
    return render(request, "teams/team.html", ctx, status=400)


@require_POST
@login_required
def end(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(Assignment.objects.select_related("grid__network"), pk=pk)
    grid = assignment.grid
    if not in_scope(request.user, grid.code):
        raise Http404
    form = forms.EndForm(request.POST)
    url = reverse("teams:team", kwargs={"network": grid.network.slug, "code": grid.code})
    if not form.is_valid():
        return redirect(url)
    try:
        services.end(
            actor=request.user,
            assignment=assignment,
            ends_on=form.cleaned_data["ends_on"],
            reason=form.cleaned_data["reason"],
        )
    except ServiceError as e:
        if e.status == 403:
            raise PermissionDenied from None
        messages.error(request, str(e.message))
    return redirect(url)


@login_required
def uncovered(request: HttpRequest, network: str, code: str) -> HttpResponse:
    grid = _grid(request, network, code)
    rows = queries.uncovered(grid)
    total = sum(r.grids for r in rows)
    missing = sum(len(r.uncovered) for r in rows)
    ctx = {
        "grid": grid,
        "network": grid.network,
        "rows": rows,
        "total": total,
        "covered": total - missing,
    }
    return render(request, "teams/uncovered.html", ctx)
