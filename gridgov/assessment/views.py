"""Assessment pages (/assessment/): the ranking of a level for a period, with its xlsx
export, and a subject's score card with its trend (ADR 0026). Out of scope 404, in scope
without the right "assess" 403; a grid worker sees their own card."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gridgov.core.errors import ServiceError, refuse_page
from gridgov.core.exports import xlsx_response

from . import queries, services
from .choices import Subject
from .forms import CardForm, RankingForm, ScoreForm


def _values(data: Any, **defaults: str) -> dict[str, Any]:
    values: dict[str, Any] = {"kind": "month", "on": timezone.localdate().isoformat(), **defaults}
    values.update({k: v for k, v in data.items() if k in values and v})
    return values


@require_GET
@login_required
def ranking_page(request: HttpRequest) -> HttpResponse:
    form = RankingForm(_values(request.GET, node="", subject="grid", sort="total"))
    ctx: dict[str, Any] = {"form": form, "rows": [], "mine": bool(queries.own_grids(request.user))}
    if not form.is_valid():
        return render(request, "assessment/ranking.html", ctx, status=400)
    d = form.cleaned_data
    node = d["node"] or queries.default_node(request.user)
    if not node:
        if ctx["mine"]:
            return redirect("assessment:mine")
        raise PermissionDenied
    try:
        grid = queries.node_for(request.user, node)
        p = queries.period_of(d["kind"], d["on"])
        s = queries.active_set(d["subject"])
        rows = queries.rank(queries.cards(grid, d["subject"], p, s), d["sort"] or "total")
    except ServiceError as e:
        refuse_page(e)
        form.add_error(e.field if e.field in form.fields else None, str(e.message))
        return render(request, "assessment/ranking.html", ctx, status=400)
    keep = {"kind": p.kind, "on": p.start.isoformat()}
    ctx.update(
        grid=grid, period=p, set=s, rows=rows, subject=d["subject"],
        card_query=urlencode({**keep, "node": grid.code}),
        export={**keep, "node": grid.code, "subject": d["subject"], "sort": d["sort"] or "total"},
        sort_query=urlencode({**keep, "node": grid.code, "subject": d["subject"]}),
        sort=d["sort"] or "total",
    )  # fmt: skip
    return render(request, "assessment/ranking.html", ctx)


@require_POST
@login_required
def ranking_export(request: HttpRequest) -> HttpResponse:
    form = RankingForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["node"]:
        return HttpResponse(_("Choose a grid and a period."), status=400)
    d = form.cleaned_data
    try:
        p = queries.period_of(d["kind"], d["on"])
        data, name = queries.export(
            actor=request.user, node=d["node"], subject=d["subject"], p=p,
            sort=d["sort"] or "total",
        )  # fmt: skip
    except ServiceError as e:
        refuse_page(e)
        return HttpResponse(str(e.message), status=400)
    return xlsx_response(data, name)


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """A grid worker's own card (this month)."""
    node = queries.own_node(request.user)
    if not node:
        raise Http404
    url = reverse("assessment:card", args=[Subject.WORKER, request.user.pk])
    return redirect(f"{url}?{urlencode({'node': node})}")


def _spark(trend: list[tuple[queries.Period, Any]]) -> list[dict[str, Any]]:
    """Bars of the trend for an inline SVG (0–100 scaled to 60 px; no script)."""
    out = []
    for i, (q, c) in enumerate(trend):
        total = c.total if c else None
        height = round(0.6 * total) if total is not None else 0
        out.append({
            "label": q.label, "total": total, "grade": c.grade if c else "",
            "x": 8 + i * 44, "y": 70 - height, "height": height,
        })  # fmt: skip
    return out


@require_GET
@login_required
def card_page(request: HttpRequest, subject: str, key: str) -> HttpResponse:
    if subject not in Subject.values:
        raise Http404
    default_node = key if subject in (Subject.GRID, Subject.DEDICATED) else ""
    if subject == Subject.WORKER and key == str(request.user.pk):
        default_node = queries.own_node(request.user)
    form = CardForm(_values(request.GET, node=default_node))
    if not form.is_valid():
        return render(request, "assessment/card.html", {"form": form}, status=400)
    d = form.cleaned_data
    try:
        p = queries.period_of(d["kind"], d["on"])
        grid, c = queries.card_for(request.user, subject, key, d["node"] or default_node, p)
        s = queries.active_set(subject)
        trend = queries.trend(subject, grid, key, p, s)
    except ServiceError as e:
        refuse_page(e)
        form.add_error(e.field if e.field in form.fields else None, str(e.message))
        return render(request, "assessment/card.html", {"form": form}, status=400)
    ctx = {
        "form": form, "card": c, "grid": grid, "period": p, "set": s, "subject": subject,
        "trend": _spark(trend), "scoring": _scoring(request.user, c, p, grid),
    }  # fmt: skip
    return render(request, "assessment/card.html", ctx)


def _scoring(user: Any, c: queries.Card, p: queries.Period, grid: Any) -> list[Any]:
    """(figure, form) of the card's manual indicators, if the person may score the subject."""
    manual = [f for f in c.figures if f.indicator.metric == "manual"]
    if not manual:
        return []
    if not services.may_score(user, c.subject, c.key):
        return []
    out = []
    for f in manual:
        initial = {
            "indicator": f.indicator.pk, "kind": p.kind, "on": p.start, "node": grid.code,
            "score": f.raw, "reason": f.note,
        }  # fmt: skip
        out.append((f, ScoreForm(initial=initial)))
    return out


@require_POST
@login_required
def score(request: HttpRequest, subject: str, key: str) -> HttpResponse:
    """Enter a head's score from the card page; back to the card."""
    from .models import Indicator

    form = ScoreForm(request.POST)
    if subject not in Subject.values:
        raise Http404
    if not form.is_valid():
        return HttpResponse(_("Give a score from 0 to 100 and a reason."), status=400)
    d = form.cleaned_data
    indicator = (
        Indicator.objects.select_related("set")
        .filter(pk=d["indicator"], set__active=True, set__subject=subject)
        .first()
    )
    if indicator is None:
        raise Http404
    try:
        p = queries.period_of(d["kind"], d["on"])
        services.enter_score(
            actor=request.user, indicator=indicator, subject_key=key, period=p,
            score=d["score"], reason=d["reason"],
        )  # fmt: skip
    except ServiceError as e:
        refuse_page(e)
        return HttpResponse(str(e.message), status=400)
    url = reverse("assessment:card", args=[subject, key])
    query = {"kind": p.kind, "on": p.start.isoformat(), "node": d["node"] or ""}
    return redirect(f"{url}?{urlencode(query)}")
