"""Registry pages: residents, households, places, components, organisations, the access log
and the 四清 panel of a grid.

Thin (STYLE.md "Views and API"): parse, find the object within the person's scope (404
outside it), check the right (403), call registry.services, respond. Personal data appears
masked; the full value only in the answer to a reveal, which `services.reveal` logs.

The resident search is POSTed, not sent as a query string: what is typed may be a full ID
number or phone, and those never go into a URL (server logs keep URLs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import F, Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gridgov.accounts.roles import Right
from gridgov.core.errors import ServiceError
from gridgov.core.models import AuditEntry
from gridgov.core.scope import holds_anywhere, in_scope, scope_q
from gridgov.grids import queries as grid_queries
from gridgov.grids import services as grid_services
from gridgov.grids.models import Grid

from . import completeness, forms, lists, search, services
from .choices import ResidentEventKind, ResidentStatus
from .models import (
    AccessLog,
    Building,
    Component,
    Household,
    Organisation,
    Place,
    Resident,
    ResidentEvent,
    Tag,
)

PAGE_SIZE = 50
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


# The measures of completeness.Completeness, in its order.
MEASURES = [
    gettext_lazy("Households with members"),
    gettext_lazy("Residents with a valid ID"),
    gettext_lazy("Residents with a phone"),
    gettext_lazy("Buildings located"),
    gettext_lazy("Tags reviewed"),
]


def _labelled(part: completeness.Completeness) -> list[tuple[str, completeness.Measure]]:
    return [(str(label), m) for label, (_key, m) in zip(MEASURES, part.measures, strict=True)]


# ---------------------------------------------------------------- helpers


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


def _paginate(qs: Any, number: Any) -> Page:
    return Paginator(qs, PAGE_SIZE).get_page(number)


def _query_without_page(params: Any) -> str:
    q = params.copy()
    q.pop("page", None)
    q.pop("csrfmiddlewaretoken", None)
    return str(q.urlencode())


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


# ---------------------------------------------------------------- residents


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


# ---------------------------------------------------------------- households


def _household(request: HttpRequest, public_id: Any, right: str | None = None) -> Household:
    qs = Household.objects.select_related("grid", "building")
    return _one(qs, request.user, right, public_id=public_id)  # type: ignore[no-any-return]


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


# ---------------------------------------------------------------- tags


def _add_tag(
    request: HttpRequest, page: Any, subject: Resident | Household, done: str, **whom: Any
) -> HttpResponse:
    form = forms.TagForm(request.POST)
    tag, status = _act(form, lambda d: services.add_tag(
        actor=request.user, kind=d["kind"], start=d["start"], end=d.get("end"),
        details=form.details(), **whom,
    ))  # fmt: skip
    if tag:
        return redirect(done + "#tags")
    return page(request, subject, tag_form=form, status=status)


@login_required
@require_POST
def resident_tag(request: HttpRequest, public_id: Any) -> HttpResponse:
    resident = _resident(request, public_id, Right.CHANGE_REGISTRY)
    done = reverse("registry:resident_detail", args=[resident.public_id])
    return _add_tag(request, _resident_page, resident, done, resident=resident)


@login_required
@require_POST
def household_tag(request: HttpRequest, public_id: Any) -> HttpResponse:
    household = _household(request, public_id, Right.CHANGE_REGISTRY)
    done = reverse("registry:household_detail", args=[household.public_id])
    return _add_tag(request, _household_page, household, done, household=household)


@login_required
def tag_fields(request: HttpRequest) -> HttpResponse:
    """The detail fields of a tag kind (a fragment for the add-tag form)."""
    return render(request, "registry/_tag_details.html", {"tag_form": forms.TagForm(request.GET)})


@login_required
@require_POST
def tag_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm a tag still holds (today), or end it."""
    tag = _one(Tag.objects.select_related("resident", "household"), request.user,
               Right.CHANGE_REGISTRY, pk=pk)  # fmt: skip
    subject = tag.resident or tag.household
    form = forms.TagReviewForm(request.POST, prefix=f"tag{tag.pk}")
    done, status = _act(form, lambda d: services.review_tag(actor=request.user, tag=tag,
                                                            end=d["end"]))  # fmt: skip
    if done:
        name = "resident_detail" if tag.resident else "household_detail"
        return redirect(reverse(f"registry:{name}", args=[subject.public_id]) + "#tags")
    if tag.resident is not None:
        resident = _resident(request, tag.resident.public_id)
        return _resident_page(request, resident, review_forms={tag.pk: form}, status=status)
    household = _household(request, tag.household.public_id)
    return _household_page(request, household, review_forms={tag.pk: form}, status=status)


# ------------------------------------------------- buildings, places, components, organisations


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


# ---------------------------------------------------------------- access log


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


# ---------------------------------------------------------------- 四清


@login_required
def grid_completeness(request: HttpRequest, network: str, code: str) -> HttpResponse:
    """四清 of a grid and of each unit under it (R-REG-3). The grid page loads it with htmx
    after the page itself, so that drilling down the map never waits on the four counts."""
    if network != NETWORK:
        raise Http404
    try:
        grid = grid_services.get_grid_for(request.user, grid_queries.network_by_slug(network), code)
    except ServiceError:
        raise Http404 from None
    c = completeness.for_node(grid)
    rows = [(g.name, g.code, _labelled(part)) for g, part in c.children]
    if c.children and not c.elsewhere.is_empty:
        rows.append((_("Under retired grids"), "", _labelled(c.elsewhere)))
    ctx = {
        "c": c,
        "overall": _labelled(c.overall),
        "labels": [str(label) for label in MEASURES],
        "rows": rows,
        "grid": grid,
        "network": grid.network,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "registry/_completeness.html", ctx)
    return _render(request, "registry/completeness.html", ctx)
