"""The year's proposals for grid workers (/assessment/proposals/): pay grade, commendation,
renewal, each with the card behind it, and their xlsx. Heads with "assess" (404 out of
scope, 403 without the right)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from gridgov.core.errors import ServiceError, refuse_page
from gridgov.core.exports import xlsx_response

from . import proposals, queries
from .forms import ProposalsForm


def _node(request: HttpRequest, form: ProposalsForm) -> Any:
    node = form.cleaned_data["node"] or queries.default_node(request.user)
    if not node:
        raise Http404
    try:
        return queries.node_for(request.user, node)
    except ServiceError as e:
        refuse_page(e)
        raise


@require_GET
@login_required
def proposals_page(request: HttpRequest) -> HttpResponse:
    values: dict[str, Any] = {"node": "", "year": str(timezone.localdate().year - 1)}
    values.update({k: v for k, v in request.GET.items() if k in values and v})
    form = ProposalsForm(values)
    if not form.is_valid():
        return render(request, "assessment/proposals.html", {"form": form}, status=400)
    grid = _node(request, form)
    year = form.cleaned_data["year"]
    p, rows = proposals.for_year(grid, year)
    ctx = {
        "form": form, "grid": grid, "year": year, "rows": rows,
        "card_query": urlencode({"kind": "year", "on": p.start.isoformat(), "node": grid.code}),
        "review_quarters": proposals.D_QUARTERS_FOR_REVIEW,
    }  # fmt: skip
    return render(request, "assessment/proposals.html", ctx)


@require_POST
@login_required
def proposals_export(request: HttpRequest) -> HttpResponse:
    form = ProposalsForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    grid = _node(request, form)
    data, name = proposals.export(actor=request.user, grid=grid, year=form.cleaned_data["year"])
    return xlsx_response(data, name)
