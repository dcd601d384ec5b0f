"""Residents' survey pages: the public page of each grid (no login, from its QR code;
rate-limited; one answer a month per device) and the heads' results page, whose figures are
the survey indicators of the score cards."""

from __future__ import annotations

import datetime as dt
from typing import Any

import segno
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from gridgov.accounts.security import client_address
from gridgov.core.errors import ServiceError, refuse_page
from gridgov.teams.boards import public_grid

from . import queries, survey
from .forms import SurveyForm, SurveyResultsForm

COOKIE = "gg_survey"
SALT = "gridgov.assessment.survey"


def _answered(request: HttpRequest, code: str, month: str) -> bool:
    """Whether this device answered this grid's survey this month (a signed cookie)."""
    try:
        done = signing.loads(request.COOKIES.get(COOKIE, ""), salt=SALT)
    except signing.BadSignature:
        return False
    return isinstance(done, dict) and done.get(code) == month


def answer(request: HttpRequest, code: str) -> HttpResponse:
    grid = public_grid(code)
    if grid is None:
        raise Http404
    month = f"{timezone.localdate():%Y-%m}"
    answered = _answered(request, code, month)
    form = SurveyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if answered:
            status = 409
        elif form.is_valid():
            d = form.cleaned_data
            try:
                survey.answer(
                    address=client_address(request), grid=grid, satisfaction=d["satisfaction"],
                    knows_worker=d["knows_worker"], visited=d["visited"], comment=d["comment"],
                )  # fmt: skip
            except ServiceError as e:
                status = e.status
                form.add_error(e.field if e.field in form.fields else None, str(e.message))
            else:
                response = redirect("survey:thanks", code)
                try:
                    done = signing.loads(request.COOKIES.get(COOKIE, ""), salt=SALT)
                except signing.BadSignature:
                    done = {}
                done = {**(done if isinstance(done, dict) else {}), code: month}
                response.set_cookie(
                    COOKIE, signing.dumps(done, salt=SALT), max_age=400 * 86400,
                    httponly=True, samesite="Lax", secure=request.is_secure(),
                )  # fmt: skip
                return response
    ctx = {"grid": grid, "form": form, "answered": answered}
    return render(request, "assessment/survey.html", ctx, status=status)


@require_GET
def thanks(request: HttpRequest, code: str) -> HttpResponse:
    grid = public_grid(code)
    if grid is None:
        raise Http404
    return render(request, "assessment/survey_thanks.html", {"grid": grid})


@require_GET
@login_required
def results(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "node": "", "start": today.replace(day=1).isoformat(), "end": today.isoformat()
    }  # fmt: skip
    values.update({k: v for k, v in request.GET.items() if k in values and v})
    form = SurveyResultsForm(values)
    ctx: dict[str, Any] = {"form": form}
    if not form.is_valid():
        return render(request, "assessment/survey_results.html", ctx, status=400)
    d = form.cleaned_data
    node = d["node"] or queries.default_node(request.user)
    if not node:
        raise Http404
    try:
        grid = queries.node_for(request.user, node)
    except ServiceError as e:
        refuse_page(e)
        raise
    start: dt.date = d["start"]
    end: dt.date = d["end"]
    url = request.build_absolute_uri(reverse("survey:answer", args=[grid.code]))
    ctx.update(
        grid=grid, r=survey.results(grid, start, end), url=url,
        # segno writes plain SVG elements (no script, no style attribute): allowed by the CSP.
        qr=segno.make(url, error="m").svg_inline(scale=3, omitsize=True),
        leaf=grid.depth >= grid.network.grid_depth,
    )  # fmt: skip
    return render(request, "assessment/survey_results.html", ctx)
