"""Case pages: the list in scope, one case with its timeline and the actions the person may
take (from the transition table), and the phone page to report one."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gridgov.core.errors import ServiceError
from gridgov.core.scope import holds_anywhere
from gridgov.grids import queries as grid_queries

from . import forms, services
from .models import Case, CaseAttachment


def _case(request: HttpRequest, number: str) -> Case:
    case = (
        Case.objects.visible_to(request.user)
        .select_related("category__parent", "unit", "grid", "reporter")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise Http404
    return case


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    form = forms.FilterForm(request.GET)
    qs = Case.objects.visible_to(request.user).select_related("category", "grid")
    now = timezone.now()
    if form.is_valid():
        d = form.cleaned_data
        if d["stage"]:
            qs = qs.filter(stage=d["stage"])
        if d["overdue"]:
            qs = qs.open().filter(deadline__lt=now)
        if d["grid"]:
            qs = qs.filter(grid_code__startswith=d["grid"].strip())
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "now": now,
        "can_report": holds_anywhere(request.user, "cases.report"),
    }
    return render(request, "cases/list.html", ctx)


@login_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    return _detail(request, case, forms.ActForm(initial={"version": case.version}))


def _detail(request: HttpRequest, case: Case, form: Any, status: int = 200) -> HttpResponse:
    ctx = {
        "case": case,
        "events": case.events.select_related("actor"),
        "photos": case.attachments.all(),
        "actions": services.allowed(request.user, case),
        "form": form,
        "overdue": case.is_overdue(timezone.now()),
    }
    return render(request, "cases/detail.html", ctx, status=status)


@require_POST
@login_required
def case_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    case = _case(request, number)
    form = forms.ActForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        duplicate = None
        if d["duplicate_of"]:
            duplicate = (
                Case.objects.visible_to(request.user)
                .filter(number=d["duplicate_of"].strip())
                .first()
            )
            if duplicate is None:
                form.add_error("duplicate_of", _("No such case in your area."))
        if not form.errors:
            try:
                services.act(
                    case=case, actor=request.user, action=action, note=d["note"],
                    version=d["version"], unit=d["unit"], level=d["level"].strip(),
                    co_units=list(d["co_units"]),
                    duplicate_of=duplicate, satisfaction=d["satisfaction"], photos=d["photos"],
                )  # fmt: skip
                return redirect("cases:detail", number=case.number)
            except ServiceError as e:
                if e.status == 404 and e.field is None:
                    raise Http404 from None
                if e.status == 403:
                    raise PermissionDenied from None
                field = e.field if e.field in form.fields else None
                form.add_error(field, str(e.message))
    case = _case(request, number)
    return _detail(request, case, form, status=409 if form.non_field_errors() else 400)


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """The phone page (/m/report/): photos, where (the device's location, a tap on the map,
    or typed), what; the grid is found from the location."""
    form = forms.ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.report(
                actor=request.user, category=d["category"],
                grid=services.locate(d["lon"], d["lat"]), description=d["description"],
                source=d["source"], lon=d["lon"], lat=d["lat"], address=d["address"],
                photos=d["photos"],
            )  # fmt: skip
            messages.success(request, _("Reported as case %(number)s.") % {"number": case.number})
            return redirect("cases:detail", number=case.number)
        except ServiceError as e:
            field = {"location": "lon", "grid": "lon"}.get(e.field or "", e.field)
            form.add_error(field if field in form.fields else None, str(e.message))
    network = grid_queries.network_by_slug("comprehensive")
    top = grid_queries.top_grids(request.user, network)
    ctx = {"form": form, "grid_code": top[0].code if top else ""}
    return render(request, "cases/report.html", ctx, status=400 if form.errors else 200)


@require_GET
@login_required
def photo(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    a = CaseAttachment.objects.select_related("case").filter(public_id=public_id).first()
    if a is None or not Case.objects.visible_to(request.user).filter(pk=a.case_id).exists():
        raise Http404
    try:
        f = default_storage.open(a.file)
    except OSError:
        raise Http404 from None
    response = FileResponse(f, content_type="image/jpeg")
    patch_cache_control(response, private=True, max_age=3600)
    return response
