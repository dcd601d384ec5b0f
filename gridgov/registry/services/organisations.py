"""Organisations: registering and correcting them, credit code and phone checked."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core import models as audit
from gridgov.core.errors import ServiceError
from gridgov.core.lib import crypto, uscc

from ..choices import OrganisationKind
from ..models import Organisation
from .common import _choices, _invalid, grid_for_registry, require
from .located import _changed
from .personal import phone_fields


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
