"""Secrets and a small registry encrypted under the old one, for the key rotation tests.

Under OLD alone: 5 ID numbers and 4 phones of residents, 1 organisation phone, 1 upload and
1 error workbook of an import, 1 emergency contact's phone in a tag's details: 13 tokens.
"""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

from django.core.management import CommandError, call_command
from django.test import override_settings

from gridgov.core.lib import crypto, idnumbers
from gridgov.registry import imports, search, services
from gridgov.registry.models import ImportJob, Organisation, Resident, Tag

OLD = "old-field-secret-for-tests-00000000000000"
NEW = "new-field-secret-for-tests-11111111111111"
LOOKUP = "own-lookup-secret-for-tests-222222222222"
A1, B1 = "640402001001001", "640402002001001"
PEOPLE = [  # name, ID number, phone
    ("张三", idnumbers.make("640402", dt.date(1980, 5, 1), 11), "13912345678"),
    ("李四", idnumbers.make("640402", dt.date(1982, 1, 1), 22), ""),
    ("王五", idnumbers.make("640402", dt.date(1975, 3, 9), 33), "13800001111"),
    ("赵六", idnumbers.make("640402", dt.date(1990, 7, 7), 44), "13700002222"),
    ("孙七", idnumbers.make("640402", dt.date(1966, 2, 2), 55), "13600003333"),
]
UPLOAD, ERRORS = b"PK upload workbook", b"PK error workbook"


def under(*keys: str, lookup: str = "") -> override_settings:
    """Field secrets, newest first, and GRIDGOV_LOOKUP_KEY ("" = the oldest secret)."""
    return override_settings(FIELD_ENCRYPTION_KEYS=list(keys), FIELD_LOOKUP_KEY=lookup)


def build(cast: Any) -> SimpleNamespace:
    """The registry above, made through the services under OLD alone."""
    with under(OLD):
        r = SimpleNamespace()
        h1, h2 = (
            services.register_household(
                actor=cast.admin, grid_code=g, address=f"{g}号", household_type="unit"
            )
            for g in (A1, B1)
        )
        r.residents = []
        for i, (name, number, phone) in enumerate(PEOPLE):
            data = services.ResidentIn(name=name, id_number=number, relation="other", phone=phone)
            household = h1 if i % 2 == 0 else h2
            r.residents.append(
                services.add_resident(actor=cast.admin, household=household, data=data)
            )
        r.org = services.register_organisation(
            actor=cast.admin, grid_code=A1, name="甲公司", kind="enterprise", phone="13500004444"
        )
        services.register_organisation(
            actor=cast.admin, grid_code=A1, name="乙公司", kind="enterprise"
        )
        r.tag = services.add_tag(
            actor=cast.admin, kind="elderly_alone", start=dt.date(2025, 1, 1),
            resident=r.residents[0], details={"emergency_contact_phone": "13300005555"},
        )  # fmt: skip
        r.job = ImportJob.objects.create(
            kind="residents", filename="upload.xlsx", content_enc=imports.seal(UPLOAD),
            error_file_enc=imports.seal(ERRORS),
        )  # fmt: skip
        r.old_id, r.hashes = crypto.key_ids()[0], hashes()
    with under(NEW):
        r.new_id = crypto.key_ids()[0]
    return r


def run(*args: str) -> str:
    """gridgov rotate_keys with `args`: its output (a CommandError carries it as .output)."""
    out = io.StringIO()
    try:
        call_command("rotate_keys", *args, "--quiet", stdout=out)
    except CommandError as e:
        e.output = out.getvalue()  # type: ignore[attr-defined]
        raise
    return out.getvalue()


def tokens() -> dict[str, str]:
    """Every token, by "<table>.<column> <row id>"."""
    out = {}
    for model, fields in (
        (Resident, ["id_number_enc", "phone_enc"]),
        (Organisation, ["phone_enc"]),
        (ImportJob, ["content_enc", "error_file_enc"]),
    ):
        for row in model.objects.values("pk", *fields):
            table = model._meta.db_table
            out.update({f"{table}.{f} {row['pk']}": row[f] for f in fields if row[f]})
    for pk, details in Tag.objects.values_list("pk", "details"):
        out.update({f"registry_tag.details {pk} {k}": v for k, v in details.items()
                    if k.endswith("_enc")})  # fmt: skip
    return out


def key_ids_in_use() -> dict[str, int]:
    ids: dict[str, int] = {}
    for token in tokens().values():
        ids[crypto.key_id(token)] = ids.get(crypto.key_id(token), 0) + 1
    return ids


def plain() -> dict[str, str]:
    """Every value, decrypted under the keys in force."""
    return {k: crypto.decrypt(t) for k, t in tokens().items()}


def hashes() -> list[tuple[int, str, str]]:
    return list(Resident.objects.order_by("pk").values_list("pk", "id_number_hash", "phone_hash"))


def found(cast: Any, q: str) -> list[str]:
    """Names of the residents the search box finds for q."""
    return [r.name for r in search.residents_for(cast.admin, {"q": q})]
