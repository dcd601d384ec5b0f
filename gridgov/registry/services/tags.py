"""Attention tags (R-REG-2) on residents and households: the fields of each kind, their
phones (encrypted) and free text (no numbers), adding and reviewing.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core import models as audit
from gridgov.core.lib import crypto

from ..choices import TagKind
from ..models import Household, Resident, Tag
from .common import _choices, _invalid, require
from .personal import phone_fields

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
