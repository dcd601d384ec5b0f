"""Key rotation of personal data (docs/adr/0005-personal-data.md, "Rotation").

Every column that holds a `core.lib.crypto` token is listed in TARGETS. `census` reads and
decrypts all of them and says under which key each value is and whether the lookup hashes
match the lookup key; `reencrypt` moves the values under older keys to the newest key, one
transaction per batch; `rehash` recomputes every lookup hash under the configured lookup
key in one transaction. Nothing here ever writes, prints or logs a decrypted value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.db.models.functions import Substr

from gridgov.core import models as audit
from gridgov.core.lib import crypto

from .models import ImportJob, Organisation, Resident, Tag

Progress = Callable[[int], object]


def plural(n: int, one: str, many: str = "") -> str:
    """ "1 value", "2 values": for the operator's report, which is in English."""
    return f"{n} {one}" if n == 1 else f"{n} {many or one + 's'}"


@dataclass(frozen=True)
class Target:
    """A column of tokens, and the column of their lookup hashes if there is one."""

    model: type[models.Model]
    field: str
    hash_field: str = ""
    # Uploaded workbooks are megabytes each: a few per batch keep the memory flat.
    batch_cap: int = 0

    @property
    def label(self) -> str:
        return f"{self.model._meta.db_table}.{self.field}"

    @property
    def hash_label(self) -> str:
        return f"{self.model._meta.db_table}.{self.hash_field}"

    def values(self) -> models.QuerySet:
        return self.model._default_manager.exclude(**{self.field: ""}).order_by("pk")

    def pending(self, newest: str) -> models.QuerySet:
        # Substr and "=", not startswith: SQLite's LIKE ignores case, so a damaged key id
        # in capitals would pass for the newest one.
        prefix = Substr(self.field, 1, len(newest) + 1)
        return self.values().alias(_prefix=prefix).exclude(_prefix=f"{newest}$")


# Organisation.phone has no hash: organisations are not looked up by phone.
TARGETS = (
    Target(Resident, "id_number_enc", "id_number_hash"),
    Target(Resident, "phone_enc", "phone_hash"),
    Target(Organisation, "phone_enc"),
    Target(ImportJob, "content_enc", batch_cap=10),
    Target(ImportJob, "error_file_enc", batch_cap=10),
)


@dataclass(frozen=True)
class Problem:
    """A value that cannot be decrypted: where it is and why (never what it holds)."""

    label: str
    row: int
    reason: str

    def __str__(self) -> str:
        return f"{self.label} row {self.row}: {self.reason}"


def _reason(token: str) -> str:
    kid = crypto.key_id(token)
    if not kid:
        return "not an encrypted value (no key id)"
    if kid in crypto.key_ids():
        return f"damaged token under key {kid}"
    return f"unknown key id {kid} (not among the configured keys)"


def _update(model: type[models.Model], columns: list[str], rows: list[tuple]) -> None:
    """UPDATE `columns` of each row: `rows` are (value, …, pk), in the order of the pks.

    Performance: one prepared UPDATE run for every row (executemany) re-encrypted 111,705
    values on SQLite in 2 s where bulk_update took 20 s: bulk_update builds a CASE WHEN over
    the whole batch as Django expressions, and the database evaluates it for every row.
    """
    if not rows:
        return
    q, pk = connection.ops.quote_name, model._meta.pk
    assert pk is not None and pk.column
    assignments = ", ".join(f"{q(c)} = %s" for c in columns)
    sql = f"UPDATE {q(model._meta.db_table)} SET {assignments} WHERE {q(pk.column)} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


# ---------------------------------------------------------------- census


@dataclass
class FieldCensus:
    target: Target
    by_key: Counter[str] = field(default_factory=Counter)  # readable values per key id
    problems: list[Problem] = field(default_factory=list)
    hashes_match: int = 0
    hashes_differ: int = 0


@dataclass
class Census:
    key_ids: list[str]
    lookup_key_id: str
    lookup_key_pinned: bool
    fields: list[FieldCensus]

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.fields for p in f.problems]

    @property
    def under_old_keys(self) -> int:
        return sum(n for f in self.fields for k, n in f.by_key.items() if k != self.key_ids[0])

    @property
    def hashes_differ(self) -> int:
        return sum(f.hashes_differ for f in self.fields)

    def blockers(self) -> list[str]:
        """What stands between now and removing the older field secrets, in order."""
        out = []
        if self.problems:
            out.append(
                f"{plural(len(self.problems), 'value')} cannot be decrypted (rows listed above):"
                " restore the secret they were made under, or correct those rows."
            )
        if self.under_old_keys:
            out.append(
                f"{plural(self.under_old_keys, 'value')} still under older keys:"
                " run `gridgov rotate_keys`."
            )
        if self.hashes_differ:
            out.append(
                f"{plural(self.hashes_differ, 'lookup hash', 'lookup hashes')} not matching"
                f" lookup key {self.lookup_key_id}: restore the previous GRIDGOV_LOOKUP_KEY,"
                " or stop the site and run `gridgov rotate_keys --rehash`."
            )
        if len(self.key_ids) > 1 and not self.lookup_key_pinned:
            out.append(
                f"The lookup key is derived from the oldest secret ({self.key_ids[-1]}):"
                " set GRIDGOV_LOOKUP_KEY to that same secret first (every hash stays valid)."
            )
        return out


def census(*, progress: Progress | None = None) -> Census:
    """Every token read and decrypted: per column, how many under which key, which cannot
    be read, and how many lookup hashes match the configured lookup key."""
    fields = []
    for target in TARGETS:
        fc = FieldCensus(target)
        columns = ["pk", target.field] + ([target.hash_field] if target.hash_field else [])
        for row in target.values().values_list(*columns).iterator(chunk_size=2000):
            pk, token = row[0], row[1]
            try:
                plain = crypto.decrypt(token)
            except crypto.DecryptionError:
                fc.problems.append(Problem(target.label, pk, _reason(token)))
            else:
                fc.by_key[crypto.key_id(token)] += 1
                if target.hash_field:
                    if crypto.lookup_hash(plain) == row[2]:
                        fc.hashes_match += 1
                    else:
                        fc.hashes_differ += 1
            if progress is not None:
                progress(1)
        fields.append(fc)
    fields.append(_details_census(progress))
    return Census(
        key_ids=crypto.key_ids(),
        lookup_key_id=crypto.lookup_key_id(),
        lookup_key_pinned=crypto.lookup_key_pinned(),
        fields=fields,
    )


def count_values() -> int:
    return sum(t.values().count() for t in TARGETS) + sum(len(t) for _pk, t in _detail_tokens())


# ---------------------------------------------------------------- re-encryption


@dataclass(frozen=True)
class SkippedBatch:
    label: str
    first: int
    last: int
    values: int

    def __str__(self) -> str:
        return (
            f"{self.label} rows {self.first}-{self.last}: batch of"
            f" {plural(self.values, 'value')} left unchanged"
        )


@dataclass
class Reencrypted:
    newest: str
    written: Counter[str] = field(default_factory=Counter)  # per target label
    problems: list[Problem] = field(default_factory=list)
    skipped: list[SkippedBatch] = field(default_factory=list)


def count_pending() -> int:
    newest = crypto.key_ids()[0]
    in_details = sum(
        1 for _pk, tokens in _detail_tokens() for v in tokens.values() if crypto.key_id(v) != newest
    )
    return sum(t.pending(newest).count() for t in TARGETS) + in_details


def _batch(
    target: Target, newest: str, after: int, size: int, out: Reencrypted
) -> tuple[int, int] | None:
    """Re-encrypt the next `size` values after row `after`: all of them, or none when one
    cannot be decrypted. (last row read, values read), or None when none are left."""
    with transaction.atomic():
        # Locked so that an edit of the same rows waits for this batch (PostgreSQL); on
        # SQLite the transaction is IMMEDIATE and holds the write lock from its start.
        rows = list(
            target.pending(newest)
            .filter(pk__gt=after)
            .select_for_update()
            .values_list("pk", target.field)[:size]
        )
        if not rows:
            return None
        changed, problems = [], []
        for pk, token in rows:
            try:
                changed.append((crypto.reencrypt(token), pk))
            except crypto.DecryptionError:
                problems.append(Problem(target.label, pk, _reason(token)))
        if problems:
            out.problems += problems
            out.skipped.append(SkippedBatch(target.label, rows[0][0], rows[-1][0], len(rows)))
        else:
            # The token column only: updated_at stays, as re-encryption changes no fact.
            _update(target.model, [target.field], changed)
            out.written[target.label] += len(changed)
    return rows[-1][0], len(rows)


def reencrypt(*, batch_size: int = 500, progress: Progress | None = None) -> Reencrypted:
    """Every value not under the newest key, decrypted and encrypted under it.

    Resumable: a batch is all or nothing, and the next run starts from the values still
    under older keys. A batch holding a value that cannot be decrypted is left as it was
    (reported with its rows) and the run goes on with the next.
    """
    newest = crypto.key_ids()[0]
    out = Reencrypted(newest)
    for target in TARGETS:
        size = min(batch_size, target.batch_cap or batch_size)
        after = 0
        while (done := _batch(target, newest, after, size, out)) is not None:
            after, values = done
            if progress is not None:
                progress(values)
    _reencrypt_details(newest, batch_size, out, progress)
    if out.written:
        audit.record(
            actor=None, action="personal_data.reencrypt", object_type="field_key",
            object_key=newest, after=dict(out.written),
        )  # fmt: skip
    return out


# ---------------------------------------------------------------- tokens in tags' details

# A tag's phone fields (services.PHONE) keep their token in its details, under the field's
# key + "_enc". Tags are few next to residents: read whole, batch by batch.
DETAILS = Target(Tag, "details")


def _detail_tokens() -> list[tuple[int, dict[str, str]]]:
    """(tag pk, {key: token}) of every tag with a token in its details."""
    out = []
    for pk, details in Tag.objects.exclude(details={}).order_by("pk").values_list("pk", "details"):
        tokens = {k: v for k, v in (details or {}).items() if k.endswith("_enc") and v}
        if tokens:
            out.append((pk, tokens))
    return out


def _details_census(progress: Progress | None) -> FieldCensus:
    fc = FieldCensus(DETAILS)
    for pk, tokens in _detail_tokens():
        for token in tokens.values():
            try:
                crypto.decrypt(token)
            except crypto.DecryptionError:
                fc.problems.append(Problem(DETAILS.label, pk, _reason(token)))
            else:
                fc.by_key[crypto.key_id(token)] += 1
            if progress is not None:
                progress(1)
    return fc


def _reencrypt_details(
    newest: str, batch_size: int, out: Reencrypted, progress: Progress | None
) -> None:
    """The tokens in tags' details under the newest key; a batch of tags is all or none."""
    after = 0
    while True:
        with transaction.atomic():
            rows = list(
                Tag.objects.exclude(details={}).filter(pk__gt=after).order_by("pk")
                .select_for_update().values_list("pk", "details")[:batch_size]
            )  # fmt: skip
            if not rows:
                return
            after = rows[-1][0]
            changed, problems, values = [], [], 0
            for pk, details in rows:
                new = dict(details)
                for key, token in details.items():
                    if not key.endswith("_enc") or not token:
                        continue
                    values += 1
                    try:
                        new[key] = crypto.reencrypt(token)
                    except crypto.DecryptionError:
                        problems.append(Problem(DETAILS.label, pk, _reason(token)))
                if new != details:
                    changed.append((pk, new))
            if problems:
                out.problems += problems
                out.skipped.append(SkippedBatch(DETAILS.label, rows[0][0], after, values))
            else:
                for pk, new in changed:
                    Tag.objects.filter(pk=pk).update(details=new)
                if changed:
                    out.written[DETAILS.label] += sum(
                        1 for _pk, new in changed for k in new if k.endswith("_enc")
                    )
        if progress is not None:
            progress(values)


# ---------------------------------------------------------------- lookup hashes


@dataclass
class Rehashed:
    lookup_key_id: str
    residents: int = 0
    rewritten: int = 0
    problems: list[Problem] = field(default_factory=list)
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # rows, same ID number


class RehashRefused(Exception):
    def __init__(self, outcome: Rehashed) -> None:
        super().__init__("lookup hashes not rewritten")
        self.outcome = outcome


_HASHED = ("pk", "id_number_enc", "id_number_hash", "phone_enc", "phone_hash")


def _chunks(rows: models.QuerySet, size: int = 2000) -> Iterator[list[tuple]]:
    """`rows` (values_list, pk first, ordered by pk) a list at a time, by pk ranges: no
    cursor stays open while the same table is written (SQLite does not isolate them)."""
    after = 0
    while chunk := list(rows.filter(pk__gt=after)[:size]):
        yield chunk
        after = chunk[-1][0]


def _plain(token: str) -> str | None:
    try:
        return crypto.decrypt(token)
    except crypto.DecryptionError:
        return None


def rehash(*, progress: Progress | None = None) -> Rehashed:
    """Every resident's ID-number and phone hash recomputed under the configured lookup
    key, in one transaction: lookups are never half under one key, half under another.

    Two passes over all residents: the first decrypts and checks (every value readable, no
    two residents with one ID number, which the unique hash would refuse), the second
    writes, so that a refusal writes nothing. Raises RehashRefused.
    """
    out = Rehashed(crypto.lookup_key_id())
    table = Resident._meta.db_table
    rows = Resident.objects.order_by("pk").values_list(*_HASHED)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Other writers wait until the new hashes are committed; readers do not. On
            # SQLite the IMMEDIATE transaction already holds the write lock.
            with connection.cursor() as cursor:
                name = connection.ops.quote_name(table)
                cursor.execute(f"LOCK TABLE {name} IN SHARE ROW EXCLUSIVE MODE")
        seen: dict[str, int] = {}
        for chunk in _chunks(rows):
            for pk, id_enc, _, phone_enc, _ in chunk:
                out.residents += 1
                id_number = _plain(id_enc)
                if id_number is None:
                    out.problems.append(Problem(f"{table}.id_number_enc", pk, _reason(id_enc)))
                else:
                    id_hash = crypto.lookup_hash(id_number)
                    if id_hash in seen:
                        out.duplicates.append((seen[id_hash], pk))
                    seen[id_hash] = pk
                if phone_enc and _plain(phone_enc) is None:
                    out.problems.append(Problem(f"{table}.phone_enc", pk, _reason(phone_enc)))
            if progress is not None:
                progress(len(chunk))
        if out.problems or out.duplicates:
            raise RehashRefused(out)
        del seen
        for chunk in _chunks(rows):
            changed = []
            for pk, id_enc, id_hash, phone_enc, phone_hash in chunk:
                fresh = (
                    crypto.lookup_hash(crypto.decrypt(id_enc)),
                    (crypto.lookup_hash(crypto.decrypt(phone_enc)) if phone_enc else ""),
                )
                if fresh != (id_hash, phone_hash):
                    changed.append((*fresh, pk))
            _update(Resident, ["id_number_hash", "phone_hash"], changed)
            out.rewritten += len(changed)
            if progress is not None:
                progress(len(chunk))
        if out.rewritten:
            audit.record(
                actor=None, action="personal_data.rehash", object_type="lookup_key",
                object_key=out.lookup_key_id, after={"residents": out.rewritten},
            )  # fmt: skip
    return out
