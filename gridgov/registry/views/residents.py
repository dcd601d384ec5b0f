"""A resident's pages: the resident, revealing, correcting, registering into a household
and moving.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts.roles import Right
from gridgov.core.errors import ServiceError
from gridgov.core.scope import in_scope

from .. import forms, services
from ..choices import ResidentEventKind, ResidentStatus
from ..models import Household, Resident
from .common import GET_POST, _act, _history, _one, _refused, _render, _tag_rows, _where
from .households import _household


def _resident_page(
    request: HttpRequest,
    resident: Resident,
    *,
    status: int = 200,
    tag_form: Form | None = None,
    review_forms: dict[int, Form] | None = None,
    reveal_form: Form | None = None,
    revealed: dict[str, str] | None = None,
) -> HttpResponse:
    user = request.user
    household = resident.household
    tags = list(resident.tags.order_by("end", "-start", "id"))
    events = [
        {"event": e, "from": _where(user, e.from_household), "to": _where(user, e.to_household)}
        for e in resident.events.select_related("from_household", "to_household", "actor").order_by(
            "-date", "-id"
        )
    ]
    members: list[Resident] = []
    if household is not None and resident.status == ResidentStatus.ACTIVE:
        members = list(
            household.residents.filter(status=ResidentStatus.ACTIVE).exclude(pk=resident.pk)
        )
    keys = [("resident", str(resident.public_id))] + [("tag", str(t.pk)) for t in tags]
    ctx = {
        "section": "residents",
        "resident": resident,
        "household": household,
        "members": members,
        "tags": _tag_rows(tags, review_forms or {}),
        "events": events,
        "history": _history(keys),
        "can_change": in_scope(user, resident.grid_code, Right.CHANGE_REGISTRY),
        "can_reveal": in_scope(user, resident.grid_code, Right.REVEAL),
        "tag_form": tag_form or forms.TagForm(),
        "tag_action": reverse("registry:resident_tag", args=[resident.public_id]),
        "reveal_form": reveal_form or forms.RevealForm(),
        "revealed": revealed,
    }
    return _render(request, "registry/resident_detail.html", ctx, status)


def _resident(request: HttpRequest, public_id: Any, right: str | None = None) -> Resident:
    qs = Resident.objects.select_related("household")
    return _one(qs, request.user, right, public_id=public_id)  # type: ignore[no-any-return]


@login_required
def resident_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _resident_page(request, _resident(request, public_id))


@login_required
@require_POST
def resident_reveal(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The full ID number or phone, once, in this answer only (not cached), logged."""
    resident = _resident(request, public_id, Right.REVEAL)
    form = forms.RevealForm(request.POST)
    if not form.is_valid():
        return _resident_page(request, resident, reveal_form=form, status=422)
    field = form.cleaned_data["field"]
    try:
        value = services.reveal(
            actor=request.user, resident=resident, field=field, reason=form.cleaned_data["reason"]
        )
    except ServiceError as e:
        status = _refused(form, e)
        return _resident_page(request, resident, reveal_form=form, status=status)
    label = _("ID number") if field == "id_number" else _("phone")
    response = _resident_page(request, resident, revealed={"label": label, "value": value})
    add_never_cache_headers(response)
    return response


@login_required
@GET_POST
def resident_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    resident = _resident(request, public_id, Right.CHANGE_REGISTRY)
    status = 200
    if request.method == "POST":
        form = forms.ResidentForm(request.POST, editing=resident)
        done, status = _act(form, lambda d: services.update_resident_keeping(
            actor=request.user, resident=resident, data=form.resident_in(),
            keep_id_number=not d.get("id_number"),
            keep_phone=not d.get("phone") and not d.get("clear_phone"),
        ))  # fmt: skip
        if done:
            return redirect("registry:resident_detail", public_id=resident.public_id)
    else:
        form = forms.ResidentForm(
            initial=forms.ResidentForm.initial_for(resident), editing=resident
        )
    ctx = {"form": form, "resident": resident, "section": "residents"}
    return _render(request, "registry/resident_form.html", ctx, status)


@login_required
@GET_POST
def resident_new(request: HttpRequest, public_id: Any) -> HttpResponse:
    household = _household(request, public_id, Right.CHANGE_REGISTRY)
    status = 200
    if request.method == "POST":
        form = forms.NewResidentForm(request.POST)
        resident, status = _act(form, lambda d: services.add_resident(
            actor=request.user, household=household, data=form.resident_in(), date=d["date"],
        ))  # fmt: skip
        if resident:
            return redirect("registry:resident_detail", public_id=resident.public_id)
    else:
        form = forms.NewResidentForm()
    ctx = {"form": form, "household": household, "section": "households"}
    return _render(request, "registry/resident_form.html", ctx, status)


@login_required
@GET_POST
def resident_move(request: HttpRequest, public_id: Any) -> HttpResponse:
    resident = _resident(request, public_id, Right.CHANGE_REGISTRY)
    status = 200
    if request.method == "POST":
        form = forms.MoveForm(request.POST)

        def move(d: dict[str, Any]) -> Resident | None:
            target = None
            if d["target"] is not None:
                target = (
                    Household.objects.visible_to(request.user, Right.CHANGE_REGISTRY)
                    .filter(public_id=d["target"])
                    .first()
                )
                if target is None:
                    form.add_error("household", _("No household with this number in your grids."))
                    return None
            return services.move_resident(
                actor=request.user, resident=resident, to=target, date=d["date"],
                note=d.get("note") or "",
                kind=ResidentEventKind.DEATH if d["action"] == form.DEATH else None,
            )  # fmt: skip

        done, status = _act(form, move)
        if done:
            return redirect("registry:resident_detail", public_id=resident.public_id)
    else:
        form = forms.MoveForm()
    ctx = {"form": form, "resident": resident, "section": "residents"}
    return _render(request, "registry/resident_move.html", ctx, status)


@login_required
def household_pick(request: HttpRequest) -> HttpResponse:
    """Households to move a resident to, found by address (a fragment for the move form)."""
    text = (request.GET.get("find") or "").strip()[:60]
    found: list[Household] = []
    if len(text) >= 2:
        found = list(
            Household.objects.visible_to(request.user, Right.CHANGE_REGISTRY)
            .filter(address__contains=text)
            .order_by("address", "id")[:20]
        )
    return render(request, "registry/_household_pick.html", {"found": found, "text": text})
