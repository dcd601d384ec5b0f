"""A household's pages: the household and registering one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core.scope import in_scope

from .. import forms, services
from ..choices import ResidentStatus
from ..models import Household, ResidentEvent
from .common import GET_POST, _history, _one, _registration, _render, _tag_rows


def _household(request: HttpRequest, public_id: Any, right: str | None = None) -> Household:
    qs = Household.objects.select_related("grid", "building")
    return _one(qs, request.user, right, public_id=public_id)  # type: ignore[no-any-return]


def _household_page(
    request: HttpRequest,
    household: Household,
    *,
    status: int = 200,
    tag_form: Form | None = None,
    review_forms: dict[int, Form] | None = None,
) -> HttpResponse:
    user = request.user
    tags = list(household.tags.order_by("end", "-start", "id"))
    moves = [
        {
            "event": e,
            "in": e.to_household_id == household.pk,
            # A former member who moved to another grid is out of some readers' scope.
            "link": in_scope(user, e.resident.grid_code),
        }
        for e in ResidentEvent.objects.filter(
            Q(from_household=household) | Q(to_household=household)
        )
        .select_related("resident", "actor")
        .order_by("-date", "-id")[:100]
    ]
    keys = [("household", str(household.public_id))] + [("tag", str(t.pk)) for t in tags]
    ctx = {
        "section": "households",
        "household": household,
        "members": list(household.residents.filter(status=ResidentStatus.ACTIVE)),
        "tags": _tag_rows(tags, review_forms or {}),
        "moves": moves,
        "history": _history(keys),
        "can_change": in_scope(user, household.grid_code, Right.CHANGE_REGISTRY),
        "tag_form": tag_form or forms.TagForm(),
        "tag_action": reverse("registry:household_tag", args=[household.public_id]),
    }
    return _render(request, "registry/household_detail.html", ctx, status)


@login_required
def household_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _household_page(request, _household(request, public_id))


@login_required
@GET_POST
def household_new(request: HttpRequest) -> HttpResponse:
    def register(*, building: str, **data: Any) -> Household:
        return services.register_household(building_code=building or None, **data)

    return _registration(
        request,
        forms.HouseholdForm,
        register,
        "households",
        _("Register a household"),
        lambda h: reverse("registry:household_detail", args=[h.public_id]),
    )
