"""Enterprise safety pages (/safety/): the month of an enterprise (people, departments,
fund, violations, closing), recording and reversing violations, the printable monthly
bulletin, the xlsx export, and a member's own deductions (docs/adr/0030). Out of scope 404,
in scope without the right 403."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse as url_for
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gridgov.accounts.models import names_of
from gridgov.accounts.roles import Right
from gridgov.core.errors import ServiceError, refuse_page
from gridgov.core.exports import xlsx_response
from gridgov.core.scope import in_scope

from . import queries, services
from .forms import CloseForm, MonthForm, ReverseForm, ViolationForm
from .models import Rule, Scheme, Violation


def _scheme(request: HttpRequest, code: str, right: str | None = None) -> Scheme:
    try:
        return services.scheme_for(request.user, code, right)
    except ServiceError as e:
        refuse_page(e)
        raise


def _month(request: HttpRequest) -> dt.date:
    form = MonthForm(request.GET)
    if form.is_valid() and form.cleaned_data["month"]:
        try:
            return queries.parse_month(form.cleaned_data["month"])
        except ServiceError:
            pass
    return timezone.localdate().replace(day=1)


def _month_url(code: str, month: dt.date) -> str:
    return f"{url_for('safety:month', args=[code])}?month={month:%Y-%m}"


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    schemes = [s for s in Scheme.objects.all() if services.sees(request.user, s)]
    if len(schemes) == 1:
        s = schemes[0]
        name = (
            "safety:month" if in_scope(request.user, s.grid_code, Right.ASSESS) else "safety:mine"
        )
        return redirect(name, s.grid_code)
    rows = [
        (s, in_scope(request.user, s.grid_code, Right.ASSESS)) for s in schemes
    ]  # fmt: skip
    return render(request, "safety/index.html", {"rows": rows})


@require_GET
@login_required
def month_page(request: HttpRequest, code: str) -> HttpResponse:
    scheme = _scheme(request, code, Right.ASSESS)
    month = _month(request)
    f = queries.month_figures(scheme, month)
    today = timezone.localdate()
    ended = f.end < today
    ctx: dict[str, Any] = {
        "scheme": scheme, "f": f, "month_form": MonthForm({"month": f.label}),
        "previous": queries.previous_month(month), "next": f.end + dt.timedelta(days=1),
        "ended": ended, "year": queries.year_models(scheme, month.year),
        "closing": ended and f.closed is None,
        "rate": scheme.yuan_per_point,
    }  # fmt: skip
    if ctx["closing"]:
        ctx["close_form"] = CloseForm(
            initial={"month": f.label},
            models=[(p.person_id, f"{p.name}（{p.score}）") for p in f.model_candidates],
            worst=[(d.code, f"{d.name}（{d.score}）") for d in f.worst_candidates],
        )  # fmt: skip
    ctx["expected"] = f.opening + f.fund_in + (
        (scheme.worst_penalty if f.worst_candidates else 0)
        - (scheme.model_reward if f.model_candidates else 0)
    )  # fmt: skip
    return render(request, "safety/month.html", ctx)


@require_POST
@login_required
def close(request: HttpRequest, code: str) -> HttpResponse:
    scheme = _scheme(request, code, Right.ASSESS)
    try:
        month = queries.parse_month(request.POST.get("month", ""))
    except ServiceError as e:
        return HttpResponse(str(e.message), status=400)
    f = queries.month_figures(scheme, month)
    form = CloseForm(
        request.POST,
        models=[(p.person_id, p.name) for p in f.model_candidates],
        worst=[(d.code, d.name) for d in f.worst_candidates],
    )
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.close_month(
                actor=request.user, scheme=scheme, month=month, model=d["model"],
                worst=d["worst"] or None, note=d["note"],
            )  # fmt: skip
        except ServiceError as e:
            refuse_page(e, ())
            messages.error(request, str(e.message))
        else:
            messages.success(request, _("%(month)s is closed.") % {"month": f.label})
    else:
        messages.error(request, " ".join(str(m) for m in form.errors.get("model", [])))
    return redirect(_month_url(code, month))


def _violation_form(request: HttpRequest, scheme: Scheme, data: Any = None) -> ViolationForm:
    from gridgov.grids.models import Grid

    grids = [
        (g.code, f"{'　' * (g.depth - 1)}{g.name}")
        for g in Grid.objects.filter(
            network_id=scheme.grid.network_id, code__startswith=scheme.grid_code, depth__gte=1,
            valid_to__isnull=True,
        ).order_by("code")
        if services.may_record(request.user, scheme, g.code)
    ]  # fmt: skip
    rules = [
        (r.code, f"{r.code} {r.text}（-{r.points} / -{r.joint_points}）")
        for r in Rule.objects.filter(scheme=scheme, active=True)
    ]
    today = timezone.localdate()
    people = queries.members(scheme, scheme.grid_code, today)
    labels = names_of(set(people))
    choices = sorted(((pk, labels.get(pk, str(pk))) for pk in people), key=lambda x: x[1])
    return ViolationForm(
        data, initial={"happened_on": today}, grids=grids, rules=rules, people=choices
    )


@require_http_methods(["GET", "POST"])
@login_required
def violation_new(request: HttpRequest, code: str) -> HttpResponse:
    scheme = _scheme(request, code)
    form = _violation_form(request, scheme, request.POST if request.method == "POST" else None)
    if len(form.fields["grid"].choices) < 2:  # type: ignore[attr-defined]
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                v = services.record_violation(
                    actor=request.user, scheme=scheme, grid_code=d["grid"], rule=d["rule"],
                    day=d["happened_on"], violator=d["violator"], outsider=d["outsider"],
                    stoppers=d["stoppers"], notes=d["notes"],
                )  # fmt: skip
            except ServiceError as e:
                refuse_page(e, ("grid",))
                form.add_error(e.field if e.field in form.fields else None, str(e.message))
            else:
                messages.success(request, _("The violation is recorded."))
                if in_scope(request.user, code, Right.ASSESS):
                    return redirect(_month_url(code, v.happened_on))
                return redirect("safety:violation_new", code)
    return render(
        request, "safety/violation_form.html", {"scheme": scheme, "form": form}, status=status
    )


@require_POST
@login_required
def reverse(request: HttpRequest, code: str, vid: Any) -> HttpResponse:
    scheme = _scheme(request, code)
    v = Violation.objects.filter(scheme=scheme, public_id=vid).select_related("scheme").first()
    if v is None:
        raise Http404
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for m in form.errors.get("reason", [])))
        return redirect(_month_url(code, v.happened_on))
    try:
        services.reverse_violation(
            actor=request.user, violation=v, reason=form.cleaned_data["reason"]
        )
    except ServiceError as e:
        refuse_page(e)
        messages.error(request, str(e.message))
    else:
        messages.success(request, _("The violation is reversed."))
    return redirect(_month_url(code, v.happened_on))


@require_POST
@login_required
def export(request: HttpRequest, code: str) -> HttpResponse:
    scheme = _scheme(request, code, Right.ASSESS)
    try:
        month = queries.parse_month(request.POST.get("month", ""))
    except ServiceError as e:
        return HttpResponse(str(e.message), status=400)
    data, name = queries.export(request.user, queries.month_figures(scheme, month))
    return xlsx_response(data, name)


@require_GET
@login_required
def bulletin(request: HttpRequest, code: str, month: str) -> HttpResponse:
    """The monthly safety bulletin (安全通報), printable for the notice board."""
    scheme = _scheme(request, code, Right.ASSESS)
    try:
        first = queries.parse_month(month)
    except ServiceError:
        raise Http404 from None
    f = queries.month_figures(scheme, first)
    return render(request, "safety/bulletin.html", {"scheme": scheme, "f": f})


@require_GET
@login_required
def mine(request: HttpRequest, code: str) -> HttpResponse:
    """A member's own deductions of a month and their score."""
    scheme = _scheme(request, code)
    month = _month(request)
    f = queries.month_figures(scheme, month)
    row = next((p for p in f.persons if p.person_id == request.user.pk), None)
    ctx = {
        "scheme": scheme, "f": f, "row": row,
        "entries": queries.person_month(scheme, int(request.user.pk or 0), month),
        "month_form": MonthForm({"month": f.label}),
    }  # fmt: skip
    return render(request, "safety/mine.html", ctx)
