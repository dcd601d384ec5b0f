"""Bulk import and export of the registry (R-REG-5): the engine behind the page, the command
line and the background task.

An import reads the whole sheet, checks every row (with the registry's own validators,
`services._checked`, `identity`, `phone_fields`), then in ONE transaction checks the rows
against the registry (grids in scope, households, people already registered) and writes them
in batches (bulk_create / bulk_update) — or writes nothing: with mode "all", any problem
rejects the file; with mode "valid", the rows with problems are left out and come back in
the error workbook. Re-importing the same file changes nothing: households are matched by
grid + address + unit + room, residents by the lookup hash of their document number,
attention tags by who they are on (a resident by that hash, a household by its number) +
kind + start date, and rows equal to what is stored are not written. A person or household
outside the importer's area is "not found", like one registered nowhere.

The audit trail gets one AuditEntry per import with the counts (not one per row); every
resident who moves in gets a ResidentEvent. Exports mask ID numbers and phones unless the
exporter holds personal.reveal and gives a reason: each unmasked row then writes an
AccessLog row (who, whose, why), like `services.reveal`.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import time
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db import models as dj_models
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core import models as audit
from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.inputs import normalised_cells
from gridgov.core.lib import crypto, idnumbers, pinyin
from gridgov.core.scope import in_scope, scope_q
from gridgov.grids.models import Grid

from . import services, xlsx
from .choices import DocumentType, ResidenceStatus, ResidentEventKind, ResidentStatus, TagKind
from .models import AccessLog, Building, Household, ImportJob, Resident, ResidentEvent, Tag
from .search import ResidentFilter, residents_for
from .xlsx import CellError, Problem

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
# Rows per query when looking up households and residents, and per INSERT/UPDATE batch.
LOOKUP_CHUNK = 500
WRITE_BATCH = 1000
# A web export is built in the request: past this, ask for narrower filters (or use the CLI).
EXPORT_MAX_ROWS = 100_000
# Problems kept on the job for the page; the error workbook has all of them.
PAGE_PROBLEMS = 200


class SystemActor:
    """The operator of the machine, for the command line run without --user: every grid,
    and audit rows without a person (actor NULL)."""

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    username = "system"


SYSTEM = SystemActor()


def insert(model: type[Any], objs: list[Any]) -> None:
    """INSERT `objs` with one prepared statement run for each (executemany), no RETURNING.

    Why not bulk_create: Django compiles every value of every row in Python (prepare_value,
    field_as_sql …), which took more than half of an import's time — the rate target is
    >= 5,000 rows/s with validation. Here only dates, times, UUIDs and JSON are converted,
    and the driver (sqlite3 in C, psycopg's pipeline) does the rest. Callers read ids back
    by a unique key when they need them. auto_now(_add) fields get one "now" per call.
    """
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    convert: list[Any] = []
    for f in fields:
        if isinstance(f, (dj_models.DateField, dj_models.UUIDField, dj_models.JSONField)):
            convert.append(f)
        else:
            convert.append(None)
    stamped = [
        i for i, f in enumerate(fields)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]  # fmt: skip
    stamp = fields[stamped[0]].get_db_prep_save(timezone.now(), connection) if stamped else None
    attnames = [f.attname for f in fields]
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )  # fmt: skip
    conn = connections[DEFAULT_DB_ALIAS]  # resolved once: `connection` is a proxy
    defaults = {f.attname: f.get_default() for f in fields if not f.has_default()}
    rows = []
    for obj in objs:
        if isinstance(obj, dict):  # plain rows: no model instance to build
            values = [obj[a] if a in obj else defaults[a] for a in attnames]
        else:
            values = [getattr(obj, a) for a in attnames]
        for i, f in enumerate(convert):
            if f is not None and values[i] is not None:
                values[i] = f.get_db_prep_save(values[i], conn)
        for i in stamped:
            values[i] = stamp
        rows.append(values)
    with connection.cursor() as cursor:
        for batch in xlsx.iter_chunks(rows, 5000):
            cursor.executemany(sql, batch)


def _ids(model: type[Any], column: str, keys: list[Any]) -> dict[Any, int]:
    """Ids of rows just inserted, by a unique column."""
    out: dict[Any, int] = {}
    for chunk in xlsx.iter_chunks(keys, LOOKUP_CHUNK):
        # No ORDER BY: with the model's ordering SQLite chose to walk the ordering's index
        # and test every row, instead of looking the keys up in their own unique index.
        rows = model.objects.filter(**{f"{column}__in": chunk}).order_by()
        out.update(rows.values_list(column, "pk"))
    return out


def may_import(actor: Any) -> bool:
    """Whether the actor may change the registry anywhere (the import page's right)."""
    return Grid.objects.filter(scope_q(actor, "code", Right.CHANGE_REGISTRY)).exists()


# ---------------------------------------------------------------- sealed files


def seal(data: bytes) -> str:
    """A file kept at rest the way personal data is (ADR 0005): AES-GCM under the field key."""
    return crypto.encrypt(base64.b64encode(data).decode()) if data else ""


def unseal(token: str) -> bytes:
    return base64.b64decode(crypto.decrypt(token)) if token else b""


# ---------------------------------------------------------------- checked rows


@dataclass
class _AtAddress:
    """A row about a household at an address: households are matched by grid, address,
    unit and room."""

    row: int
    grid: str
    address: str
    unit: str
    room: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.grid, self.address, self.unit, self.room)


@dataclass
class HouseholdRow(_AtAddress):
    floor: int | None
    household_type: str
    building: str


@dataclass
class ResidentRow(_AtAddress):
    household_type: str
    data: services.ResidentIn
    ident: services.Identity
    phone: tuple[str, str, str]
    birth: dt.date
    sex: str


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


class _Cells:
    """Reads one row's cells, collecting a Problem per bad cell instead of stopping."""

    def __init__(self, number: int, values: dict[str, Any], problems: list[Problem]):
        self.number, self.problems = number, problems
        self.bad: set[str] = set()
        # Every cell's text normalised once, here (docs/adr/0011-input-text.md).
        self.values, refused = normalised_cells(values)
        for key, message in refused.items():
            self.add(key, message)

    def add(self, key: str, message: str) -> None:
        if key not in self.bad:
            self.bad.add(key)
            self.problems.append(Problem(self.number, key, message))

    def get(self, key: str, parse: Callable[[Any], Any], default: Any = None) -> Any:
        try:
            return parse(self.values.get(key))
        except CellError as e:
            self.add(key, e.message)
            return default

    def text(self, key: str, max_length: int = 0, required: str = "") -> str:
        value = xlsx.text(self.values.get(key))
        if not value and required:
            self.add(key, required)
        elif max_length and len(value) > max_length:
            self.add(key, _("At most %(n)s characters.") % {"n": max_length})
        return value[:max_length] if max_length else value

    def grid(self) -> str:
        code = xlsx.text(self.values.get("grid"))
        if not code:
            self.add("grid", _("The grid code is required."))
        elif not code.isdigit():
            self.add("grid", _("A grid code has digits only."))
        return code


class Vocab:
    """The accepted spellings of every choice column, built once per import."""

    def __init__(self) -> None:
        self.maps = {kind: xlsx.vocabulary(kind) for kind in [*xlsx.CHOICES, *xlsx.DETAIL_CHOICES]}

    def parser(self, kind: str) -> Callable[[Any], str]:
        vocab = self.maps[kind]
        return lambda v: xlsx.choice(v, kind, vocab)


def check_household(
    number: int, values: dict[str, Any], vocab: Vocab, problems: list[Problem]
) -> HouseholdRow | None:
    c = _Cells(number, values, problems)
    grid = c.grid()
    address = c.text("address", 200, _("The address is required."))
    unit = c.text("unit", 10)
    room = c.text("room", 20)
    floor = c.get("floor", xlsx.integer)
    household_type = c.get("household_type", vocab.parser("household_type"), "")
    if not household_type and "household_type" not in c.bad:
        c.add("household_type", _("The household type is required."))
    building = c.text("building", 32)
    if c.bad:
        return None
    return HouseholdRow(number, grid, address, unit, room, floor, household_type, building)


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


def _duplicates(rows: list[Any], key: Callable[[Any], Any], column: str, problems: list[Problem],
                message: str) -> list[Any]:  # fmt: skip
    """Rows whose key another row of the file also has are all refused: which one is right
    is for the person to say."""
    seen: dict[Any, list[int]] = defaultdict(list)
    for r in rows:
        seen[key(r)].append(r.row)
    keep = []
    for r in rows:
        others = [n for n in seen[key(r)] if n != r.row]
        if others:
            problems.append(
                Problem(r.row, column, message % {"rows": "、".join(str(n) for n in others)})
            )
        else:
            keep.append(r)
    return keep


# ---------------------------------------------------------------- the import


@dataclass
class Outcome:
    status: str  # ImportJob.Status: done, rejected or failed
    total: int = 0
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    message: str = ""
    error_file: bytes = b""

    @property
    def error_rows(self) -> int:
        return len({p.row for p in self.problems})


class _Rejected(Exception):
    """Raised inside the transaction to leave it without writing anything."""


def run_import(
    *,
    actor: Any,
    kind: str,
    mode: str,
    data: bytes,
    progress: Progress | None = None,
    job_key: str = "",
) -> Outcome:
    """Check and write one spreadsheet. Never half-saves: one transaction."""
    report = progress or (lambda phase, done, total: None)
    sheet = None
    try:
        sheet = xlsx.read(data, kind, progress=lambda d, t: report("reading", d, t))
    except xlsx.SheetError as e:
        marks = [Problem(r, f"#{c}", e.message) for r, c in e.cells]
        error_file = b""
        if marks:
            error_file = xlsx.error_workbook(data, None, marks, only_bad_rows=False)
        return Outcome(ImportJob.Status.REJECTED, message=e.message, problems=marks,
                       error_file=error_file)  # fmt: skip
    total = len(sheet.rows)
    if total == 0:
        return Outcome(ImportJob.Status.REJECTED, message=_("The sheet has no rows to import."))
    problems: list[Problem] = []
    vocab = Vocab()
    checks: dict[str, Callable[..., Any]] = {
        ImportJob.Kind.HOUSEHOLDS: check_household,
        ImportJob.Kind.RESIDENTS: check_resident,
        ImportJob.Kind.TAGS: check_tag,
    }
    check = checks[kind]
    rows: list[Any] = []
    step = max(total // 50, 500)
    for i, (number, values) in enumerate(sheet.rows, start=1):
        row = check(number, values, vocab, problems)
        if row is not None:
            rows.append(row)
        if i % step == 0:
            report("checking", i, total)
    report("checking", total, total)
    if kind == ImportJob.Kind.HOUSEHOLDS:
        rows = _duplicates(rows, lambda r: r.key, "address", problems,
                           _("The same household (grid, address, unit, room) is also on row "
                             "%(rows)s."))  # fmt: skip
    elif kind == ImportJob.Kind.TAGS:
        rows = _duplicates(rows, lambda r: r.key, "tag_kind", problems,
                           _("The same tag (who, kind, start date) is also on row "
                             "%(rows)s."))  # fmt: skip
    else:
        rows = _duplicates(rows, lambda r: r.ident.hash, "id_number", problems,
                           _("The same document number is also on row %(rows)s."))  # fmt: skip
    # Even when the file alone shows problems, the rows are also checked against the
    # registry (and nothing written), so that one error workbook lists everything.
    report("writing", 0, len(rows))
    writers: dict[str, Callable[..., dict[str, int]]] = {
        ImportJob.Kind.HOUSEHOLDS: _write_households,
        ImportJob.Kind.RESIDENTS: _write_residents,
        ImportJob.Kind.TAGS: _write_tags,
    }
    writer = writers[kind]
    try:
        with transaction.atomic():
            counts = writer(actor, rows, problems, mode, report)
            if problems and mode == ImportJob.Mode.ALL:
                raise _Rejected
            counts["rejected"] = len({p.row for p in problems})
            audit.record(
                actor=actor, action=f"{kind}.import", object_type="import_job",
                object_key=job_key or "cli", after={"rows": total, "mode": mode, **counts},
            )  # fmt: skip
    except _Rejected:
        return _finish(ImportJob.Status.REJECTED, total, problems, {}, data, sheet, mode)
    return _finish(ImportJob.Status.DONE, total, problems, counts, data, sheet, mode)


def _finish(status: str, total: int, problems: list[Problem], counts: dict[str, int],
            data: bytes, sheet: xlsx.Sheet, mode: str) -> Outcome:  # fmt: skip
    problems.sort(key=lambda p: (p.row, sheet.positions.get(p.key or "", 0)))
    error_file = b""
    if problems:
        error_file = xlsx.error_workbook(
            data, sheet, problems, only_bad_rows=mode == ImportJob.Mode.VALID
        )
    return Outcome(status, total, problems, counts, error_file=error_file)


def _grids(actor: Any, rows: list[Any], problems: list[Problem]) -> dict[str, Grid]:
    """The grids named by the rows that the actor may register in, locked (in code order)
    so that two imports into the same grids run one after the other (PostgreSQL; SQLite's
    IMMEDIATE transactions already do)."""
    found: dict[str, Grid] = {}
    refused: dict[str, str] = {}
    for code in sorted({r.grid for r in rows}):
        try:
            found[code] = services.grid_for_registry(actor, code)
        except ServiceError as e:
            refused[code] = str(e.message)
    if found:
        list(Grid.objects.select_for_update().filter(pk__in=[g.pk for g in found.values()])
             .order_by("pk").values_list("pk", flat=True))  # fmt: skip
    for r in rows:
        if r.grid in refused:
            problems.append(Problem(r.row, "grid", refused[r.grid]))
    return found


def _households_at(keys: set[tuple[str, str, str, str]]) -> dict[tuple, list[Household]]:
    by_grid: dict[str, set[str]] = defaultdict(set)
    for grid, address, _unit, _room in keys:
        by_grid[grid].add(address)
    out: dict[tuple, list[Household]] = defaultdict(list)
    for grid, addresses in by_grid.items():
        # Addresses have no index (grid_code has): past a few chunks, reading the grid's
        # households once beats scanning them once per chunk.
        if len(addresses) > 4 * LOOKUP_CHUNK:
            queries = [Household.objects.filter(grid_code=grid)]
        else:
            queries = [
                Household.objects.filter(grid_code=grid, address__in=chunk)
                for chunk in xlsx.iter_chunks(sorted(addresses), LOOKUP_CHUNK)
            ]
        for qs in queries:
            for h in qs.iterator(chunk_size=2000):
                out[(h.grid_code, h.address, h.unit, h.room)].append(h)
    return out


def _write_households(
    actor: Any, rows: list[HouseholdRow], problems: list[Problem], mode: str, report: Progress
) -> dict[str, int]:
    grids = _grids(actor, rows, problems)
    rows = [r for r in rows if r.grid in grids]
    existing = _households_at({r.key for r in rows})
    buildings: dict[tuple[str, str], Building] = {}
    wanted = {(r.grid, r.building) for r in rows if r.building}
    for code in {g for g, _b in wanted}:
        codes = sorted(b for g, b in wanted if g == code)
        for chunk in xlsx.iter_chunks(codes, LOOKUP_CHUNK):
            for b in Building.objects.filter(grid=grids[code], code__in=chunk):
                buildings[(code, b.code)] = b
    create: list[Household] = []
    update: list[Household] = []
    unchanged = 0
    now = timezone.now()
    for r in rows:
        building = buildings.get((r.grid, r.building)) if r.building else None
        if r.building and building is None:
            problems.append(
                Problem(r.row, "building", _("No building with this code in the grid."))
            )
            continue
        if building is not None and r.floor is not None and not 1 <= r.floor <= building.floors:
            problems.append(Problem(r.row, "floor", services.floor_problem(building.floors)))
            continue
        matches = existing.get(r.key, [])
        if len(matches) > 1:
            problems.append(Problem(r.row, "address", _(
                "Several registered households have this address; they cannot be told apart "
                "by unit and room.")))  # fmt: skip
            continue
        if matches:
            h = matches[0]
            new = (r.household_type, r.floor, building.pk if building else None)
            if (h.household_type, h.floor, h.building_id) == new:
                unchanged += 1
                continue
            h.household_type, h.floor, h.building = r.household_type, r.floor, building
            h.updated_at = now
            update.append(h)
            continue
        grid = grids[r.grid]
        create.append(Household(
            grid=grid, grid_code=grid.code, building=building, address=r.address, unit=r.unit,
            floor=r.floor, room=r.room, household_type=r.household_type,
        ))  # fmt: skip
    if problems and mode == ImportJob.Mode.ALL:
        return {}
    insert(Household, create)
    report("writing", len(create), len(rows))
    Household.objects.bulk_update(
        update, ["household_type", "floor", "building", "updated_at"], batch_size=WRITE_BATCH
    )
    report("writing", len(rows), len(rows))
    return {"created": len(create), "updated": len(update), "unchanged": unchanged}


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
    insert(Household, list(new_households.values()))
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
        insert(Resident, batch)
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
    insert(ResidentEvent, [
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
    insert(Tag, create)
    report("writing", len(create), total)
    Tag.objects.bulk_update(update, ["end", "details", "updated_at"], batch_size=WRITE_BATCH)
    report("writing", total, total)
    return {"created": len(create), "updated": len(update), "unchanged": unchanged}


# ---------------------------------------------------------------- jobs


def create_job(
    *, actor: Any, kind: str, mode: str, filename: str, data: bytes, language: str = "zh-hans"
) -> ImportJob:
    """A queued import of an upload (the caller enqueues it: registry.tasks)."""
    if actor is not SYSTEM and not may_import(actor):
        raise Forbidden(_("You may not do this here."))
    if kind not in ImportJob.Kind.values:
        raise ServiceError("invalid_kind", _("Unknown kind of import."), field="kind", status=422)
    if mode not in ImportJob.Mode.values:
        raise ServiceError("invalid_mode", _("Unknown import mode."), field="mode", status=422)
    try:
        xlsx.check_archive(data)
    except xlsx.SheetError as e:
        status = 413 if e.code == "file_too_large" else 422
        raise ServiceError(e.code, e.message, field="file", status=status) from None
    return ImportJob.objects.create(
        actor=actor if getattr(actor, "pk", None) else None, kind=kind, mode=mode,
        filename=(filename or "upload.xlsx")[-200:], size=len(data), content_enc=seal(data),
        language=language,
    )  # fmt: skip


class _Reporter:
    """Progress of a job into its row, at most twice a second (any process can read it).

    Saving happens inside the import's transaction, where a write would not be seen before
    the commit (and on SQLite would wait for the lock): only the start of it is recorded.
    """

    def __init__(self, job: ImportJob, also: Progress | None) -> None:
        self.job, self.also = job, also
        self.last = 0.0
        self.phase = ""

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.also is not None:
            self.also(phase, done, total)
        now = time.monotonic()
        if phase == "writing":
            if self.phase != "writing":
                self.phase = phase
                self._update(status=ImportJob.Status.WRITING, checked_rows=total)
            return
        if phase != self.phase or now - self.last >= 0.5 or done == total:
            self.phase, self.last = phase, now
            counters = {"total_rows": total, "checked_rows": done if phase == "checking" else 0}
            self._update(**counters)

    def _update(self, **fields: Any) -> None:
        try:
            ImportJob.objects.filter(pk=self.job.pk).update(heartbeat_at=timezone.now(), **fields)
        except DatabaseError:
            # Progress is best effort: a busy database must not fail the import.
            logger.warning("import job %s: progress not saved", self.job.pk)


def run_job(job_id: int, progress: Progress | None = None) -> ImportJob:
    """Claim a queued job (compare-and-set: one worker wins), run it, store the outcome."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.VALIDATING, started_at=now, heartbeat_at=now
    )
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    if not claimed:
        return job
    actor = job.actor if job.actor_id else SYSTEM
    with translation.override(job.language):
        try:
            outcome = run_import(
                actor=actor, kind=job.kind, mode=job.mode, data=unseal(job.content_enc),
                progress=_Reporter(job, progress), job_key=str(job.public_id),
            )  # fmt: skip
        except Exception:
            # Whatever went wrong, the transaction rolled back: say so, keep the trace
            # (which carries ids, not the file's contents) in the log.
            logger.exception("import job %s failed", job.pk)
            outcome = Outcome(
                ImportJob.Status.FAILED,
                message=_("The import stopped on an unexpected error; nothing was saved."),
            )
        job.message = str(outcome.message)[:500]
        job.errors = [
            {"row": p.row, "column": _column(p, job.kind), "message": p.message}
            for p in outcome.problems[:PAGE_PROBLEMS]
        ]
    job.status = outcome.status
    if outcome.total:
        job.total_rows = job.checked_rows = outcome.total
    job.error_rows = outcome.error_rows
    job.counts = outcome.counts
    job.error_file_enc = seal(outcome.error_file)
    # The upload held ID numbers in the clear (sealed, but still): it is not kept once done.
    job.content_enc = ""
    job.finished_at = job.heartbeat_at = timezone.now()
    job.save()
    return job


def _column(p: Problem, kind: str) -> str:
    if p.key and p.key.startswith("#"):
        from openpyxl.utils import get_column_letter

        return get_column_letter(int(p.key[1:]))
    return next((c.header for c in xlsx.LAYOUTS.get(kind, ()) if c.key == p.key), "")


def purge(*, keep_days: int = 7, stale_minutes: int = 30) -> tuple[int, int]:
    """Drop the error workbooks of jobs finished `keep_days` ago, and fail jobs whose worker
    stopped reporting (it died: the transaction rolled back, nothing was saved)."""
    now = timezone.now()
    dropped = (
        ImportJob.objects.filter(finished_at__lt=now - dt.timedelta(days=keep_days))
        .exclude(error_file_enc="", content_enc="")
        .update(error_file_enc="", content_enc="")
    )
    stale = ImportJob.objects.filter(
        status__in=[ImportJob.Status.VALIDATING, ImportJob.Status.WRITING],
        heartbeat_at__lt=now - dt.timedelta(minutes=stale_minutes),
    ).update(
        status=ImportJob.Status.FAILED,
        content_enc="",
        finished_at=now,
        message="The import stopped (its worker ended); nothing was saved.",
    )
    return dropped, stale


# ---------------------------------------------------------------- export


def export_residents(
    *,
    actor: Any,
    params: Any,
    reason: str = "",
    channel: str = "export",
    limit: int | None = EXPORT_MAX_ROWS,
) -> tuple[bytes, int]:
    """The residents the actor may see, filtered as the list is (`ResidentFilter`), as xlsx.

    ID numbers and phones are masked, unless `reason` is given and the actor holds
    personal.reveal: then rows in the part of the scope where they hold it come unmasked,
    and each such row writes an AccessLog (one per resident per export, so that an auditor
    looking up a person finds it). Returns (file, rows).
    """
    f = ResidentFilter.from_params(params)
    f.validate()
    if f.grid and not in_scope(actor, f.grid):
        raise NotFound(_("No grid with code %(code)s.") % {"code": f.grid}, field="grid")
    reason = (reason or "").strip()
    if reason:
        if not Grid.objects.filter(scope_q(actor, "code", Right.REVEAL)).exists():
            raise Forbidden(_("You may not see ID numbers and phones unmasked."))
        if len(reason) < 2:
            raise ServiceError("reason_required", _("Say why you need to see it."),
                               field="reason", status=422)  # fmt: skip
        if getattr(actor, "pk", None) is None:
            raise ServiceError("user_required", _("An unmasked export needs a named user."),
                               field="user", status=422)  # fmt: skip
    qs = residents_for(actor, params)
    if limit is not None:
        qs = qs[: limit + 1]
    logs: list[AccessLog] = []
    n = 0

    def rows() -> Any:
        nonlocal n
        for r in qs.iterator(chunk_size=2000):
            n += 1
            if limit is not None and n > limit:
                raise ServiceError(
                    "too_many_rows",
                    _("More than %(max)s residents match; narrow the filters.")
                    % {"max": f"{limit:,}"},
                    status=422,
                )
            if reason and in_scope(actor, r.grid_code, Right.REVEAL):
                id_number = crypto.decrypt(r.id_number_enc)
                phone = crypto.decrypt(r.phone_enc) if r.phone_enc else ""
                logs.append(AccessLog(
                    actor=actor, resident=r, grid_code=r.grid_code, field="id_number,phone",
                    reason=reason[:200], channel=channel[:10],
                ))  # fmt: skip
            else:
                id_number, phone = r.id_masked, r.phone_masked
            yield xlsx.resident_cells(r, id_number, phone)

    with transaction.atomic():
        data = xlsx.write_rows(xlsx.EXPORT_HEADERS, rows(), xlsx.SHEET_TITLES["residents"])
        AccessLog.objects.bulk_create(logs, batch_size=WRITE_BATCH)
        audit.record(
            actor=actor, action="resident.export", object_type="export",
            object_key=timezone.now().strftime("%Y%m%d%H%M%S"),
            after={"rows": n, "unmasked": len(logs), "grid": f.grid, "tag": f.tag,
                   "status": f.status, "residence_status": f.residence_status,
                   "searched": bool(f.q), "channel": channel},
        )  # fmt: skip
    return data, n
