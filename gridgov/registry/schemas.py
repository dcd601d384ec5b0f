"""Schemas of /api/v1/registry. ID numbers and phones go out masked only (`id_masked`,
`phone_masked`); the one way to the whole value is POST …/reveal, with a reason, logged."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from gridgov.core.inputs import InputSchema

from .choices import (
    DocumentType,
    HouseholdType,
    OrganisationKind,
    PlaceKind,
    Relation,
    ResidenceStatus,
    ResidentEventKind,
    ResidentStatus,
    Sex,
    TagKind,
)

__all__ = ["COUNT_CAP"]

# Lists count their rows up to this many: an exact COUNT over a million residents costs
# more than the page it describes, and no one pages that far.
COUNT_CAP = 10_000

COUNTED = f"Matching rows, counted up to {COUNT_CAP}"


def grid_in() -> Any:
    return Field(min_length=6, max_length=32, pattern=r"^\d+$", description="A grid code")


def grid_filter() -> Any:
    return Field(None, max_length=32, pattern=r"^\d+$", description="A grid code: rows under it")


class PageIn(InputSchema):
    limit: int = Field(50, ge=1, le=200, description="Rows per page")
    offset: int = Field(0, ge=0, le=1_000_000, description="Rows to skip")


# ---------------------------------------------------------------- households


class HouseholdQuery(PageIn):
    grid: str | None = grid_filter()
    q: str | None = Field(None, max_length=60, description="Part of the address")


class HouseholdOut(Schema):
    public_id: uuid.UUID
    grid_code: str
    address: str
    building: str | None = Field(description="The building's code")
    unit: str
    floor: int | None
    room: str
    household_type: HouseholdType
    member_count: int


class HouseholdPage(Schema):
    count: int = Field(description=COUNTED)
    items: list[HouseholdOut]


class MemberOut(Schema):
    public_id: uuid.UUID
    name: str
    relation: Relation
    sex: Sex
    birth_date: dt.date
    id_masked: str
    phone_masked: str
    residence_status: ResidenceStatus


class TagOut(Schema):
    id: int
    kind: TagKind
    resident: uuid.UUID | None = Field(description="The resident tagged, or null")
    household: uuid.UUID | None = Field(description="The household tagged, or null")
    grid_code: str
    start: dt.date
    end: dt.date | None
    details: dict[str, str]
    reviewed_at: dt.date | None


class HouseholdDetailOut(HouseholdOut):
    members: list[MemberOut] = Field(description="Residents living here, masked")
    tags: list[TagOut]


class HouseholdIn(InputSchema):
    grid: str = grid_in()
    address: str = Field(min_length=1, max_length=200)
    household_type: HouseholdType
    building: str | None = Field(None, max_length=32, description="A building code in the grid")
    unit: str = Field("", max_length=10)
    floor: int | None = Field(None, ge=-10, le=200)
    room: str = Field("", max_length=20)


# ---------------------------------------------------------------- residents


class ResidentQuery(PageIn):
    """The filters of `registry.search.ResidentFilter`, the same as the resident list page."""

    q: str | None = Field(
        None,
        max_length=40,
        description="Name, full pinyin or initials, a whole ID number or phone, "
        "or the last 4+ digits of one",
    )
    grid: str | None = grid_filter()
    tag: TagKind | None = Field(None, description="An open attention tag, own or household's")
    residence_status: ResidenceStatus | None = None
    status: Literal["active", "moved_out", "deceased", "all"] = Field(
        "active", description="Whether they live here now; `all` for everyone ever registered"
    )
    address: str | None = Field(None, max_length=60, description="Part of the address")


class ResidentOut(Schema):
    public_id: uuid.UUID
    name: str
    sex: Sex
    birth_date: dt.date
    id_masked: str
    phone_masked: str
    relation: Relation
    household: uuid.UUID | None
    grid_code: str
    residence_status: ResidenceStatus
    status: ResidentStatus
    tags: list[TagKind] = Field(description="Open tags on the resident and on the household")


class ResidentPage(Schema):
    count: int = Field(description=COUNTED)
    items: list[ResidentOut]


class EventOut(Schema):
    kind: ResidentEventKind
    date: dt.date
    from_household: uuid.UUID | None
    to_household: uuid.UUID | None
    note: str
    actor: str | None = Field(description="Username of who recorded it")
    at: dt.datetime


class ResidentDetailOut(Schema):
    public_id: uuid.UUID
    name: str
    document_type: DocumentType
    id_masked: str
    phone_masked: str
    sex: Sex
    birth_date: dt.date
    relation: Relation
    household: uuid.UUID | None
    address: str | None = Field(description="The household's address")
    grid_code: str
    residence_status: ResidenceStatus
    floating_until: dt.date | None
    nationality: str
    party_member: bool
    status: ResidentStatus
    events: list[EventOut] = Field(description="Moves in, transfers, moves out, deaths")
    tags: list[TagOut] = Field(description="Tags on the resident and on the household")


class ResidentFieldsIn(InputSchema):
    name: str = Field(min_length=1, max_length=50)
    relation: Relation
    document_type: DocumentType = DocumentType.RESIDENT_ID
    residence_status: ResidenceStatus = ResidenceStatus.REGISTERED
    floating_until: dt.date | None = None
    nationality: str = Field("", max_length=60)
    party_member: bool = False
    birth_date: dt.date | None = Field(
        None, description="Only for documents that do not carry it (not a resident ID)"
    )
    sex: Sex | None = Field(None, description="Likewise")


class ResidentCreateIn(ResidentFieldsIn):
    household: uuid.UUID = Field(description="The household's public_id")
    id_number: str = Field(
        min_length=1, max_length=30, description="18 characters for a resident ID (GB 11643)"
    )
    phone: str = Field("", max_length=20)
    date: dt.date | None = Field(None, description="Moved in on (default today)")


class ResidentUpdateIn(ResidentFieldsIn):
    id_number: str | None = Field(
        None, min_length=1, max_length=30, description="Leave out to keep the stored number"
    )
    phone: str | None = Field(
        None, max_length=20, description="Leave out to keep it; an empty string clears it"
    )


class MoveIn(InputSchema):
    to: uuid.UUID | None = Field(
        None, description="The household moved to; null for out of the area or a death"
    )
    date: dt.date
    note: str = Field("", max_length=200)
    kind: Literal["transfer", "move_out", "death"] | None = Field(
        None, description="Default: transfer with `to`, move_out without"
    )


class RevealIn(InputSchema):
    field: Literal["id_number", "phone"]
    reason: str = Field(max_length=200, description="Why you need it; recorded")


class RevealOut(Schema):
    value: str


# ---------------------------------------------------------------- tags


class TagIn(InputSchema):
    resident: uuid.UUID | None = Field(None, description="Tag this resident…")
    household: uuid.UUID | None = Field(None, description="…or this household")
    kind: TagKind
    start: dt.date
    end: dt.date | None = None
    details: dict[str, str] = Field(
        default_factory=dict, max_length=10, description="The fields of the tag's kind"
    )


class TagReviewIn(InputSchema):
    end: dt.date | None = Field(None, description="End the tag on this date")


# ---------------------------------------------------------------- places, components, organisations


class NamedQuery(PageIn):
    grid: str | None = grid_filter()
    q: str | None = Field(None, max_length=60, description="Part of the name")


class BuildingIn(InputSchema):
    grid: str = grid_in()
    name: str = Field(min_length=1, max_length=100)
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    floors: int = Field(1, ge=1, le=200)
    units: int = Field(1, ge=1, le=99)
    footprint: dict[str, Any] | None = Field(None, description="GeoJSON Polygon, optional")


class BuildingOut(Schema):
    id: int
    grid_code: str
    code: str
    name: str
    lon: float
    lat: float
    floors: int
    units: int


class BuildingChangeIn(InputSchema):
    """Only the fields given change; `footprint: null` removes the footprint."""

    name: str | None = Field(None, min_length=1, max_length=100)
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    floors: int | None = Field(None, ge=1, le=200)
    units: int | None = Field(None, ge=1, le=99)
    footprint: dict[str, Any] | None = Field(None, description="GeoJSON Polygon; null removes it")


class BuildingDetailOut(BuildingOut):
    footprint: dict[str, Any] | None
    households: int = Field(description="Households registered in the building")


class BuildingPage(Schema):
    count: int = Field(description=COUNTED)
    items: list[BuildingOut]


class PlaceQuery(NamedQuery):
    kind: PlaceKind | None = None


class PlaceIn(InputSchema):
    grid: str = grid_in()
    name: str = Field(min_length=1, max_length=100)
    kind: PlaceKind
    address: str = Field("", max_length=200)
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)


class PlaceOut(Schema):
    id: int
    grid_code: str
    name: str
    kind: PlaceKind
    address: str
    lon: float | None
    lat: float | None


class PlaceChangeIn(InputSchema):
    """Only the fields given change; `lon` and `lat` null (both) remove the location."""

    name: str | None = Field(None, min_length=1, max_length=100)
    kind: PlaceKind | None = None
    address: str | None = Field(None, max_length=200)
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)


class PlacePage(Schema):
    count: int = Field(description=COUNTED)
    items: list[PlaceOut]


class ComponentQuery(NamedQuery):
    major: str | None = Field(None, pattern=r"^\d{2}$", description="Major class, 01–99")


class ComponentIn(InputSchema):
    grid: str = grid_in()
    code: str = Field(
        min_length=1,
        max_length=32,
        description="16 digits: county 6 + major 2 + minor 2 + serial 6 (GB/T 30428)",
    )
    name: str = Field(min_length=1, max_length=100)
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)


class ComponentOut(Schema):
    id: int
    grid_code: str
    code: str
    major: str
    minor: str
    name: str
    lon: float
    lat: float


class ComponentChangeIn(InputSchema):
    """Only the fields given change; the component id stays."""

    name: str | None = Field(None, min_length=1, max_length=100)
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)


class ComponentPage(Schema):
    count: int = Field(description=COUNTED)
    items: list[ComponentOut]


class OrganisationQuery(NamedQuery):
    kind: OrganisationKind | None = None


class OrganisationIn(InputSchema):
    grid: str = grid_in()
    name: str = Field(min_length=1, max_length=150)
    kind: OrganisationKind
    credit_code: str = Field(
        "", max_length=30, description="Unified social credit code, 18 characters (GB 32100)"
    )
    address: str = Field("", max_length=200)
    contact_name: str = Field("", max_length=50)
    phone: str = Field("", max_length=20)


class OrganisationOut(Schema):
    id: int
    grid_code: str
    name: str
    kind: OrganisationKind
    credit_code: str | None
    address: str
    contact_name: str
    phone_masked: str


class OrganisationChangeIn(InputSchema):
    """Only the fields given change; `phone: ""` removes the phone."""

    name: str | None = Field(None, min_length=1, max_length=150)
    kind: OrganisationKind | None = None
    credit_code: str | None = Field(None, max_length=30)
    address: str | None = Field(None, max_length=200)
    contact_name: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=20)


class OrganisationPage(Schema):
    count: int = Field(description=COUNTED)
    items: list[OrganisationOut]


# ---------------------------------------------------------------- access log


class AccessLogQuery(PageIn):
    actor: str | None = Field(None, max_length=150, description="Username of who looked")
    resident: uuid.UUID | None = Field(None, description="Whose data (public_id)")
    since: dt.date | None = Field(None, description="From this day (inclusive)")
    until: dt.date | None = Field(None, description="To this day (inclusive)")


class AccessLogOut(Schema):
    at: dt.datetime
    actor: str = Field(description="Username of who looked")
    resident: uuid.UUID | None
    id_masked: str | None = Field(description="Whose: the resident's masked ID number")
    grid_code: str
    field: str
    reason: str
    channel: str


class AccessLogPage(Schema):
    count: int = Field(description=COUNTED)
    items: list[AccessLogOut]
