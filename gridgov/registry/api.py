"""/api/v1/registry: households, residents, tags, places, components, organisations, and
the log of unmasked reads.

Thin (DESIGN "Shape"): parse, find the row within the caller's scope (`visible_to`: out of
scope is 404), call registry.services (which check the right: 403), answer. ID numbers and
phones leave masked; only POST …/reveal unmasks, through `services.reveal`. Lists page with
`limit`/`offset` and run a fixed number of queries whatever the page holds.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from gridgov.accounts.roles import RIGHTS, Right
from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.schemas import ERRORS

from . import lists, search, services
from .choices import ResidentStatus
from .models import (
    AccessLog,
    Building,
    Component,
    Household,
    Organisation,
    Place,
    Resident,
    Tag,
)
from .schemas import (
    COUNT_CAP,
    AccessLogPage,
    AccessLogQuery,
    BuildingChangeIn,
    BuildingDetailOut,
    BuildingIn,
    BuildingOut,
    BuildingPage,
    ComponentChangeIn,
    ComponentIn,
    ComponentOut,
    ComponentPage,
    ComponentQuery,
    HouseholdDetailOut,
    HouseholdIn,
    HouseholdPage,
    HouseholdQuery,
    MoveIn,
    NamedQuery,
    OrganisationChangeIn,
    OrganisationIn,
    OrganisationOut,
    OrganisationPage,
    OrganisationQuery,
    PageIn,
    PlaceChangeIn,
    PlaceIn,
    PlaceOut,
    PlacePage,
    PlaceQuery,
    ResidentCreateIn,
    ResidentDetailOut,
    ResidentFieldsIn,
    ResidentPage,
    ResidentQuery,
    ResidentUpdateIn,
    RevealIn,
    RevealOut,
    TagIn,
    TagOut,
    TagReviewIn,
)

router = Router(tags=["registry"])


# ---------------------------------------------------------------- helpers


def _page(qs: QuerySet[Any], page: PageIn) -> dict[str, Any]:
    """{"count", "items"} in two queries (plus the list's prefetches): a COUNT capped at
    COUNT_CAP (an exact count of a million rows costs more than the page) and the page."""
    count = qs.order_by()[:COUNT_CAP].count()
    return {"count": count, "items": list(qs[page.offset : page.offset + page.limit])}


def _one(qs: QuerySet[Any], field: str | None = None, **lookup: Any) -> Any:
    found = qs.filter(**lookup).first()
    if found is None:
        raise NotFound(_("Not found."), field=field)
    return found


def _household(request: HttpRequest, public_id: uuid.UUID, field: str | None = None) -> Household:
    qs = Household.objects.visible_to(request.user, Right.VIEW).select_related("building")
    return _one(qs, field, public_id=public_id)  # type: ignore[no-any-return]


def _resident(request: HttpRequest, public_id: uuid.UUID, field: str | None = None) -> Resident:
    qs = Resident.objects.visible_to(request.user, Right.VIEW).select_related("household")
    return _one(qs, field, public_id=public_id)  # type: ignore[no-any-return]


def _public_id(row: Model | None) -> uuid.UUID | None:
    return getattr(row, "public_id", None) if row is not None else None


def _household_out(h: Household) -> dict[str, Any]:
    return {
        "public_id": h.public_id,
        "grid_code": h.grid_code,
        "address": h.address,
        "building": h.building.code if h.building else None,
        "unit": h.unit,
        "floor": h.floor,
        "room": h.room,
        "household_type": h.household_type,
        "member_count": h.member_count,
    }


def _tag_out(t: Tag) -> dict[str, Any]:
    return {
        "id": t.pk,
        "kind": t.kind,
        "resident": _public_id(t.resident),
        "household": _public_id(t.household),
        "grid_code": t.grid_code,
        "start": t.start,
        "end": t.end,
        "details": services.shown_details(t.details),
        "reviewed_at": t.reviewed_at,
    }


def _household_detail(h: Household) -> dict[str, Any]:
    members = h.residents.filter(status=ResidentStatus.ACTIVE).order_by("id")
    tags = Tag.objects.filter(household=h).select_related("resident", "household")
    return {
        **_household_out(h),
        "members": [
            {
                "public_id": r.public_id,
                "name": r.name,
                "relation": r.relation,
                "sex": r.sex,
                "birth_date": r.birth_date,
                "id_masked": r.id_masked,
                "phone_masked": r.phone_masked,
                "residence_status": r.residence_status,
            }
            for r in members
        ],
        "tags": [_tag_out(t) for t in tags],
    }


def _resident_detail(r: Resident) -> dict[str, Any]:
    subject = Q(resident=r) | Q(household_id=r.household_id) if r.household_id else Q(resident=r)
    tags = Tag.objects.filter(subject).select_related("resident", "household")
    events = r.events.select_related("from_household", "to_household", "actor")
    return {
        "public_id": r.public_id,
        "name": r.name,
        "document_type": r.document_type,
        "id_masked": r.id_masked,
        "phone_masked": r.phone_masked,
        "sex": r.sex,
        "birth_date": r.birth_date,
        "relation": r.relation,
        "household": _public_id(r.household),
        "address": r.household.address if r.household else None,
        "grid_code": r.grid_code,
        "residence_status": r.residence_status,
        "floating_until": r.floating_until,
        "nationality": r.nationality,
        "party_member": r.party_member,
        "status": r.status,
        "events": [
            {
                "kind": e.kind,
                "date": e.date,
                "from_household": _public_id(e.from_household),
                "to_household": _public_id(e.to_household),
                "note": e.note,
                "actor": e.actor.get_username() if e.actor else None,
                "at": timezone.localtime(e.at),
            }
            for e in events
        ],
        "tags": [_tag_out(t) for t in tags],
    }


def _resident_in(payload: ResidentFieldsIn, id_number: str, phone: str) -> services.ResidentIn:
    return services.ResidentIn(
        name=payload.name,
        id_number=id_number,
        relation=payload.relation,
        document_type=payload.document_type,
        phone=phone,
        residence_status=payload.residence_status,
        floating_until=payload.floating_until,
        nationality=payload.nationality,
        party_member=payload.party_member,
        birth_date=payload.birth_date,
        sex=payload.sex or "",
    )


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# ---------------------------------------------------------------- households


@router.get("/households", response={200: HouseholdPage, **ERRORS}, summary="Households")
def list_households(request: HttpRequest, filters: Query[HouseholdQuery]):  # type: ignore[type-arg]
    """Households in your scope, under `grid`, whose address contains `q`, in the household
    list page's order (one definition: registry.lists)."""
    # Contains, not an index: applied within scope and grid (docs/adr/0007).
    qs = lists.listed(
        "households", request.user, grid=filters.grid or "", address=(filters.q or "").strip()
    )
    # Queries: the capped count, the page (building joined).
    page = _page(qs.select_related("building"), filters)
    return {"count": page["count"], "items": [_household_out(h) for h in page["items"]]}


@router.get(
    "/households/{public_id}", response={200: HouseholdDetailOut, **ERRORS}, summary="One household"
)
def get_household(request: HttpRequest, public_id: uuid.UUID):
    return _household_detail(_household(request, public_id))


@router.post("/households", response={201: HouseholdDetailOut, **ERRORS}, summary="Register")
def create_household(request: HttpRequest, payload: HouseholdIn):
    household = services.register_household(
        actor=request.user,
        grid_code=payload.grid,
        address=payload.address,
        household_type=payload.household_type,
        building_code=payload.building,
        unit=payload.unit,
        floor=payload.floor,
        room=payload.room,
    )
    return Status(201, _household_detail(household))


# ---------------------------------------------------------------- residents


@router.get("/residents", response={200: ResidentPage, **ERRORS}, summary="Find residents")
def list_residents(request: HttpRequest, filters: Query[ResidentQuery]):  # type: ignore[type-arg]
    """The filters of the resident list page (`registry.search.ResidentFilter`). A whole ID
    number or phone in `q` is refused here (422): URLs are kept in server logs; send it to
    `POST /residents/search`."""
    if search.whole_number(filters.q):
        raise search.in_url_refused()
    return _residents_page(request, filters)


@router.post(
    "/residents/search", response={200: ResidentPage, **ERRORS}, summary="Find residents (POST)"
)
def search_residents(request: HttpRequest, filters: ResidentQuery):
    """As `GET /residents`, the filters in the body: the way to search by a whole ID number
    or phone."""
    return _residents_page(request, filters)


def _residents_page(request: HttpRequest, filters: ResidentQuery) -> dict[str, Any]:
    open_tags = Tag.objects.filter(end__isnull=True).order_by("kind", "id")
    qs = search.residents_for(request.user, filters.model_dump()).prefetch_related(
        # One query each for the page's own tags and its households' tags.
        Prefetch("tags", queryset=open_tags, to_attr="own_open_tags"),
        Prefetch("household__tags", queryset=open_tags, to_attr="open_tags"),
    )
    # Queries: the capped count, the page (household joined), the two prefetches.
    page = _page(qs, filters)
    items = []
    for r in page["items"]:
        kinds = {t.kind for t in r.own_open_tags}
        if r.household is not None:
            kinds |= {t.kind for t in r.household.open_tags}
        items.append(
            {
                "public_id": r.public_id,
                "name": r.name,
                "sex": r.sex,
                "birth_date": r.birth_date,
                "id_masked": r.id_masked,
                "phone_masked": r.phone_masked,
                "relation": r.relation,
                "household": _public_id(r.household),
                "grid_code": r.grid_code,
                "residence_status": r.residence_status,
                "status": r.status,
                "tags": sorted(kinds),
            }
        )
    return {"count": page["count"], "items": items}


@router.get(
    "/residents/{public_id}", response={200: ResidentDetailOut, **ERRORS}, summary="One resident"
)
def get_resident(request: HttpRequest, public_id: uuid.UUID):
    return _resident_detail(_resident(request, public_id))


@router.post("/residents", response={201: ResidentDetailOut, **ERRORS}, summary="Add a resident")
def create_resident(request: HttpRequest, payload: ResidentCreateIn):
    """Register a person into a household. A person already living in a household is
    refused (409): moving them is POST …/move."""
    household = _household(request, payload.household, field="household")
    resident = services.add_resident(
        actor=request.user,
        household=household,
        data=_resident_in(payload, payload.id_number, payload.phone),
        date=payload.date,
    )
    return Status(201, _resident_detail(_resident(request, resident.public_id)))


@router.put(
    "/residents/{public_id}", response={200: ResidentDetailOut, **ERRORS}, summary="Correct"
)
def update_resident(request: HttpRequest, public_id: uuid.UUID, payload: ResidentUpdateIn):
    """Correct what is known of a resident: send every field, as for adding them (those left
    out take their defaults), except `id_number` and `phone`, which are kept when left out:
    callers see them masked and cannot send them back."""
    resident = services.update_resident_keeping(
        actor=request.user,
        resident=_resident(request, public_id),
        data=_resident_in(payload, payload.id_number or "", payload.phone or ""),
        keep_id_number=payload.id_number is None,
        keep_phone=payload.phone is None,
    )
    return _resident_detail(_resident(request, resident.public_id))


@router.post(
    "/residents/{public_id}/move", response={200: ResidentDetailOut, **ERRORS}, summary="Move"
)
def move_resident(request: HttpRequest, public_id: uuid.UUID, payload: MoveIn):
    """Move to another household (`to`), out of the area, or record a death; the member
    counts of both households change with it."""
    resident = _resident(request, public_id)
    # The right first: a person who may not move anyone learns that, not what the body lacks.
    services.require(request.user, resident.grid_code, Right.CHANGE_REGISTRY)
    if payload.kind == "transfer" and payload.to is None:
        raise ServiceError(
            "target_required", _("Say which household they move to."), field="to", status=422
        )
    if payload.kind in ("move_out", "death") and payload.to is not None:
        raise ServiceError(
            "unexpected_target",
            _("A move out of the area or a death has no household to go to."),
            field="to",
            status=422,
        )
    target = _household(request, payload.to, field="to") if payload.to else None
    services.move_resident(
        actor=request.user,
        resident=resident,
        to=target,
        date=payload.date,
        note=payload.note,
        kind=payload.kind,
    )
    return _resident_detail(_resident(request, public_id))


@router.post(
    "/residents/{public_id}/reveal",
    response={200: RevealOut, **ERRORS},
    summary="See an ID number or phone unmasked",
)
def reveal(request: HttpRequest, public_id: uuid.UUID, payload: RevealIn, response: HttpResponse):
    """Needs the personal.reveal right and a reason; every answer is recorded in the access
    log (who, whose, which field, why, when)."""
    value = services.reveal(
        actor=request.user,
        resident=_resident(request, public_id),
        field=payload.field,
        reason=payload.reason,
        channel="api",
    )
    # Personal data: no cache keeps it.
    response.headers["Cache-Control"] = "no-store"
    return {"value": value}


# ---------------------------------------------------------------- tags


@router.post("/tags", response={201: TagOut, **ERRORS}, summary="Tag a resident or household")
def create_tag(request: HttpRequest, payload: TagIn):
    resident = _resident(request, payload.resident, "resident") if payload.resident else None
    household = _household(request, payload.household, "household") if payload.household else None
    tag = services.add_tag(
        actor=request.user,
        kind=payload.kind,
        start=payload.start,
        resident=resident,
        household=household,
        end=payload.end,
        details=payload.details,
    )
    return Status(201, _tag_out(Tag.objects.select_related("resident", "household").get(pk=tag.pk)))


@router.post("/tags/{tag_id}/review", response={200: TagOut, **ERRORS}, summary="Review a tag")
def review_tag(request: HttpRequest, tag_id: int, payload: TagReviewIn):
    """Confirm the tag still holds (reviewed today), or end it on `end`."""
    tag = _one(Tag.objects.visible_to(request.user, Right.VIEW), pk=tag_id)
    tag = services.review_tag(actor=request.user, tag=tag, end=payload.end)
    return _tag_out(Tag.objects.select_related("resident", "household").get(pk=tag.pk))


# ---------------------------------------------------------------- places, components, units

# What the API shows of each, in this order.
BUILDING_FIELDS = ("grid_code", "code", "name", "lon", "lat", "floors", "units")
PLACE_FIELDS = ("grid_code", "name", "kind", "address", "lon", "lat")
COMPONENT_FIELDS = ("grid_code", "code", "major", "minor", "name", "lon", "lat")
ORGANISATION_FIELDS = (
    "grid_code", "name", "kind", "credit_code", "address", "contact_name", "phone_masked",
)  # fmt: skip


def _registration(payload: Any) -> dict[str, Any]:
    """A registration body as the services.register_… keywords: `grid` is `grid_code`."""
    fields = payload.model_dump()
    fields["grid_code"] = fields.pop("grid")
    return fields  # type: ignore[no-any-return]


def _fields(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {"id": obj.pk, **{f: getattr(obj, f) for f in fields}}


def _listed(
    list_name: str, request: HttpRequest, filters: Any, fields: tuple[str, ...], **narrow: Any
) -> dict[str, Any]:
    """One page of a registry list as its page lists it (registry.lists: scope, grid,
    order), whose name contains `q`, narrowed by the other filters that were given."""
    qs = lists.listed(list_name, request.user, grid=filters.grid or "")
    if filters.q:
        qs = qs.filter(name__contains=filters.q.strip())
    given = {k: v for k, v in narrow.items() if v}
    if given:
        qs = qs.filter(**given)
    page = _page(qs, filters)  # Queries: the capped count, the page.
    return {"count": page["count"], "items": [_fields(o, fields) for o in page["items"]]}


@router.get("/buildings", response={200: BuildingPage, **ERRORS}, summary="Buildings")
def list_buildings(request: HttpRequest, filters: Query[NamedQuery]):  # type: ignore[type-arg]
    return _listed("buildings", request, filters, BUILDING_FIELDS)


@router.post("/buildings", response={201: BuildingOut, **ERRORS}, summary="Register a building")
def create_building(request: HttpRequest, payload: BuildingIn):
    fields = _registration(payload)
    grid_code = fields.pop("grid_code")
    building = services.register_building(
        actor=request.user, grid_code=grid_code, data=services.BuildingIn(**fields)
    )
    return Status(201, _fields(building, BUILDING_FIELDS))


def _building_out(building: Building) -> dict[str, Any]:
    return {
        **_fields(building, BUILDING_FIELDS),
        "footprint": building.footprint,
        "households": building.households.count(),
    }


@router.get("/buildings/{code}", response={200: BuildingDetailOut, **ERRORS}, summary="A building")
def get_building(request: HttpRequest, code: str):
    building = _one(Building.objects.visible_to(request.user, Right.VIEW), code=code)
    return _building_out(building)


@router.patch(
    "/buildings/{code}", response={200: BuildingDetailOut, **ERRORS}, summary="Correct a building"
)
def change_building(request: HttpRequest, code: str, payload: BuildingChangeIn):
    """Name, location, footprint, floors, units; the code and grid stay."""
    building = _one(Building.objects.visible_to(request.user, Right.VIEW), code=code)
    fields = ("name", "lon", "lat", "floors", "units", "footprint")
    data = services.BuildingIn(**_merged(building, payload, fields, nullable=("footprint",)))
    building = services.update_building(actor=request.user, building=building, data=data)
    return _building_out(building)


def _merged(
    obj: Any, payload: Any, fields: tuple[str, ...], nullable: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The record's current `fields` with those the PATCH body gives. A field given as
    null is left as it is, unless it is `nullable` (null removes it)."""
    given = payload.model_dump(include=payload.model_fields_set)
    current = {f: getattr(obj, f) for f in fields}
    current.update(
        {k: v for k, v in given.items() if k in fields and (v is not None or k in nullable)}
    )
    return current


@router.get("/places", response={200: PlacePage, **ERRORS}, summary="Places")
def list_places(request: HttpRequest, filters: Query[PlaceQuery]):  # type: ignore[type-arg]
    return _listed("places", request, filters, PLACE_FIELDS, kind=filters.kind)


@router.post("/places", response={201: PlaceOut, **ERRORS}, summary="Register a place")
def create_place(request: HttpRequest, payload: PlaceIn):
    place = services.register_place(actor=request.user, **_registration(payload))
    return Status(201, _fields(place, PLACE_FIELDS))


@router.get("/places/{place_id}", response={200: PlaceOut, **ERRORS}, summary="A place")
def get_place(request: HttpRequest, place_id: int):
    place = _one(Place.objects.visible_to(request.user, Right.VIEW), pk=place_id)
    return _fields(place, PLACE_FIELDS)


@router.patch("/places/{place_id}", response={200: PlaceOut, **ERRORS}, summary="Correct a place")
def change_place(request: HttpRequest, place_id: int, payload: PlaceChangeIn):
    place = _one(Place.objects.visible_to(request.user, Right.VIEW), pk=place_id)
    data = _merged(place, payload, ("name", "kind", "address", "lon", "lat"), ("lon", "lat"))
    return _fields(services.update_place(actor=request.user, place=place, **data), PLACE_FIELDS)


@router.get("/components", response={200: ComponentPage, **ERRORS}, summary="Components")
def list_components(request: HttpRequest, filters: Query[ComponentQuery]):  # type: ignore[type-arg]
    return _listed("components", request, filters, COMPONENT_FIELDS, major=filters.major)


@router.post("/components", response={201: ComponentOut, **ERRORS}, summary="Register")
def create_component(request: HttpRequest, payload: ComponentIn):
    component = services.register_component(actor=request.user, **_registration(payload))
    return Status(201, _fields(component, COMPONENT_FIELDS))


@router.get("/components/{code}", response={200: ComponentOut, **ERRORS}, summary="A component")
def get_component(request: HttpRequest, code: str):
    component = _one(Component.objects.visible_to(request.user, Right.VIEW), code=code)
    return _fields(component, COMPONENT_FIELDS)


@router.patch(
    "/components/{code}", response={200: ComponentOut, **ERRORS}, summary="Correct a component"
)
def change_component(request: HttpRequest, code: str, payload: ComponentChangeIn):
    """Name and location; the component id stays."""
    component = _one(Component.objects.visible_to(request.user, Right.VIEW), code=code)
    data = _merged(component, payload, ("name", "lon", "lat"))
    component = services.update_component(actor=request.user, component=component, **data)
    return _fields(component, COMPONENT_FIELDS)


@router.get("/organisations", response={200: OrganisationPage, **ERRORS}, summary="Organisations")
def list_organisations(request: HttpRequest, filters: Query[OrganisationQuery]):  # type: ignore[type-arg]
    return _listed("organisations", request, filters, ORGANISATION_FIELDS, kind=filters.kind)


@router.post("/organisations", response={201: OrganisationOut, **ERRORS}, summary="Register")
def create_organisation(request: HttpRequest, payload: OrganisationIn):
    organisation = services.register_organisation(actor=request.user, **_registration(payload))
    return Status(201, _fields(organisation, ORGANISATION_FIELDS))


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, **ERRORS},
    summary="An organisation",
)
def get_organisation(request: HttpRequest, organisation_id: int):
    org = _one(Organisation.objects.visible_to(request.user, Right.VIEW), pk=organisation_id)
    return _fields(org, ORGANISATION_FIELDS)


@router.patch(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, **ERRORS},
    summary="Correct an organisation",
)
def change_organisation(request: HttpRequest, organisation_id: int, payload: OrganisationChangeIn):
    """The phone is kept unless given ("" removes it); it is shown masked."""
    org = _one(Organisation.objects.visible_to(request.user, Right.VIEW), pk=organisation_id)
    fields = ("name", "kind", "credit_code", "address", "contact_name")
    data = _merged(org, payload, fields)
    data["credit_code"] = data["credit_code"] or ""
    phone = payload.phone if "phone" in payload.model_fields_set else None
    org = services.update_organisation(actor=request.user, organisation=org, phone=phone, **data)
    return _fields(org, ORGANISATION_FIELDS)


# ---------------------------------------------------------------- access log


def _may_audit(user: Any) -> bool:
    """Holds audit.view somewhere: the log is theirs to read within that scope."""
    if user.is_superuser:
        return True
    roles = [role for role, rights in RIGHTS.items() if Right.VIEW_AUDIT in rights]
    return bool(user.assignments.filter(role__in=roles).exists())


@router.get("/access-log", response={200: AccessLogPage, **ERRORS}, summary="Unmasked reads")
def access_log(request: HttpRequest, filters: Query[AccessLogQuery]):  # type: ignore[type-arg]
    """Who saw whose ID number or phone unmasked, when and why; for auditors, within
    their scope."""
    if not _may_audit(request.user):
        raise Forbidden(_("You may not do this here."))
    qs = AccessLog.objects.visible_to(request.user, Right.VIEW_AUDIT)
    if filters.actor:
        qs = qs.filter(actor__username=filters.actor)
    if filters.resident:
        qs = qs.filter(resident__public_id=filters.resident)
    if filters.since:
        qs = qs.filter(at__gte=_day_start(filters.since))
    if filters.until:
        qs = qs.filter(at__lt=_day_start(filters.until + dt.timedelta(days=1)))
    # Queries: the capped count, the page (actor and resident joined).
    page = _page(qs.select_related("actor", "resident"), filters)
    return {
        "count": page["count"],
        "items": [
            {
                "at": timezone.localtime(row.at),
                "actor": row.actor.get_username(),
                "resident": _public_id(row.resident),
                "id_masked": row.resident.id_masked if row.resident else None,
                "grid_code": row.grid_code,
                "field": row.field,
                "reason": row.reason,
                "channel": row.channel,
            }
            for row in page["items"]
        ],
    }
