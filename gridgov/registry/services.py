"""Every change to the registry: one action, one transaction, one audit row.

Audit rows carry ids and masked values only (DESIGN idea 6); unmasked reads go through
`reveal`, which needs its own right and a reason and writes an AccessLog row.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core import models as audit
from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.lib import components as componentlib
from gridgov.core.lib import crypto, idnumbers, phones, pinyin, uscc
from gridgov.core.scope import in_scope
from gridgov.grids.models import Grid

from .choices import (
    DocumentType,
    HouseholdType,
    OrganisationKind,
    PlaceKind,
    Relation,
    ResidenceStatus,
    ResidentEventKind,
    ResidentStatus,
    TagKind,
)
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


@cache
def _choices(choices: Any) -> frozenset[str]:
    """The values of a choices class, once: `.values` builds a new list on every call,
    which was a tenth of a 100,000-row import's checking."""
    return frozenset(choices.values)


def _invalid(code: str, message: Any, field: str) -> ServiceError:
    return ServiceError(code, message, field=field, status=422)


def require(actor: Any, grid_code: str, right: str) -> None:
    """404 outside the actor's scope, 403 inside it without `right`."""
    if not in_scope(actor, grid_code):
        raise NotFound(_("Not found."))
    if not in_scope(actor, grid_code, right):
        raise Forbidden(_("You may not do this here."))


def grid_for_registry(actor: Any, code: str, field: str = "grid") -> Grid:
    """A current grid-level grid of the comprehensive network the actor may register in."""
    grid = (
        Grid.objects.current()
        .visible_to(actor)
        .select_related("network")
        .filter(code=code, network__slug="comprehensive")
        .first()
    )
    if grid is None:
        raise NotFound(_("No grid with code %(code)s.") % {"code": code}, field=field)
    if not grid.is_grid_level:
        raise _invalid(
            "not_a_grid",
            _("Records are filed under a grid, not a %(level)s.") % {"level": grid.level_name},
            field,
        )
    require(actor, grid.code, Right.CHANGE_REGISTRY)
    return grid


# ---------------------------------------------------------------- personal data


@dataclass(frozen=True)
class Identity:
    """A validated identity document: what a Resident row stores of it."""

    document_type: str
    enc: str
    hash: str
    masked: str
    birth_date: dt.date | None
    sex: str | None


def identity(document_type: str, number: str, field: str = "id_number") -> Identity:
    number = unicodedata.normalize("NFKC", number or "").strip().upper()
    if not number:
        raise _invalid("id_required", _("The ID number is required."), field)
    if document_type not in _choices(DocumentType):
        raise _invalid("invalid_document_type", _("Unknown document type."), "document_type")
    birth: dt.date | None = None
    sex: str | None = None
    if document_type == DocumentType.RESIDENT_ID:
        try:
            birth, sex = idnumbers.parse(number)
        except idnumbers.IdNumberError as e:
            raise _invalid("invalid_id_number", e.message, field) from None
    elif len(number) < 5 or len(number) > 30 or not number.isalnum():
        raise _invalid(
            "invalid_document_number",
            _("A document number has 5 to 30 letters and digits."),
            field,
        )
    return Identity(
        document_type, crypto.encrypt(number), crypto.lookup_hash(number),
        idnumbers.mask(number), birth, sex,
    )  # fmt: skip


def phone_fields(raw: str | None, field: str = "phone") -> tuple[str, str, str]:
    """(encrypted, hash, masked) of a phone number; three empty strings for none."""
    if not raw or not raw.strip():
        return "", "", ""
    try:
        number = phones.normalise(raw)
    except phones.PhoneError as e:
        raise _invalid("invalid_phone", e.message, field) from None
    return crypto.encrypt(number), crypto.lookup_hash(number), phones.mask(number)


def reveal(*, actor: Any, resident: Resident, field: str, reason: str, channel: str = "web") -> str:
    """The unmasked ID number or phone of a resident, for an actor with the right, logged."""
    require(actor, resident.grid_code, Right.REVEAL)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise _invalid("reason_required", _("Say why you need to see it."), "reason")
    if field == "id_number":
        token = resident.id_number_enc
    elif field == "phone":
        token = resident.phone_enc
    else:
        raise _invalid("invalid_field", _("Only ID numbers and phones are masked."), "field")
    AccessLog.objects.create(
        actor=actor, resident=resident, grid_code=resident.grid_code, field=field,
        reason=reason[:200], channel=channel,
    )  # fmt: skip
    return crypto.decrypt(token) if token else ""


# ---------------------------------------------------------------- households


@transaction.atomic
def register_household(
    *,
    actor: Any,
    grid_code: str,
    address: str,
    household_type: str,
    building_code: str | None = None,
    unit: str = "",
    floor: int | None = None,
    room: str = "",
) -> Household:
    grid = grid_for_registry(actor, grid_code)
    address = (address or "").strip()
    if not address:
        raise _invalid("address_required", _("The address is required."), "address")
    if household_type not in _choices(HouseholdType):
        raise _invalid("invalid_household_type", _("Unknown household type."), "household_type")
    building = None
    if building_code:
        building = Building.objects.filter(code=building_code, grid=grid).first()
        if building is None:
            raise _invalid(
                "invalid_building", _("No building with this code in the grid."), "building"
            )
    if building is not None and floor is not None and not 1 <= floor <= building.floors:
        raise _invalid("floor_outside_building", floor_problem(building.floors), "floor")
    household = Household.objects.create(
        grid=grid, grid_code=grid.code, building=building, address=address[:200],
        unit=unit[:10], floor=floor, room=room[:20], household_type=household_type,
    )  # fmt: skip
    audit.record(
        actor=actor, action="household.create", object_type="household",
        object_key=str(household.public_id), after={"grid": grid.code, "type": household_type},
    )  # fmt: skip
    return household


def floor_problem(floors: int) -> str:
    """Why a household's floor is refused: its building has floors 1 to `floors`."""
    return _("The building has floors 1 to %(floors)s.") % {"floors": floors}


# ---------------------------------------------------------------- residents


@dataclass
class ResidentIn:
    """What a person types (or a spreadsheet row holds) about a resident."""

    name: str
    id_number: str
    relation: str
    document_type: str = DocumentType.RESIDENT_ID
    phone: str = ""
    residence_status: str = ResidenceStatus.REGISTERED
    floating_until: dt.date | None = None
    nationality: str = ""
    party_member: bool = False
    birth_date: dt.date | None = None  # only for documents that do not carry it
    sex: str = ""  # likewise


def _checked(data: ResidentIn) -> tuple[Identity, tuple[str, str, str], dt.date, str]:
    name = (data.name or "").strip()
    if not name:
        raise _invalid("name_required", _("The name is required."), "name")
    if len(name) > 50:
        raise _invalid("name_too_long", _("A name has at most 50 characters."), "name")
    if data.relation not in _choices(Relation):
        raise _invalid("invalid_relation", _("Unknown relation to the head."), "relation")
    if data.residence_status not in _choices(ResidenceStatus):
        raise _invalid(
            "invalid_residence_status", _("Unknown residence status."), "residence_status"
        )
    if data.residence_status == ResidenceStatus.FOREIGN:
        if data.document_type == DocumentType.RESIDENT_ID:
            raise _invalid(
                "invalid_document_type",
                _("A foreign national is registered with a passport or permanent residence ID."),
                "document_type",
            )
        if not data.nationality.strip():
            raise _invalid("nationality_required", _("The nationality is required."), "nationality")
    ident = identity(data.document_type, data.id_number)
    birth = ident.birth_date or data.birth_date
    sex = ident.sex or data.sex
    if birth is None:
        raise _invalid("birth_date_required", _("The birth date is required."), "birth_date")
    if birth > timezone.localdate():
        raise _invalid("birth_date_future", _("The birth date is in the future."), "birth_date")
    if sex not in ("m", "f"):
        raise _invalid("sex_required", _("The sex is required."), "sex")
    return ident, phone_fields(data.phone), birth, sex


def _snapshot(r: Resident) -> dict[str, Any]:
    return {
        "name": r.name, "id": r.id_masked, "phone": r.phone_masked, "relation": r.relation,
        "residence_status": r.residence_status, "status": r.status,
        "household": str(r.household.public_id) if r.household else None,
    }  # fmt: skip


def known_person(actor: Any, person: Resident) -> tuple[str, str]:
    """(code, message) refusing to register again a person already in the registry.

    Where they live and whether they died are said only to someone whose scope holds
    them: anyone may learn that an ID number is registered (one row per person makes
    that unavoidable), but not where that person is."""
    if not in_scope(actor, person.grid_code):
        return "already_registered", _(
            "This ID number is already registered outside your area. Ask the grid where the "
            "person lives, or an administrator."
        )
    if person.status == ResidentStatus.ACTIVE:
        return "already_registered", _(
            "This person already lives in another household (%(where)s)."
        ) % {"where": person.grid_code}
    if person.status == ResidentStatus.DECEASED:
        return "known_person", _("This person is recorded as deceased.")
    return "known_person", _(
        "This person was registered before; move them in instead of adding them again."
    )


@transaction.atomic
def add_resident(
    *, actor: Any, household: Household, data: ResidentIn, date: dt.date | None = None
) -> Resident:
    """Register a person into a household. A person already living in another household
    is refused (409): moving is `move_resident`."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    require(actor, household.grid_code, Right.CHANGE_REGISTRY)
    ident, (phone_enc, phone_hash, phone_masked), birth, sex = _checked(data)
    existing = Resident.objects.filter(id_number_hash=ident.hash).first()
    if existing is not None:
        code, message = known_person(actor, existing)
        raise ServiceError(code, message, field="id_number", status=409)
    full, initials = pinyin.keys(data.name)
    try:
        with transaction.atomic():
            resident = Resident.objects.create(
                household=household, grid_code=household.grid_code, name=data.name.strip(),
                name_pinyin=full, name_initials=initials, document_type=ident.document_type,
                id_number_enc=ident.enc, id_number_hash=ident.hash, id_masked=ident.masked,
                id_tail=ident.masked[-4:], phone_tail=phone_masked[-4:],
                birth_date=birth, sex=sex, phone_enc=phone_enc, phone_hash=phone_hash,
                phone_masked=phone_masked, relation=data.relation,
                residence_status=data.residence_status, floating_until=data.floating_until,
                nationality=data.nationality.strip()[:60], party_member=data.party_member,
            )  # fmt: skip
    except IntegrityError:
        # Another request registered the same number between our check and the insert.
        raise ServiceError(
            "already_registered", _("This ID number is already registered."), field="id_number",
            status=409,
        ) from None  # fmt: skip
    Household.objects.filter(pk=household.pk).update(member_count=F("member_count") + 1)
    ResidentEvent.objects.create(
        resident=resident, kind=ResidentEventKind.MOVE_IN, date=date or timezone.localdate(),
        to_household=household, actor=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    audit.record(
        actor=actor, action="resident.create", object_type="resident",
        object_key=str(resident.public_id), after=_snapshot(resident),
    )  # fmt: skip
    return resident


@transaction.atomic
def update_resident(*, actor: Any, resident: Resident, data: ResidentIn) -> Resident:
    """Correct what is known of a resident; an ID number change is a correction event."""
    # of=self: PostgreSQL cannot lock the nullable side of the household outer join.
    resident = (
        Resident.objects.select_for_update(of=("self",))
        .select_related("household")
        .get(pk=resident.pk)
    )
    require(actor, resident.grid_code, Right.CHANGE_REGISTRY)
    before = _snapshot(resident)
    ident, (phone_enc, phone_hash, phone_masked), birth, sex = _checked(data)
    if ident.hash != resident.id_number_hash:
        if Resident.objects.filter(id_number_hash=ident.hash).exclude(pk=resident.pk).exists():
            raise ServiceError(
                "already_registered",
                _("Another resident has this ID number."),
                field="id_number",
                status=409,
            )
        resident.id_number_enc, resident.id_number_hash = ident.enc, ident.hash
        resident.id_masked, resident.id_tail = ident.masked, ident.masked[-4:]
        ResidentEvent.objects.create(
            resident=resident, kind=ResidentEventKind.CORRECTION, date=timezone.localdate(),
            note="id_number", actor=actor,
        )  # fmt: skip
    resident.name = data.name.strip()
    resident.name_pinyin, resident.name_initials = pinyin.keys(resident.name)
    resident.document_type = ident.document_type
    resident.birth_date, resident.sex = birth, sex
    resident.phone_enc, resident.phone_hash, resident.phone_masked = (
        phone_enc, phone_hash, phone_masked,
    )  # fmt: skip
    resident.phone_tail = phone_masked[-4:]
    resident.relation = data.relation
    resident.residence_status = data.residence_status
    resident.floating_until = data.floating_until
    resident.nationality = data.nationality.strip()[:60]
    resident.party_member = data.party_member
    resident.save()
    audit.record(
        actor=actor, action="resident.update", object_type="resident",
        object_key=str(resident.public_id), before=before, after=_snapshot(resident),
    )  # fmt: skip
    return resident


def _lock_pair(
    resident: Resident, household: Household | None
) -> tuple[Resident, Household | None]:
    # Households before residents, by id: two moves between the same households cannot
    # wait on each other.
    ids = sorted({h for h in (resident.household_id, household.pk if household else None) if h})
    locked = {
        h.pk: h for h in Household.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    fresh = Resident.objects.select_for_update().get(pk=resident.pk)
    return fresh, locked.get(household.pk) if household else None


@transaction.atomic
def move_resident(
    *,
    actor: Any,
    resident: Resident,
    to: Household | None,
    date: dt.date,
    note: str = "",
    kind: str | None = None,
) -> Resident:
    """Move a resident to another household, out of the area (`to` None) or record a death
    (`kind` = death). Member counts move with them, in this transaction."""
    resident, target = _lock_pair(resident, to)
    require(actor, resident.grid_code, Right.CHANGE_REGISTRY)
    if target is not None:
        require(actor, target.grid_code, Right.CHANGE_REGISTRY)
    if date > timezone.localdate():
        raise _invalid("date_future", _("The date is in the future."), "date")
    if resident.status != ResidentStatus.ACTIVE and kind != ResidentEventKind.MOVE_IN:
        if target is None:
            raise ServiceError("not_active", _("This resident no longer lives here."), status=409)
        kind = ResidentEventKind.MOVE_IN
    if target is not None and target.pk == resident.household_id:
        raise _invalid("same_household", _("The resident already lives in this household."), "to")
    before = _snapshot(resident)
    source = resident.household_id if resident.status == ResidentStatus.ACTIVE else None
    if kind is None:
        kind = ResidentEventKind.TRANSFER if target is not None else ResidentEventKind.MOVE_OUT
    if kind in (ResidentEventKind.DEATH, ResidentEventKind.MOVE_OUT) and target is not None:
        raise _invalid(
            "no_household_expected",
            _("A move out of the area or a death has no household to go to."),
            "to",
        )
    if source is not None:
        Household.objects.filter(pk=source).update(member_count=F("member_count") - 1)
    if target is not None:
        Household.objects.filter(pk=target.pk).update(member_count=F("member_count") + 1)
        resident.household, resident.grid_code = target, target.grid_code
        resident.status = ResidentStatus.ACTIVE
        # A person's tags are filed where the person lives: scope and 四清 follow them.
        Tag.objects.filter(resident=resident).update(grid_code=target.grid_code)
    else:
        resident.household = None
        resident.status = (
            ResidentStatus.DECEASED if kind == ResidentEventKind.DEATH else ResidentStatus.MOVED_OUT
        )
    resident.save(update_fields=["household", "grid_code", "status", "updated_at"])
    ResidentEvent.objects.create(
        resident=resident, kind=kind, date=date, from_household_id=source,
        to_household=target, note=note[:200], actor=actor,
    )  # fmt: skip
    audit.record(
        actor=actor, action=f"resident.{kind}", object_type="resident",
        object_key=str(resident.public_id), before=before, after=_snapshot(resident), note=note,
    )  # fmt: skip
    return resident


# ---------------------------------------------------------------- tags


# A tag field holding a phone: stored encrypted (key + "_enc", re-encrypted by
# `gridgov rotate_keys`) and masked (key); shown masked only (ADR 0005).
PHONE = "phone"

# The fields a tag of each kind carries of its own (R-REG-2): their allowed values, None for
# free text, or PHONE. No field holds a document number: a disability certificate number
# is the holder's ID number + two digits (category, grade), which are fields of their own.
TAG_DETAILS: dict[str, dict[str, tuple[str, ...] | str | None]] = {
    TagKind.HARDSHIP: {"assistance": ("minimum_living", "extreme_poverty", "low_income", "other")},
    TagKind.DISABILITY: {"category": ("visual", "hearing", "speech", "physical", "intellectual",
                                      "mental", "multiple"),
                         "grade": ("1", "2", "3", "4")},
    TagKind.LEFT_BEHIND_CHILD: {"guardian": None, "guardian_phone": PHONE,
                                "parents_work_in": None},
    TagKind.ELDERLY_ALONE: {"emergency_contact": None, "emergency_contact_phone": PHONE},
    TagKind.EMPTY_NEST: {"emergency_contact": None, "emergency_contact_phone": PHONE},
    TagKind.SPECIAL_GROUP: {"group": ("community_correction", "released_prisoner", "drug_user",
                                      "mental_illness", "petitioner", "other")},
    TagKind.UNEMPLOYED: {"since": None, "registered": ("yes", "no")},
    TagKind.FLOATING: {"from_place": None},
    TagKind.FOREIGNER: {"purpose": None},
}  # fmt: skip

# Seven digits in a row in free text: a phone or document number, which belongs in a field
# that encrypts it, never in clear text.
_NUMBER_IN_TEXT = re.compile(r"\d{7,}")


def number_in_text(text: str) -> bool:
    """Whether free text holds a phone or document number (seven digits or more, spaces and
    dashes between them ignored): the rule of every clear-text field about people."""
    return bool(_NUMBER_IN_TEXT.search(re.sub(r"[\s\-]", "", text)))


def shown_details(details: dict[str, Any] | None) -> dict[str, str]:
    """A tag's details as they may be shown: phones masked, never their ciphertext."""
    return {k: v for k, v in (details or {}).items() if not k.endswith("_enc")}


def same_details(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Whether two tags' details say the same: encrypted phones are compared decrypted
    (each encryption of a number differs); an unreadable one differs from anything."""

    def comparable(d: dict[str, Any] | None) -> dict[str, Any]:
        out = {}
        for k, v in (d or {}).items():
            if k.endswith("_enc"):
                try:
                    v = crypto.decrypt(v)
                except crypto.DecryptionError:
                    v = object()  # equal to nothing
            out[k] = v
        return out

    return comparable(a) == comparable(b)


def _details(kind: str, details: dict[str, Any]) -> dict[str, str]:
    allowed = TAG_DETAILS.get(kind, {})
    out = {}
    for key, value in (details or {}).items():
        if key not in allowed:
            raise _invalid("invalid_detail", _("A %(kind)s tag has no field %(key)s.")
                           % {"kind": kind, "key": key}, f"details.{key}")  # fmt: skip
        choices = allowed[key]
        text = unicodedata.normalize("NFKC", str(value)).strip()[:100]
        if choices == PHONE:
            enc, _hash, masked = phone_fields(text, field=f"details.{key}")
            if masked:  # no lookup hash: no one is found by a contact's phone
                out.update({key: masked, f"{key}_enc": enc})
            continue
        if choices is None:
            if number_in_text(text):
                raise _invalid(
                    "number_in_text",
                    _("Phone and ID numbers are not written here (this field is not "
                      "encrypted); a phone goes into its own field."),
                    f"details.{key}",
                )  # fmt: skip
        elif text not in choices:
            raise _invalid(
                "invalid_detail",
                _("%(key)s must be one of: %(choices)s.")
                % {"key": key, "choices": ", ".join(choices)},
                f"details.{key}",
            )
        out[key] = text
    return out


@transaction.atomic
def add_tag(
    *,
    actor: Any,
    kind: str,
    start: dt.date,
    resident: Resident | None = None,
    household: Household | None = None,
    end: dt.date | None = None,
    details: dict[str, Any] | None = None,
) -> Tag:
    if (resident is None) == (household is None):
        raise _invalid(
            "subject_required", _("A tag is on a resident or on a household."), "subject"
        )
    subject = resident or household
    assert subject is not None
    require(actor, subject.grid_code, Right.CHANGE_REGISTRY)
    if kind not in _choices(TagKind):
        raise _invalid("invalid_tag", _("Unknown tag."), "kind")
    if end is not None and end < start:
        raise _invalid("end_before_start", _("A tag cannot end before it starts."), "end")
    tag = Tag.objects.create(
        resident=resident, household=household, grid_code=subject.grid_code, kind=kind,
        start=start, end=end, details=_details(kind, details or {}),
        reviewed_at=timezone.localdate(),
    )  # fmt: skip
    audit.record(
        actor=actor, action="tag.create", object_type="tag", object_key=str(tag.pk),
        after={"kind": kind, "start": start.isoformat(), "grid": tag.grid_code},
    )  # fmt: skip
    return tag


@transaction.atomic
def review_tag(*, actor: Any, tag: Tag, end: dt.date | None = None) -> Tag:
    """Confirm a tag still holds (today), or end it."""
    tag = Tag.objects.select_for_update().get(pk=tag.pk)
    require(actor, tag.grid_code, Right.CHANGE_REGISTRY)
    if end is not None and end < tag.start:
        raise _invalid("end_before_start", _("A tag cannot end before it starts."), "end")
    tag.reviewed_at = timezone.localdate()
    tag.end = end if end is not None else tag.end
    tag.save(update_fields=["reviewed_at", "end", "updated_at"])
    audit.record(
        actor=actor, action="tag.review", object_type="tag", object_key=str(tag.pk),
        after={"end": tag.end.isoformat() if tag.end else None},
    )  # fmt: skip
    return tag


# ---------------------------------------------------------------- places, components, units


def _place_fields(
    grid: Grid, name: str, kind: str, address: str, lon: float | None, lat: float | None,
    was: Place | None = None,
) -> dict[str, Any]:  # fmt: skip
    """A place's fields as stored, or the first problem."""
    if not (name or "").strip():
        raise _invalid("name_required", _("A name is required."), "name")
    if kind not in _choices(PlaceKind):
        raise _invalid("invalid_kind", _("Unknown kind."), "kind")
    if (lon is None) != (lat is None):
        missing = "lat" if lat is None else "lon"
        raise _invalid("half_a_location", _("Give both longitude and latitude, or neither."),
                       missing)  # fmt: skip
    if lon is not None and lat is not None and (was is None or _moved(was, lon, lat)):
        _check_location(grid, lon, lat)
    return {"name": name.strip()[:100], "kind": kind, "address": (address or "").strip()[:200],
            "lon": lon, "lat": lat}  # fmt: skip


@transaction.atomic
def register_place(
    *,
    actor: Any,
    grid_code: str,
    name: str,
    kind: str,
    address: str = "",
    lon: float | None = None,
    lat: float | None = None,
) -> Place:
    grid = grid_for_registry(actor, grid_code)
    fields = _place_fields(grid, name, kind, address, lon, lat)
    place = Place.objects.create(grid=grid, grid_code=grid.code, **fields)
    audit.record(actor=actor, action="place.create", object_type="place",
                 object_key=str(place.pk), after={"grid": grid.code, "kind": kind})  # fmt: skip
    return place


@transaction.atomic
def update_place(
    *, actor: Any, place: Place, name: str, kind: str, address: str = "",
    lon: float | None = None, lat: float | None = None,
) -> Place:  # fmt: skip
    """Correct a place; it stays in its grid."""
    place = Place.objects.select_for_update().select_related("grid").get(pk=place.pk)
    require(actor, place.grid_code, Right.CHANGE_REGISTRY)
    fields = _place_fields(place.grid, name, kind, address, lon, lat, was=place)
    return _changed(actor, place, "place", str(place.pk), fields)


def _moved(was: Any, lon: float | None, lat: float | None) -> bool:
    """Whether a record's location would change: not when a form sends back the stored one
    rounded (to 6 decimals, a tenth of a metre). An unchanged location is not checked
    again, so a grid redrawn since does not keep its records from being corrected."""
    return _differs(was.lon, lon) or _differs(was.lat, lat)


def _differs(old: Any, new: Any) -> bool:
    if isinstance(old, float) and isinstance(new, float):
        return abs(old - new) > 1e-6
    return bool(old != new)


def _changed(
    actor: Any, obj: Any, kind: str, key: str, fields: dict[str, Any],
    shown: Iterable[str] | None = None,
) -> Any:  # fmt: skip
    """Save the `fields` that differ onto `obj` (a coordinate within 1e-6 of the stored one
    keeps the stored one), and record before/after of them (or of the attributes named in
    `shown`: a masked phone rather than its ciphertext)."""
    changed = {k: v for k, v in fields.items() if _differs(getattr(obj, k), v)}
    if not changed:
        return obj
    names = list(shown) if shown is not None else list(fields)
    before = {k: getattr(obj, k) for k in names}
    for name, value in changed.items():
        setattr(obj, name, value)
    obj.save(update_fields=[*changed, "updated_at"])
    audit.record(actor=actor, action=f"{kind}.update", object_type=kind, object_key=key,
                 before=before, after={k: getattr(obj, k) for k in names})  # fmt: skip
    return obj


def _component_fields(
    grid: Grid, name: str, lon: float, lat: float, was: Component | None = None
) -> dict[str, Any]:
    """A component's name and location as stored, or the first problem."""
    if not (name or "").strip():
        raise _invalid("name_required", _("A name is required."), "name")
    if was is None or _moved(was, lon, lat):
        _check_location(grid, lon, lat)
    return {"name": name.strip()[:100], "lon": lon, "lat": lat}


@transaction.atomic
def register_component(
    *, actor: Any, grid_code: str, code: str, name: str, lon: float, lat: float
) -> Component:
    grid = grid_for_registry(actor, grid_code)
    fields = _component_fields(grid, name, lon, lat)
    code = (code or "").strip()
    try:
        _county, major, minor, _serial = componentlib.validate(code, county=grid.code[:6])
    except componentlib.ComponentCodeError as e:
        raise _invalid("invalid_component_code", e.message, "code") from None
    if Component.objects.filter(code=code).exists():
        raise ServiceError("duplicate_code", _("This component id is taken."), field="code",
                           status=409)  # fmt: skip
    try:
        with transaction.atomic():
            component = Component.objects.create(
                grid=grid, grid_code=grid.code, code=code, major=major, minor=minor, **fields
            )
    except IntegrityError:  # registered by another request since the check above
        raise ServiceError("duplicate_code", _("This component id is taken."), field="code",
                           status=409) from None  # fmt: skip
    audit.record(actor=actor, action="component.create", object_type="component",
                 object_key=code, after={"grid": grid.code})  # fmt: skip
    return component


@transaction.atomic
def update_component(
    *, actor: Any, component: Component, name: str, lon: float, lat: float
) -> Component:
    """Correct a component's name or location; its id (county, class, serial) stays: a
    component registered under the wrong class is registered again under the right one."""
    component = Component.objects.select_for_update().select_related("grid").get(pk=component.pk)
    require(actor, component.grid_code, Right.CHANGE_REGISTRY)
    fields = _component_fields(component.grid, name, lon, lat, was=component)
    return _changed(actor, component, "component", component.code, fields)  # type: ignore[no-any-return]


def _organisation_fields(
    name: str, kind: str, credit_code: str, address: str, contact_name: str,
    exclude: int | None = None,
) -> dict[str, Any]:  # fmt: skip
    """An organisation's fields as stored (but the phone), or the first problem."""
    if not (name or "").strip():
        raise _invalid("name_required", _("A name is required."), "name")
    if kind not in _choices(OrganisationKind):
        raise _invalid("invalid_kind", _("Unknown kind."), "kind")
    code = None
    if (credit_code or "").strip():
        try:
            code = uscc.validate(credit_code)
        except uscc.CreditCodeError as e:
            raise _invalid("invalid_credit_code", e.message, "credit_code") from None
        others = Organisation.objects.filter(credit_code=code)
        if exclude is not None:
            others = others.exclude(pk=exclude)
        if others.exists():
            raise _taken_credit_code()
    return {"name": name.strip()[:150], "kind": kind, "credit_code": code,
            "address": (address or "").strip()[:200],
            "contact_name": (contact_name or "").strip()[:50]}  # fmt: skip


def _taken_credit_code() -> ServiceError:
    return ServiceError("duplicate_credit_code", _("This credit code is registered."),
                        field="credit_code", status=409)  # fmt: skip


@transaction.atomic
def register_organisation(
    *,
    actor: Any,
    grid_code: str,
    name: str,
    kind: str,
    credit_code: str = "",
    address: str = "",
    contact_name: str = "",
    phone: str = "",
) -> Organisation:
    grid = grid_for_registry(actor, grid_code)
    fields = _organisation_fields(name, kind, credit_code, address, contact_name)
    phone_enc, _hash, phone_masked = phone_fields(phone)
    try:
        with transaction.atomic():
            org = Organisation.objects.create(
                grid=grid, grid_code=grid.code, phone_enc=phone_enc, phone_masked=phone_masked,
                **fields,
            )  # fmt: skip
    except IntegrityError:  # registered by another request since the check above
        raise _taken_credit_code() from None
    audit.record(actor=actor, action="organisation.create", object_type="organisation",
                 object_key=str(org.pk), after={"grid": grid.code, "kind": kind})  # fmt: skip
    return org


@transaction.atomic
def update_organisation(
    *, actor: Any, organisation: Organisation, name: str, kind: str, credit_code: str = "",
    address: str = "", contact_name: str = "", phone: str | None = None,
) -> Organisation:  # fmt: skip
    """Correct an organisation; it stays in its grid. `phone`: None keeps the stored one
    (a caller who sees only the mask), "" removes it. History shows the phone masked."""
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    require(actor, org.grid_code, Right.CHANGE_REGISTRY)
    fields = _organisation_fields(name, kind, credit_code, address, contact_name, exclude=org.pk)
    shown = [*fields, "phone_masked"]
    if phone is not None:
        phone_enc, _hash, phone_masked = phone_fields(phone)
        # A new ciphertext of the same number is no change (each encryption differs).
        try:
            same = (crypto.decrypt(org.phone_enc) if org.phone_enc else "") == (
                crypto.decrypt(phone_enc) if phone_enc else ""
            )
        except crypto.DecryptionError:  # the stored one is unreadable: replace it
            same = False
        if not same:
            fields.update(phone_enc=phone_enc, phone_masked=phone_masked)
    try:
        with transaction.atomic():
            return _changed(actor, org, "organisation", str(org.pk), fields, shown)  # type: ignore[no-any-return]
    except IntegrityError:  # the credit code was registered by another request meanwhile
        raise _taken_credit_code() from None


def check_member_counts(grid_code: str = "") -> list[tuple[int, int, int]]:
    """Households whose cached member count differs from a COUNT: (id, cached, counted)."""
    from django.db.models import Count, Q

    qs = Household.objects.filter(grid_code__startswith=grid_code).annotate(
        counted=Count("residents", filter=Q(residents__status=ResidentStatus.ACTIVE))
    )
    return [(h.pk, h.member_count, h.counted) for h in qs if h.member_count != h.counted]


# ---------------------------------------------------------------- edits by callers who see masks


@transaction.atomic
def update_resident_keeping(
    *,
    actor: Any,
    resident: Resident,
    data: ResidentIn,
    keep_id_number: bool = False,
    keep_phone: bool = False,
) -> Resident:
    """`update_resident` for a caller who holds only the masked values (the API, the edit
    page): the ID number and phone it does not send (`keep_*`) stay as stored. They are
    decrypted here only to pass the same validation again and never leave this function,
    so this is not a read of personal data and writes no AccessLog row."""
    from dataclasses import replace

    fresh = Resident.objects.select_for_update().get(pk=resident.pk)
    # The right before any decryption.
    require(actor, fresh.grid_code, Right.CHANGE_REGISTRY)
    if keep_id_number:
        data = replace(data, id_number=crypto.decrypt(fresh.id_number_enc))
    if keep_phone:
        data = replace(data, phone=crypto.decrypt(fresh.phone_enc) if fresh.phone_enc else "")
    return update_resident(actor=actor, resident=fresh, data=data)


@dataclass(frozen=True)
class BuildingIn:
    """What is said of a building, for registering or correcting it."""

    name: str
    lon: float
    lat: float
    floors: int = 1
    units: int = 1
    footprint: Any = None  # a GeoJSON Polygon (dict or text), or None


def _checked_building(
    grid: Grid, data: BuildingIn, was: Building | None = None
) -> tuple[str, dict[str, Any] | None]:
    """The building's cleaned name and footprint (stored GeoJSON), or the first problem:
    located inside its grid (within the boundary tolerance), footprint too."""
    from gridgov.core.lib import geo

    name = (data.name or "").strip()
    if not name:
        raise _invalid("name_required", _("A name is required."), "name")
    if len(name) > 100:
        raise _invalid("name_too_long", _("A name is at most 100 characters."), "name")
    if not 1 <= data.floors <= 200:
        raise _invalid("invalid_floors", _("Floors are 1 to 200."), "floors")
    if not 1 <= data.units <= 99:
        raise _invalid("invalid_units", _("Units are 1 to 99."), "units")
    shape = None
    if data.footprint not in (None, ""):
        try:
            shape = geo.parse_boundary(data.footprint)
        except geo.GeometryError as e:
            raise _invalid("invalid_footprint", e.message, "footprint") from None
    if was is None or _moved(was, data.lon, data.lat):
        _check_location(grid, data.lon, data.lat)
    footprint = geo.to_geojson(shape) if shape is not None else None
    if grid.boundary and shape is not None and (was is None or footprint != was.footprint):
        outside = geo.outside_part(shape, grid.geometry, settings.GRID_BOUNDARY_TOLERANCE_M)
        if not outside.is_empty and geo.area_m2(outside) > 0:
            raise _invalid(
                "outside_grid",
                _("The footprint reaches outside grid %(code)s.") % {"code": grid.code},
                "footprint",
            )
    return name, footprint


def _check_location(grid: Grid, lon: float, lat: float) -> None:
    """A point in range and inside the grid (within the boundary tolerance)."""
    from shapely.geometry import Point

    from gridgov.core.lib import geo

    if not (-180 <= lon <= 180):
        raise _invalid("invalid_location", _("The location is out of range."), "lon")
    if not (-90 <= lat <= 90):
        raise _invalid("invalid_location", _("The location is out of range."), "lat")
    if grid.boundary:
        outside = geo.outside_part(
            Point(lon, lat), grid.geometry, settings.GRID_BOUNDARY_TOLERANCE_M
        )
        if not outside.is_empty:
            raise _invalid(
                "outside_grid", _("The location is outside grid %(code)s.") % {"code": grid.code},
                "lon",
            )  # fmt: skip


@transaction.atomic
def register_building(*, actor: Any, grid_code: str, data: BuildingIn) -> Building:
    """A building (樓棟) in a grid, at a point inside it, optionally with its footprint.

    Its code is the grid's code + the next 5-digit sequence ever used in the grid (codes of
    buildings are never reused, like grid codes)."""
    grid = grid_for_registry(actor, grid_code)
    # Lock the grid row: two registrations in one grid take sequences one after the other.
    Grid.objects.select_for_update(of=("self",)).filter(pk=grid.pk).first()
    name, footprint = _checked_building(grid, data)
    last = (
        Building.objects.filter(grid_code=grid.code, code__startswith=grid.code)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    sequence = int(last[len(grid.code) :]) + 1 if last else 1
    if sequence > 99_999:
        raise ServiceError("no_free_code", _("No free building code is left in this grid."),
                           field="grid", status=409)  # fmt: skip
    building = Building.objects.create(
        grid=grid, grid_code=grid.code, code=f"{grid.code}{sequence:05d}", name=name,
        lon=data.lon, lat=data.lat, floors=data.floors, units=data.units, footprint=footprint,
    )  # fmt: skip
    audit.record(actor=actor, action="building.create", object_type="building",
                 object_key=building.code, after={"grid": grid.code})  # fmt: skip
    return building


@transaction.atomic
def update_building(*, actor: Any, building: Building, data: BuildingIn) -> Building:
    """Correct a building's name, location, footprint, floors or units. Its code and grid
    stay: a building in the wrong grid is registered again in the right one.

    Households that live on a floor the building would no longer have keep it from
    shrinking (their floor is corrected first)."""
    building = Building.objects.select_for_update().select_related("grid").get(pk=building.pk)
    require(actor, building.grid_code, Right.CHANGE_REGISTRY)
    name, footprint = _checked_building(building.grid, data, was=building)
    highest = (
        building.households.filter(floor__isnull=False)
        .order_by("-floor")
        .values_list("floor", flat=True)
        .first()
    )
    if data.floors < building.floors and highest is not None and highest > data.floors:
        raise ServiceError(
            "households_above",
            _("A household lives on floor %(floor)s; correct it before lowering the floors.")
            % {"floor": highest},
            field="floors",
            status=409,
        )
    fields = {"name": name, "lon": data.lon, "lat": data.lat, "floors": data.floors,
              "units": data.units, "footprint": footprint}  # fmt: skip
    return _changed(actor, building, "building", building.code, fields)  # type: ignore[no-any-return]
