"""The tags import (kind "tags"): attention tags on residents (by ID number) or households
(by number), matched by who they are on + kind + start date."""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core.errors import ServiceError
from gridgov.core.lib import crypto, idnumbers
from gridgov.core.scope import in_scope
from gridgov.grids.models import Grid

from .. import imports, services, xlsx
from ..choices import ResidentStatus, TagKind
from ..models import Household, ImportJob, Resident, Tag
from ..xlsx import Problem
from .bulk import LOOKUP_CHUNK, WRITE_BATCH, Progress
from .checks import Vocab, _Cells

# `insert` is looked up on the package (`imports.insert`) when it is called, so that a
# test that replaces it there (a write that fails) replaces it here too.


@dataclass
class TagRow:
    row: int
    id_hash: str  # the resident's, by the lookup hash of the ID number; "" for a household
    household: uuid.UUID | None
    name: str
    kind: str
    start: dt.date
    end: dt.date | None
    details: dict[str, str]

    @property
    def key(self) -> tuple[str, str, dt.date]:
        subject = self.id_hash or str(self.household)
        return (subject, self.kind, self.start)

    @property
    def subject_column(self) -> str:
        return "id_number" if self.id_hash else "household"


# The tags layout's detail columns → the field of a tag's details.
DETAIL_KEYS = {c.key: c.key[len("detail_") :] for c in xlsx.TAG_COLUMNS
               if c.key.startswith("detail_")}  # fmt: skip


def _tag_subject(c: _Cells) -> tuple[str, uuid.UUID | None]:
    """(lookup hash of the ID number, household number) of a tags row: exactly one."""
    number = c.get("id_number", xlsx.document_number, "")
    number = unicodedata.normalize("NFKC", number).strip().upper()
    raw_household = xlsx.text(c.values.get("household"))
    household = None
    if raw_household:
        try:
            household = uuid.UUID(raw_household)
        except ValueError:
            c.add("household", _("A household number looks like 8-4-4-4-12."))
    if number and raw_household:
        c.add("household", _("Fill in either the ID number or the household number, not both."))
    elif not number and not raw_household and "id_number" not in c.bad:
        c.add("id_number", _("Fill in the ID number of a resident or the number of a household."))
    if not number or "id_number" in c.bad:
        return "", household
    # A mistyped resident identity card number is named as such, not as someone unknown.
    if len(number) == 18 and number[:17].isdigit():
        try:
            idnumbers.parse(number)
        except idnumbers.IdNumberError as e:
            c.add("id_number", str(e.message))
    elif not (5 <= len(number) <= 30 and number.isalnum()):
        c.add("id_number", _("A document number has 5 to 30 letters and digits."))
    return crypto.lookup_hash(number), household


def check_tag(
    number: int, values: dict[str, Any], vocab: Vocab, problems: list[Problem]
) -> TagRow | None:
    c = _Cells(number, values, problems)
    id_hash, household = _tag_subject(c)
    name = c.text("name", 50)
    kind = c.get("tag_kind", vocab.parser("tag_kind"), "")
    if not kind and "tag_kind" not in c.bad:
        c.add("tag_kind", _("The kind of tag is required."))
    start = c.get("start", xlsx.date)
    if start is None and "start" not in c.bad:
        c.add("start", _("The start date is required."))
    end = c.get("end", xlsx.date)
    if start is not None and end is not None and end < start:
        c.add("end", _("A tag cannot end before it starts."))
    details: dict[str, str] = {}
    allowed = services.TAG_DETAILS.get(kind, {}) if kind else {}
    for key, field_ in DETAIL_KEYS.items():
        if not xlsx.text(values.get(key)):
            continue
        if not kind:  # the kind is bad: which fields belong to it is unknown
            continue
        if field_ not in allowed:
            header = xlsx.DETAIL_HEADERS[field_]
            c.add(key, _("A %(kind)s tag has no field %(key)s.")
                  % {"kind": TagKind(kind).label, "key": header})  # fmt: skip
            continue
        choice = xlsx.is_choice(key)
        value = c.get(key, vocab.parser(key), "") if choice else c.text(key, 100)
        if value:
            details[field_] = value
    if kind and not c.bad:
        try:
            # The tag's own fields as add_tag takes them.
            details = services._details(kind, details)
        except ServiceError as e:
            c.add(f"detail_{(e.field or '').removeprefix('details.')}", str(e.message))
    if c.bad or start is None:
        return None
    return TagRow(number, id_hash, household, name, kind, start, end, details)


def _write_tags(
    actor: Any, rows: list[TagRow], problems: list[Problem], mode: str, report: Progress
) -> dict[str, int]:
    people: dict[str, Resident] = {}
    for chunk in xlsx.iter_chunks(sorted({r.id_hash for r in rows if r.id_hash}), LOOKUP_CHUNK):
        for p in Resident.objects.filter(id_number_hash__in=chunk):
            people[str(p.id_number_hash)] = p
    homes: dict[uuid.UUID, Household] = {}
    wanted = sorted({r.household for r in rows if r.household is not None}, key=str)
    for chunk in xlsx.iter_chunks(wanted, LOOKUP_CHUNK):
        for h in Household.objects.filter(public_id__in=chunk):
            homes[h.public_id] = h
    # (row, the resident or None, the household or None)
    plan: list[tuple[TagRow, Resident | None, Household | None]] = []
    for r in rows:
        person = people.get(r.id_hash) if r.id_hash else None
        home = homes.get(r.household) if r.household is not None else None
        subject: Resident | Household | None = person or home
        # Someone outside the actor's area is "not found": an import must not tell whether
        # a person is registered elsewhere.
        if subject is None or not in_scope(actor, subject.grid_code):
            if r.id_hash:
                message = _("No resident with this ID number is registered in your area.")
            else:
                message = _("No household with this number in your area.")
            problems.append(Problem(r.row, r.subject_column, message))
            continue
        if not in_scope(actor, subject.grid_code, Right.CHANGE_REGISTRY):
            problems.append(Problem(r.row, r.subject_column, _("You may not do this here.")))
            continue
        if person is not None:
            if person.status != ResidentStatus.ACTIVE:
                problems.append(
                    Problem(r.row, "id_number", _("This resident no longer lives here."))
                )
                continue
            if r.name and r.name != person.name:
                problems.append(Problem(r.row, "name", _(
                    "The name is not that of the resident with this ID number.")))  # fmt: skip
                continue
        plan.append((r, person, home))
    # Two imports of the same tags would both find none and both create them: the grids of
    # the tagged people and households are locked (in id order, as the other imports do),
    # so the second one waits and then finds the first one's tags.
    codes = sorted({s.grid_code for _r, p, h in plan for s in (p, h) if s is not None})
    for chunk in xlsx.iter_chunks(codes, LOOKUP_CHUNK):
        list(Grid.objects.select_for_update().filter(code__in=chunk).order_by("pk")
             .values_list("pk", flat=True))  # fmt: skip
    existing: dict[tuple[str, int, str, dt.date], list[Tag]] = defaultdict(list)
    for column, ids in (
        ("resident_id", sorted({p.pk for _r, p, _h in plan if p is not None})),
        ("household_id", sorted({h.pk for _r, _p, h in plan if h is not None})),
    ):
        for chunk in xlsx.iter_chunks(ids, LOOKUP_CHUNK):
            for t in Tag.objects.filter(**{f"{column}__in": chunk}).order_by():
                existing[(column, getattr(t, column), t.kind, t.start)].append(t)
    create: list[dict[str, Any]] = []
    update: list[Tag] = []
    unchanged = 0
    now = timezone.now()
    today = timezone.localdate()
    for r, person, home in plan:
        subject = person or home
        assert subject is not None
        column = "resident_id" if person is not None else "household_id"
        matches = existing.get((column, subject.pk, r.kind, r.start), [])
        if len(matches) > 1:
            problems.append(Problem(r.row, "start", _(
                "Several tags of this kind start on this date; correct them on the page "
                "first.")))  # fmt: skip
            continue
        if matches:
            tag = matches[0]
            if tag.end == r.end and services.same_details(tag.details, r.details):
                unchanged += 1
                continue
            tag.end, tag.details, tag.updated_at = r.end, r.details, now
            update.append(tag)
            continue
        create.append({
            "created_at": None, "updated_at": None,
            "resident_id": person.pk if person is not None else None,
            "household_id": home.pk if home is not None else None,
            "grid_code": subject.grid_code, "kind": r.kind, "start": r.start, "end": r.end,
            "details": r.details, "reviewed_at": today,
        })  # fmt: skip
    if problems and mode == ImportJob.Mode.ALL:
        return {}
    total = len(create) + len(update)
    imports.insert(Tag, create)
    report("writing", len(create), total)
    Tag.objects.bulk_update(update, ["end", "details", "updated_at"], batch_size=WRITE_BATCH)
    report("writing", total, total)
    return {"created": len(create), "updated": len(update), "unchanged": unchanged}
