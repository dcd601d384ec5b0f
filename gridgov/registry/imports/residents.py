"""The residents import (kind "residents"): a row checked with the registry's own
validators, then the rows written — residents matched by the lookup hash of their
document number, households created when a row gives their type, people moved in."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core.errors import ServiceError
from gridgov.core.lib import pinyin
from gridgov.core.scope import in_scope

from .. import imports, services, xlsx
from ..choices import DocumentType, ResidenceStatus, ResidentEventKind, ResidentStatus
from ..models import Household, ImportJob, Resident, ResidentEvent, Tag
from ..xlsx import Problem
from .bulk import LOOKUP_CHUNK, WRITE_BATCH, Progress, _grids, _households_at, _ids
from .checks import Vocab, _AtAddress, _Cells

# `insert` is looked up on the package (`imports.insert`) when it is called, so that a
# test that replaces it there (a write that fails) replaces it here too.


@dataclass
class ResidentRow(_AtAddress):
    household_type: str
    data: services.ResidentIn
    ident: services.Identity
    phone: tuple[str, str, str]
    birth: dt.date
    sex: str


# ServiceError fields of services._checked → the columns of the residents layout.
FIELD_KEYS = {
    "name": "name", "relation": "relation", "residence_status": "residence_status",
    "document_type": "document_type", "nationality": "nationality", "id_number": "id_number",
    "birth_date": "birth_date", "sex": "sex", "phone": "phone",
}  # fmt: skip


def check_resident(
    number: int, values: dict[str, Any], vocab: Vocab, problems: list[Problem]
) -> ResidentRow | None:
    c = _Cells(number, values, problems)
    grid = c.grid()
    address = c.text("address", 200, _("The address is required."))
    unit = c.text("unit", 10)
    room = c.text("room", 20)
    household_type = c.get("household_type", vocab.parser("household_type"), "")
    relation = c.get("relation", vocab.parser("relation"), "")
    if not relation and "relation" not in c.bad:
        c.add("relation", _("The relation to the head is required."))
    document_type = c.get("document_type", vocab.parser("document_type"), "")
    id_number = c.get("id_number", xlsx.document_number, "")
    phone = xlsx.text(values.get("phone"))
    data = services.ResidentIn(
        name=xlsx.text(values.get("name")),
        id_number=id_number,
        # A cell already found bad stands in as a valid value, so that the registry's
        # checks below still look at the other cells of the row.
        relation=relation or "other",
        document_type=document_type or DocumentType.RESIDENT_ID,
        phone=phone,
        residence_status=c.get("residence_status", vocab.parser("residence_status"), "")
        or ResidenceStatus.REGISTERED,
        floating_until=c.get("floating_until", xlsx.date),
        nationality=xlsx.text(values.get("nationality"))[:60],
        party_member=bool(c.get("party_member", xlsx.boolean, False)),
        birth_date=c.get("birth_date", xlsx.date),
        sex=c.get("sex", vocab.parser("sex"), ""),
    )
    checked = None
    try:
        checked = services._checked(data)
    except ServiceError as e:
        key = FIELD_KEYS.get(e.field or "", "")
        if key and key not in c.bad:
            c.add(key, str(e.message))
        # _checked stops at its first problem: look at the later cells on their own.
        if e.field not in ("id_number", "birth_date", "sex", "phone") and "id_number" not in c.bad:
            try:
                services.identity(data.document_type, data.id_number)
            except ServiceError as e2:
                c.add("id_number", str(e2.message))
        if e.field != "phone":
            try:
                services.phone_fields(phone)
            except ServiceError as e3:
                c.add("phone", str(e3.message))
    if c.bad or checked is None:
        if not c.bad:  # a refusal without a column: name the row
            c.add("name", _("This row cannot be read."))
        return None
    ident, phone_fields, birth, sex = checked
    return ResidentRow(
        number, grid, address, unit, room, household_type, data, ident, phone_fields, birth, sex
    )


# What an import may change of a resident already in the household.
RESIDENT_FIELDS = (
    "name", "name_pinyin", "name_initials", "relation", "document_type", "birth_date", "sex",
    "phone_enc", "phone_hash", "phone_masked", "phone_tail", "residence_status",
    "floating_until", "nationality", "party_member",
)  # fmt: skip


def _same(p: Resident, r: ResidentRow) -> bool:
    d = r.data
    return (
        p.name == d.name.strip()
        and p.relation == d.relation
        and p.document_type == r.ident.document_type
        and p.birth_date == r.birth
        and p.sex == r.sex
        and p.phone_hash == r.phone[1]
        and p.residence_status == d.residence_status
        and p.floating_until == d.floating_until
        and p.nationality == d.nationality.strip()[:60]
        and p.party_member == d.party_member
    )


def _fill(p: Resident, r: ResidentRow) -> None:
    d = r.data
    name = d.name.strip()
    if name != p.name or not p.name_pinyin:
        p.name_pinyin, p.name_initials = pinyin.keys(name)
    p.name = name
    p.relation = d.relation
    p.document_type = r.ident.document_type
    p.birth_date, p.sex = r.birth, r.sex
    if p.phone_hash != r.phone[1]:
        # The same number keeps its ciphertext: a new nonce would change a row for nothing.
        p.phone_enc, p.phone_hash, p.phone_masked = r.phone
        p.phone_tail = r.phone[2][-4:]
    p.residence_status = d.residence_status
    p.floating_until = d.floating_until
    p.nationality = d.nationality.strip()[:60]
    p.party_member = d.party_member


def _write_residents(
    actor: Any, rows: list[ResidentRow], problems: list[Problem], mode: str, report: Progress
) -> dict[str, int]:
    grids = _grids(actor, rows, problems)
    rows = [r for r in rows if r.grid in grids]
    existing = _households_at({r.key for r in rows})
    people: dict[str, Resident] = {}
    hashes = sorted({r.ident.hash for r in rows})
    for chunk in xlsx.iter_chunks(hashes, LOOKUP_CHUNK):
        for p in Resident.objects.filter(id_number_hash__in=chunk):
            people[str(p.id_number_hash)] = p
    # A household not registered yet is created when any row for it gives its type.
    types = {r.key: r.household_type for r in rows if r.household_type}
    # (row, its household — None when it is to be created —, the person if known)
    plan: list[tuple[ResidentRow, Household | None, Resident | None]] = []
    for r in rows:
        matches = existing.get(r.key, [])
        household = None
        if len(matches) > 1:
            problems.append(Problem(r.row, "address", _(
                "Several registered households have this address; they cannot be told apart "
                "by unit and room.")))  # fmt: skip
            continue
        if matches:
            household = matches[0]
        elif r.key in types:
            r.household_type = types[r.key]
        else:
            problems.append(Problem(r.row, "address", _(
                "No household at this address in grid %(grid)s. Import the households first, "
                "or fill in 户类型 to create it.") % {"grid": r.grid}))  # fmt: skip
            continue
        person = people.get(r.ident.hash)
        if person is not None:
            here = household is not None and person.household_id == household.pk
            # Out of the importer's scope, where they are is not theirs to learn
            # (services.known_person says only that the number is registered).
            if (
                not in_scope(actor, person.grid_code)
                or (person.status == ResidentStatus.ACTIVE and not here)
                or person.status == ResidentStatus.DECEASED
            ):
                _code, message = services.known_person(actor, person)
                problems.append(Problem(r.row, "id_number", message))
                continue
            if person.status != ResidentStatus.ACTIVE and not in_scope(
                actor, person.grid_code, Right.CHANGE_REGISTRY
            ):
                problems.append(Problem(r.row, "id_number", _(
                    "This person was registered before outside your area; they are moved in "
                    "from the resident's page there.")))  # fmt: skip
                continue
        plan.append((r, household, person))
    if problems and mode == ImportJob.Mode.ALL:
        return {}

    now = timezone.now()
    today = timezone.localdate()
    new_households: dict[tuple, Household] = {}
    for r, household, _p in plan:
        if household is None and r.key not in new_households:
            grid = grids[r.grid]
            new_households[r.key] = Household(
                grid=grid, grid_code=grid.code, address=r.address, unit=r.unit, room=r.room,
                household_type=r.household_type,
            )  # fmt: skip
    imports.insert(Household, list(new_households.values()))
    ids = _ids(Household, "public_id", [h.public_id for h in new_households.values()])
    for h in new_households.values():
        h.pk = ids[h.public_id]

    # New people as plain rows for `insert` (no model instances: see there why).
    create: list[dict[str, Any]] = []
    update: list[Resident] = []
    moved_in: list[Resident] = []
    unchanged = 0
    for r, household, person in plan:
        target = household or new_households[r.key]
        if person is None:
            d, ident = r.data, r.ident
            full, initials = pinyin.keys(d.name)
            create.append({
                "public_id": uuid.uuid4(), "created_at": None, "updated_at": None,
                "household_id": target.pk, "grid_code": target.grid_code,
                "name": d.name.strip(), "name_pinyin": full, "name_initials": initials,
                "document_type": ident.document_type, "id_number_enc": ident.enc,
                "id_number_hash": ident.hash, "id_masked": ident.masked,
                "id_tail": ident.masked[-4:], "birth_date": r.birth, "sex": r.sex,
                "phone_enc": r.phone[0], "phone_hash": r.phone[1], "phone_masked": r.phone[2],
                "phone_tail": r.phone[2][-4:], "relation": d.relation,
                "residence_status": d.residence_status, "floating_until": d.floating_until,
                "nationality": d.nationality.strip()[:60], "party_member": d.party_member,
                "status": ResidentStatus.ACTIVE,
            })  # fmt: skip
        elif person.status != ResidentStatus.ACTIVE:
            _fill(person, r)
            person.household, person.grid_code = target, target.grid_code
            person.status = ResidentStatus.ACTIVE
            person.updated_at = now
            moved_in.append(person)
        elif _same(person, r):
            unchanged += 1
        else:
            _fill(person, r)
            person.updated_at = now
            update.append(person)
    total = len(plan)
    done = 0
    for batch in xlsx.iter_chunks(create, WRITE_BATCH * 5):
        # The unique ID hash stops a person registered meanwhile by another request: the
        # IntegrityError rolls the whole import back.
        imports.insert(Resident, batch)
        done += len(batch)
        report("writing", done, total)
    ids = _ids(Resident, "id_number_hash", [p["id_number_hash"] for p in create])
    arrived = [(ids[p["id_number_hash"]], p["household_id"]) for p in create]
    arrived += [(p.pk, p.household_id) for p in moved_in]
    for changed, fields in (
        (update, [*RESIDENT_FIELDS, "updated_at"]),
        (moved_in, [*RESIDENT_FIELDS, "updated_at", "household", "grid_code", "status"]),
    ):
        for batch in xlsx.iter_chunks(changed, WRITE_BATCH):
            Resident.objects.bulk_update(batch, fields)
            done += len(batch)
            report("writing", done, total)
    # The tags of people moved in are filed where they live now (as services.move_resident).
    moved_to: dict[str, list[int]] = {}
    for p in moved_in:
        moved_to.setdefault(p.grid_code, []).append(p.pk)
    for grid_code, pks in moved_to.items():
        for chunk in xlsx.iter_chunks(pks, LOOKUP_CHUNK):
            Tag.objects.filter(resident_id__in=chunk).update(grid_code=grid_code)

    actor_id = actor.pk if getattr(actor, "pk", None) else None
    imports.insert(ResidentEvent, [
        {"resident_id": resident_id, "kind": ResidentEventKind.MOVE_IN, "date": today,
         "from_household_id": None, "to_household_id": household_id, "note": "import",
         "actor_id": actor_id, "at": None}
        for resident_id, household_id in arrived
    ])  # fmt: skip
    # Member counts move with the people, with F() in this transaction (services' rule).
    arrivals: dict[int, int] = defaultdict(int)
    for _resident_id, household_id in arrived:
        arrivals[household_id] += 1
    by_delta: dict[int, list[int]] = defaultdict(list)
    for household_id, n in arrivals.items():
        by_delta[n].append(household_id)
    for n, households in by_delta.items():
        for chunk in xlsx.iter_chunks(sorted(households), LOOKUP_CHUNK):
            Household.objects.filter(pk__in=chunk).update(member_count=F("member_count") + n)
    return {
        "created": len(create),
        "updated": len(update),
        "moved_in": len(moved_in),
        "unchanged": unchanged,
        "households_created": len(new_households),
    }
