"""Pages of the party network: the tree of a grid, an organisation with its posts, central
households and links, the pyramid check with the central-household norm, the roster.

Thin (STYLE "Views and API"): parse, find within scope (party.lookups: 404 outside),
call party.services (403 without teams.change), redirect. Refusals show the service's
message on the page they came from.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gridgov.accounts.roles import Right
from gridgov.core.errors import NotFound, ServiceError
from gridgov.core.scope import holds_anywhere, in_scope, scope_q
from gridgov.grids.models import Grid
from gridgov.registry.choices import ResidentStatus
from gridgov.registry.models import Resident

from . import forms, lookups, pyramid, queries, services
from . import roster as rosters
from .choices import OrgKind
from .models import Link, PartyOrg

CHANGE = Right.CHANGE_TEAMS
GET_POST = require_http_methods(["GET", "POST"])
MEMBERS_OFFERED = 500


def _anywhere(request: HttpRequest) -> None:
    """403 for someone who holds no role on any grid (they have no network to see)."""
    if not Grid.objects.filter(scope_q(request.user, "code")).exists():
        raise PermissionDenied


def _grid(request: HttpRequest) -> str:
    """The `grid` filter of a list, checked: unknown or out of scope is 404."""
    form = forms.GridFilterForm(request.GET)
    if not form.is_valid():
        raise Http404
    code = form.cleaned_data["grid"] or ""
    if code and not in_scope(request.user, code):
        raise Http404
    return code


def _refused(request: HttpRequest, e: ServiceError) -> None:
    if e.status == 404:
        raise Http404
    if e.status == 403:
        raise PermissionDenied
    messages.error(request, str(e.message))


def _members_form(request: HttpRequest, pk: int, form_class: Any) -> tuple[PartyOrg, Any]:
    """The organisation and the cleaned data of a POSTed form about its members (a post, a
    central household); None as data when the form was refused (its errors told)."""
    org = _org(request, pk)
    if not in_scope(request.user, org.grid_code, CHANGE):
        raise PermissionDenied
    form = form_class(request.POST, members=_members(org, request.user))
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
        return org, None
    return org, form.cleaned_data


def _members(org: PartyOrg, user: Any) -> list[Resident]:
    """Party members offered for a post or a designation: those under the grid."""
    return list(
        Resident.objects.visible_to(user).filter(
            grid_code__startswith=org.grid_code, party_member=True, status=ResidentStatus.ACTIVE
        ).select_related("household").order_by("name", "id")[:MEMBERS_OFFERED]
    )  # fmt: skip


@login_required
@require_GET
def network(request: HttpRequest) -> HttpResponse:
    _anywhere(request)
    grid = _grid(request)
    return render(request, "party/network.html", {
        "grid": grid, "roots": queries.tree(request.user, grid),
        "can_change": holds_anywhere(request.user, CHANGE),
        "can_unmask": holds_anywhere(request.user, Right.REVEAL),
    })  # fmt: skip


@login_required
@require_GET
def check(request: HttpRequest) -> HttpResponse:
    _anywhere(request)
    grid = _grid(request)
    return render(request, "party/check.html", {
        "grid": grid, "check": queries.check(request.user, grid),
        "norms": queries.norms(request.user, grid),
        "norm_range": pyramid.ranges()["households_per_central"],
    })  # fmt: skip


@login_required
@require_POST
def roster(request: HttpRequest) -> HttpResponse:
    """The roster as xlsx, for the grid filter of the page. POST: an export is recorded in
    the audit trail (CSRF); a `reason` unmasks phones for those with the right, logged."""
    form = forms.RosterForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=422)
    try:
        data, _rows = rosters.export(actor=request.user, grid=form.cleaned_data["grid"] or "",
                                    reason=form.cleaned_data["reason"])  # fmt: skip
    except ServiceError as e:
        if e.status in (403, 404):
            _refused(request, e)
        return HttpResponse(str(e.message), status=e.status,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"包挂联系花名册-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@login_required
@GET_POST
def org_new(request: HttpRequest) -> HttpResponse:
    if not holds_anywhere(request.user, CHANGE):
        raise PermissionDenied
    parents = (
        PartyOrg.objects.visible_to(request.user, CHANGE).current().exclude(kind=OrgKind.GROUP)
    )
    form = forms.OrgForm(request.POST or None, parents=parents)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            grid = lookups.grid(request.user, d["grid"])
            parent = lookups.org(request.user, d["parent"]) if d["parent"] else None
            org = services.create_org(
                actor=request.user, kind=d["kind"], name=d["name"], grid=grid, parent=parent,
                founded_on=d["founded_on"],
            )  # fmt: skip
        except ServiceError as e:
            _refused(request, e)
        else:
            return redirect("party:org_detail", org.pk)
    return render(request, "party/org_form.html", {"form": form})


def _org(request: HttpRequest, pk: int) -> PartyOrg:
    try:
        return lookups.org(request.user, pk)
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    can_change = in_scope(request.user, org.grid_code, CHANGE)
    members = _members(org, request.user) if can_change else []
    posts = org.posts.select_related("resident", "user").order_by("-until", "role", "id")
    links = (
        Link.objects.current().filter(target_org=org)
        | Link.objects.current().filter(source_post__org=org)
    ).select_related("source_post__resident", "source_post__user", "target_org",
                     "target_central__keeper")  # fmt: skip
    return render(request, "party/org_detail.html", {
        "org": org, "can_change": can_change,
        "children": org.children.current(),
        "posts": posts,
        "centrals": org.centrals.select_related("keeper", "household").order_by("-until", "id"),
        "links": links,
        "post_form": forms.PostForm(members=members),
        "central_form": forms.CentralForm(members=members),
        "end_form": forms.EndForm(),
    })  # fmt: skip


@login_required
@require_POST
def org_dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    form = forms.EndForm(request.POST)
    if form.is_valid():
        try:
            services.dissolve_org(actor=request.user, org=org, on=form.cleaned_data["on"])
        except ServiceError as e:
            _refused(request, e)
    return redirect("party:org_detail", org.pk)


@login_required
@require_POST
def post_new(request: HttpRequest, pk: int) -> HttpResponse:
    org, d = _members_form(request, pk, forms.PostForm)
    if d is None:
        return redirect("party:org_detail", org.pk)
    try:
        resident = lookups.resident(request.user, d["resident"]) if d["resident"] else None
        user = lookups.user(d["user"]) if d["user"] else None
        services.create_post(actor=request.user, org=org, role=d["role"], resident=resident,
                             user=user, since=d["since"])  # fmt: skip
    except ServiceError as e:
        _refused(request, e)
    return redirect("party:org_detail", org.pk)


@login_required
@require_POST
def central_new(request: HttpRequest, pk: int) -> HttpResponse:
    org, d = _members_form(request, pk, forms.CentralForm)
    if d is None:
        return redirect("party:org_detail", org.pk)
    try:
        keeper = lookups.resident(request.user, d["keeper"], "keeper")
        services.designate_central(actor=request.user, group=org, keeper=keeper, kind=d["kind"],
                                   name=d["name"], since=d["since"])  # fmt: skip
    except ServiceError as e:
        _refused(request, e)
    return redirect("party:org_detail", org.pk)


@login_required
@GET_POST
def link_new(request: HttpRequest) -> HttpResponse:
    if not holds_anywhere(request.user, CHANGE):
        raise PermissionDenied
    form = forms.LinkForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            source, target = lookups.ends(request.user, d["level"], d["source"], d["target"])
            services.create_link(actor=request.user, level=d["level"], source=source,
                                 target=target, since=d["since"])  # fmt: skip
        except ServiceError as e:
            _refused(request, e)
        else:
            messages.success(request, str(form.fields["level"].label) + " ✓")
            return redirect(reverse("party:link_new") + f"?level={d['level']}")
    return render(request, "party/link_form.html", {"form": form})


ENDERS: dict[str, tuple[Any, Any, str]] = {
    "posts": (lookups.post, services.end_post, "post"),
    "centrals": (lookups.central, services.end_central, "central"),
    "links": (lookups.link, services.end_link, "link"),
}


@login_required
@require_POST
def end(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """End a post, a designation or a link (on a day, default today)."""
    if kind not in ENDERS:
        raise Http404
    find, service, arg = ENDERS[kind]
    try:
        obj = find(request.user, pk)
    except NotFound:
        raise Http404 from None
    form = forms.EndForm(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, on=form.cleaned_data["on"], **{arg: obj})
        except ServiceError as e:
            _refused(request, e)
    back = request.POST.get("next", "")
    if back.startswith("/party/") and "//" not in back:
        return redirect(back)
    return redirect("party:network")
