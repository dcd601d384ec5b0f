"""What the registry pages share: their sections, finding an object in the person's scope,
acting on a POSTed form, the change history, and the registration page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods

from gridgov.accounts.roles import Right
from gridgov.core.errors import ServiceError
from gridgov.core.models import AuditEntry
from gridgov.core.scope import in_scope, scope_q
from gridgov.grids.models import Grid

from .. import forms
from ..choices import ResidentEventKind
from ..models import Household, Tag

# The sections of the registry's own navigation (registry/_layout.html).
SECTIONS = {
    "residents": gettext_lazy("Residents"),
    "households": pgettext_lazy("registry", "Households"),
    "buildings": gettext_lazy("Buildings"),
    "places": gettext_lazy("Places"),
    "components": gettext_lazy("Components"),
    "organisations": gettext_lazy("Organisations"),
}
# Registry records are filed under grids of the comprehensive network (services.grid_for_registry).
NETWORK = "comprehensive"
GET_POST = require_http_methods(["GET", "POST"])

# What a line of the change history says happened.
ACTIONS = {
    "resident.create": gettext_lazy("Registered"),
    "resident.update": gettext_lazy("Changed"),
    "household.create": gettext_lazy("Registered"),
    "building.create": gettext_lazy("Registered"),
    "building.update": gettext_lazy("Changed"),
    "organisation.create": gettext_lazy("Registered"),
    "organisation.update": gettext_lazy("Changed"),
    "component.create": gettext_lazy("Registered"),
    "component.update": gettext_lazy("Changed"),
    "place.create": gettext_lazy("Registered"),
    "place.update": gettext_lazy("Changed"),
    "tag.create": gettext_lazy("Tag added"),
    "tag.review": gettext_lazy("Tag reviewed"),
    **{f"resident.{k}": label for k, label in ResidentEventKind.choices},
}


def _holds(user: Any, right: str) -> bool:
    """Whether the user holds `right` anywhere (no query beyond the cached assignments)."""
    return scope_q(user, "code", right) != Q(pk__in=[])


def _grids(user: Any, right: str | None = None, *, grid_level: bool = False) -> list[Grid]:
    """Current grids of the registry's network the user may see (or act in, with `right`)."""
    qs = (
        Grid.objects.current()
        .filter(scope_q(user, "code", right), network__slug=NETWORK)
        .select_related("network")
        .order_by("code")
    )
    if grid_level:
        qs = qs.filter(depth=F("network__grid_depth"))
    # A select of more would not be usable anyway; a county has a few hundred.
    return list(qs[:2000])


def _one(qs: Any, user: Any, right: str | None = None, **lookup: Any) -> Any:
    """The object in the user's scope (else 404) on which they hold `right` (else 403)."""
    obj = qs.visible_to(user).filter(**lookup).first()
    if obj is None:
        raise Http404
    if right is not None and not in_scope(user, obj.grid_code, right):
        raise PermissionDenied
    return obj


def _refused(form: Form, error: ServiceError) -> int:
    """Show a service's refusal on the form; the status to answer with."""
    if error.field is None and error.status == 404:
        raise Http404
    if error.field is None and error.status == 403:
        raise PermissionDenied
    forms.show_error(form, error)
    return error.status if error.status in (409, 422) else 422


def _act(form: Form, act: Callable[[dict[str, Any]], Any]) -> tuple[Any, int]:
    """A POSTed form's action: `act(cleaned_data)` when the form is valid. (its result,
    200), or (None, the status to answer with) when the form or the service refused — the
    refusal shown on the form. `act` returning None is a refusal it put on the form."""
    if not form.is_valid():
        return None, 422
    try:
        done = act(form.cleaned_data)
    except ServiceError as e:
        return None, _refused(form, e)
    return (done, 200) if done is not None else (None, 422)


def _render(request: HttpRequest, template: str, ctx: dict[str, Any], status: int = 200) -> Any:
    ctx.setdefault("can_audit", _holds(request.user, Right.VIEW_AUDIT))
    return render(request, template, ctx, status=status)


def _history(keys: list[tuple[str, str]]) -> list[AuditEntry]:
    """Change-history lines of these (object type, key) pairs, newest first."""
    if not keys:
        return []
    q = Q(pk__in=[])
    for object_type, key in keys:
        q |= Q(object_type=object_type, object_key=key)
    entries = list(AuditEntry.objects.filter(q).select_related("actor")[:100])
    for e in entries:
        e.label = ACTIONS.get(e.action, e.action)  # type: ignore[attr-defined]
    return entries


def _where(user: Any, household: Household | None) -> dict[str, Any] | None:
    """A household as a history line shows it: its address only if the reader may see it."""
    if household is None:
        return None
    if in_scope(user, household.grid_code):
        return {"address": household.address, "public_id": household.public_id}
    return {"address": None}


def _tag_rows(tags: list[Tag], review_forms: dict[int, Form]) -> list[dict[str, Any]]:
    return [
        {
            "tag": t,
            "details": forms.detail_items(t),
            "form": review_forms.get(t.pk) or forms.TagReviewForm(prefix=f"tag{t.pk}"),
        }
        for t in tags
    ]


def _registration(
    request: HttpRequest,
    form_class: type[forms.GridChoiceForm],
    register: Any,
    section: str,
    title: Any,
    done: Any,
    template: str = "registry/register_form.html",
) -> HttpResponse:
    """A registration page: a form whose grid is one the person may register in."""
    grids = _grids(request.user, Right.CHANGE_REGISTRY, grid_level=True)
    if not grids:
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, grids=grids)
        obj, status = _act(form, lambda d: register(
            actor=request.user, grid_code=d["grid"],
            **{k: v for k, v in d.items() if k != "grid"},
        ))  # fmt: skip
        if obj:
            return redirect(done(obj))
    else:
        form = form_class(grids=grids)
    back = reverse(f"registry:{section[:-1]}_list")
    ctx = {"form": form, "section": section, "title": title, "back": back,
           "back_label": SECTIONS[section]}  # fmt: skip
    return _render(request, template, ctx, status)
