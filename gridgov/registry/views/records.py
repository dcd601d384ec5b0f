"""Buildings, places, components and organisations: their registration, detail and
correction pages, driven by the `Record` of each kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.roles import Right
from gridgov.core.scope import in_scope

from .. import forms, services
from ..models import Building, Component, Organisation, Place
from .common import GET_POST, SECTIONS, _act, _history, _one, _registration, _render


@dataclass(frozen=True)
class Record:
    """How the pages register, show and correct one kind of registered thing."""

    model: Any
    kind: str  # the audit object type
    lookup: str  # the URL's key: "code" or "pk"
    new_title: Any
    new_form: type[forms.GridChoiceForm]
    register: Callable[..., Any]  # services.register_…(actor=, grid_code=, **form data)
    edit_form: type[Form]
    update: Callable[[Any, Any, Form], Any]  # (actor, record, valid form) → record
    facts: Callable[[Any], list[tuple[str, Any]]]
    located: bool = True  # has a location: the forms pick it on a map, the page shows it
    # What the detail page shows beyond the facts (a template extending record_detail and
    # its context), and what the correction form is made with beyond the data.
    detail_template: str = "registry/record_detail.html"
    more: Callable[[Any], dict[str, Any]] = lambda _obj: {}
    edit_kwargs: Callable[[Any], dict[str, Any]] = lambda _obj: {}

    def key(self, obj: Any) -> str:
        return str(getattr(obj, self.lookup))


def _register_building(*, actor: Any, grid_code: str, **data: Any) -> Building:
    return services.register_building(
        actor=actor, grid_code=grid_code, data=services.BuildingIn(**data)
    )


def _building_households(b: Building) -> dict[str, Any]:
    """The building page's households, by unit, floor and room, and their members."""
    households = list(
        b.households.order_by("unit", "floor", "room", "id").only(
            "public_id", "address", "unit", "floor", "room", "household_type", "member_count"
        )
    )
    return {"households": households, "members": sum(h.member_count for h in households)}


def _update_building(actor: Any, b: Building, form: Form) -> Building:
    data = services.BuildingIn(**form.cleaned_data)
    return services.update_building(actor=actor, building=b, data=data)


def _update_organisation(actor: Any, o: Organisation, form: Form) -> Organisation:
    d = {k: v for k, v in form.cleaned_data.items() if k not in ("phone", "remove_phone")}
    phone = form.phone_change()  # type: ignore[attr-defined]
    return services.update_organisation(actor=actor, organisation=o, phone=phone, **d)


RECORDS: dict[str, Record] = {
    "buildings": Record(
        model=Building, kind="building", lookup="code",
        new_title=gettext_lazy("Register a building"), new_form=forms.BuildingForm,
        register=_register_building,
        edit_form=forms.BuildingFieldsForm, update=_update_building,
        detail_template="registry/building_detail.html", more=_building_households,
        facts=lambda b: [(_("floors"), b.floors), (_("units"), b.units),
                         (_("footprint"), _("drawn") if b.footprint else _("not drawn yet"))],
    ),
    "places": Record(
        model=Place, kind="place", lookup="pk",
        new_title=gettext_lazy("Register a place"), new_form=forms.PlaceForm,
        register=services.register_place,
        edit_form=forms.PlaceFieldsForm,
        update=lambda actor, p, form: services.update_place(actor=actor, place=p,
                                                            **form.cleaned_data),
        facts=lambda p: [(_("kind"), p.get_kind_display()), (_("address"), p.address)],
    ),
    "components": Record(
        model=Component, kind="component", lookup="code",
        new_title=gettext_lazy("Register a component"), new_form=forms.ComponentForm,
        register=services.register_component,
        edit_form=forms.ComponentFieldsForm,
        update=lambda actor, c, form: services.update_component(actor=actor, component=c,
                                                                **form.cleaned_data),
        facts=lambda c: [(_("major class"), c.get_major_display()), (_("minor class"), c.minor)],
    ),
    "organisations": Record(
        model=Organisation, kind="organisation", lookup="pk",
        new_title=gettext_lazy("Register an organisation"), new_form=forms.OrganisationForm,
        register=services.register_organisation,
        edit_form=forms.OrganisationEditForm, update=_update_organisation,
        edit_kwargs=lambda o: {"masked_phone": o.phone_masked},
        facts=lambda o: [(_("kind"), o.get_kind_display()),
                         (_("unified social credit code"), o.credit_code),
                         (_("address"), o.address), (_("contact"), o.contact_name),
                         (_("phone"), o.phone_masked)],
        located=False,
    ),
}  # fmt: skip


@login_required
@GET_POST
def record_new(request: HttpRequest, section: str) -> HttpResponse:
    """Register a building, place, component or organisation in a grid."""
    spec = RECORDS[section]
    return _registration(
        request,
        spec.new_form,
        spec.register,
        section,
        spec.new_title,
        lambda obj: _record_urls(section, obj)[0],
        "registry/located_register_form.html" if spec.located else "registry/register_form.html",
    )


def _record(request: HttpRequest, section: str, key: str, right: str | None = None) -> Any:
    spec = RECORDS[section]
    qs = spec.model.objects.select_related("grid")
    return _one(qs, request.user, right, **{spec.lookup: key})


def _record_urls(section: str, obj: Any) -> tuple[str, str]:
    key = RECORDS[section].key(obj)
    name = section[:-1]
    return reverse(f"registry:{name}_detail", args=[key]), reverse(
        f"registry:{name}_edit", args=[key]
    )


@login_required
def record_detail(request: HttpRequest, section: str, key: str) -> HttpResponse:
    """A building, place, component or organisation: its facts, map and history."""
    spec = RECORDS[section]
    obj = _record(request, section, key)
    _detail, edit = _record_urls(section, obj)
    located = spec.located and obj.lon is not None and obj.lat is not None
    ctx: dict[str, Any] = {
        "section": section,
        "record": obj,
        "code": getattr(obj, "code", ""),
        "facts": spec.facts(obj),
        "located": located,
        "footprint": getattr(obj, "footprint", None),
        "history": _history([(spec.kind, spec.key(obj))]),
        "can_change": in_scope(request.user, obj.grid_code, Right.CHANGE_REGISTRY),
        "edit_url": edit,
        "back": reverse(f"registry:{section[:-1]}_list"),
        "back_label": SECTIONS[section],
        **spec.more(obj),
    }
    return _render(request, spec.detail_template, ctx)


def _edit_form(section: str, obj: Any, data: Any = None) -> Form:
    spec = RECORDS[section]
    kwargs = spec.edit_kwargs(obj)
    if data is not None:
        return spec.edit_form(data, **kwargs)
    initial = {
        name: getattr(obj, name)
        for name in spec.edit_form.base_fields
        if hasattr(obj, name) and name != "phone"
    }
    # Six decimals are a tenth of a metre; the map picker writes no more either.
    for name in ("lon", "lat"):
        if initial.get(name) is not None:
            initial[name] = round(initial[name], 6)
    return spec.edit_form(initial=initial, **kwargs)


@login_required
@GET_POST
def record_edit(request: HttpRequest, section: str, key: str) -> HttpResponse:
    """Correct a building, place, component or organisation; it stays in its grid."""
    spec = RECORDS[section]
    obj = _record(request, section, key, Right.CHANGE_REGISTRY)
    detail, _edit = _record_urls(section, obj)
    status = 200
    form = _edit_form(section, obj, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        done, status = _act(form, lambda _d: spec.update(request.user, obj, form))
        if done:
            return redirect(detail)
    ctx = {
        "section": section,
        "record": obj,
        "form": form,
        "back": detail,
        "back_label": obj.name,
        "pick": spec.located,
        "title": _("Correct %(name)s") % {"name": obj.name},
    }
    return _render(request, "registry/record_form.html", ctx, status)
