"""Personal data: identity documents and phones as stored (encrypted, hashed, masked), and
`reveal`, the one logged way to read them unmasked.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core.lib import crypto, idnumbers, phones

from ..choices import DocumentType
from ..models import AccessLog, Resident
from .common import _choices, _invalid, require


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
