"""Residents: registering, correcting (also by a caller who sees only masks), moving out, in
or between households, and recording a death.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core import models as audit
from gridgov.core.errors import ServiceError
from gridgov.core.lib import crypto, pinyin
from gridgov.core.scope import in_scope

from ..choices import DocumentType, Relation, ResidenceStatus, ResidentEventKind, ResidentStatus
from ..models import Household, Resident, ResidentEvent, Tag
from .common import _choices, _invalid, require
from .personal import Identity, identity, phone_fields


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
