"""The indicators page (/cases/indicators/): a table per grid, unit, worker or month with
drill-down to a grid's children, and its xlsx export (POST, audited). Scope as everywhere:
a node outside the person's scope is 404, in scope without the right "view" 403."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gridgov.core.errors import ServiceError, refuse_page
from gridgov.core.exports import xlsx_response
from gridgov.grids.queries import trail

from . import indicators

BY_CHOICES = (
    ("grid", gettext_lazy("Grid")),
    ("unit", gettext_lazy("Handling unit")),
    ("worker", gettext_lazy("Reporter")),
    ("month", gettext_lazy("Month")),
)


class IndicatorForm(forms.Form):
    node = forms.RegexField(
        label=gettext_lazy("Grid code"), regex=r"^\d{1,32}$", max_length=32, required=False
    )
    start = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To (included)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    by = forms.ChoiceField(label=gettext_lazy("Group by"), choices=BY_CHOICES)


def _form(data: Any) -> IndicatorForm:
    """The filters, defaulting to this year so far, grouped per grid."""
    today = timezone.localdate()
    values = {"start": today.replace(month=1, day=1), "end": today, "by": "grid", "node": ""}
    values.update({k: v for k, v in data.items() if k in values and v})
    return IndicatorForm(values)


@require_GET
@login_required
def indicators_page(request: HttpRequest) -> HttpResponse:
    form = _form(request.GET)
    ctx: dict[str, Any] = {"form": form, "rows": [], "stages": indicators.STAGE_HEADERS}
    if not form.is_valid():
        return render(request, "cases/indicators.html", ctx, status=400)
    d = form.cleaned_data
    node = d["node"] or indicators.default_node(request.user)
    if not node:
        raise PermissionDenied
    try:
        grid = indicators.node_for(request.user, node)
        start, end = indicators.period(d["start"], d["end"])
    except ServiceError as e:
        refuse_page(e)
        form.add_error(e.field if e.field in form.fields else None, str(e.message))
        return render(request, "cases/indicators.html", ctx, status=400)
    rows = indicators.for_node(grid.code, start, end, d["by"], network=grid.network)
    keep = {"start": d["start"].isoformat(), "end": d["end"].isoformat()}
    ctx.update(
        grid=grid,
        by=d["by"],
        rows=rows,
        total=indicators.total(rows),
        trail=trail(request.user, grid),
        # Links keep the period; a drill-down groups the child per grid again.
        keep=urlencode(keep),
        export={**keep, "node": grid.code, "by": d["by"]},
    )
    return render(request, "cases/indicators.html", ctx)


@require_POST
@login_required
def indicators_export(request: HttpRequest) -> HttpResponse:
    form = IndicatorForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["node"]:
        return HttpResponse(_("Choose a grid and a period."), status=400)
    d = form.cleaned_data
    start: dt.date = d["start"]
    try:
        data, name = indicators.export(
            actor=request.user, node=d["node"], start=start, end=d["end"], by=d["by"]
        )
    except ServiceError as e:
        refuse_page(e)
        return HttpResponse(str(e.message), status=400)
    return xlsx_response(data, name)
