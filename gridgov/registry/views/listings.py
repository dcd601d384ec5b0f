"""The list pages, a page of results at a time: residents (searched), households,
buildings, places, components and organisations (registry.lists), and the access log
(R-REG-4): who saw whose ID number or phone, for auditors.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gridgov.accounts.roles import Right
from gridgov.core.errors import ServiceError
from gridgov.core.scope import holds_anywhere

from .. import forms, lists, search
from ..models import AccessLog
from .common import GET_POST, _grids, _holds, _render

PAGE_SIZE = 50


def _paginate(qs: Any, number: Any) -> Page:
    return Paginator(qs, PAGE_SIZE).get_page(number)


def _query_without_page(params: Any) -> str:
    q = params.copy()
    q.pop("page", None)
    q.pop("csrfmiddlewaretoken", None)
    return str(q.urlencode())


# The filters the export form carries over from the list (registry/search.py).
EXPORT_FIELDS = ("q", "grid", "tag", "residence_status", "status", "address")


@login_required
@GET_POST
def resident_list(request: HttpRequest) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    form = forms.ResidentSearchForm(params, grids=_grids(request.user))
    page = None
    if form.is_valid():
        try:
            if request.method == "GET" and search.whole_number(params.get("q")):
                raise search.in_url_refused()
            page = _paginate(search.residents_for(request.user, params), params.get("page"))
        except ServiceError as e:
            forms.show_error(form, e)
    ctx = {
        "form": form,
        "page": page,
        "section": "residents",
        "export_fields": EXPORT_FIELDS,
        # Unmasked export: only for those who hold the right somewhere in their scope.
        "can_export_unmasked": holds_anywhere(request.user, Right.REVEAL),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "registry/_resident_results.html", ctx)
    return _render(request, "registry/resident_list.html", ctx)


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    form = forms.HouseholdFilterForm(request.GET, grids=_grids(request.user))
    page = None
    if form.is_valid():
        d = form.cleaned_data
        qs = lists.listed("households", request.user, grid=d["grid"], address=d["address"])
        page = _paginate(qs.select_related("grid"), request.GET.get("page"))
    ctx = {
        "form": form,
        "page": page,
        "query": _query_without_page(request.GET),
        "section": "households",
        "can_register": _holds(request.user, Right.CHANGE_REGISTRY),
    }
    return _render(request, "registry/household_list.html", ctx)


@login_required
def record_list(request: HttpRequest, section: str) -> HttpResponse:
    """The list of buildings, places, components or organisations (registry.lists)."""
    form = forms.GridFilterForm(request.GET, grids=_grids(request.user))
    page = None
    if form.is_valid():
        qs = lists.listed(section, request.user, grid=form.cleaned_data["grid"])
        page = _paginate(qs.select_related("grid"), request.GET.get("page"))
    ctx = {
        "section": section,
        "form": form,
        "page": page,
        "query": _query_without_page(request.GET),
        "can_register": _holds(request.user, Right.CHANGE_REGISTRY),
    }
    return _render(request, f"registry/{section[:-1]}_list.html", ctx)


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """Who saw whose ID number or phone, when and why (R-REG-4), for auditors."""
    if not _holds(request.user, Right.VIEW_AUDIT):
        raise PermissionDenied
    form = forms.AccessLogFilterForm(request.GET)
    page = None
    if form.is_valid():
        d = form.cleaned_data
        qs = AccessLog.objects.visible_to(request.user, Right.VIEW_AUDIT).select_related(
            "actor", "resident", "organisation"
        )
        if d["actor"]:
            qs = qs.filter(actor__username__icontains=d["actor"].strip())
        page = _paginate(qs.filter(form.days_q("at")), request.GET.get("page"))
    ctx = {
        "form": form,
        "page": page,
        "query": _query_without_page(request.GET),
        "section": "access",
    }
    return _render(request, "registry/access_log.html", ctx)
