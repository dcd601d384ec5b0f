"""Checks shared by the moral bank's services: scope and rights, clear text, errors."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.scope import in_scope
from gridgov.registry.services import number_in_text

RECORD = Right.MORAL_RECORD
MANAGE = Right.MORAL_MANAGE


def invalid(field: str, message: Any, code: str = "invalid") -> ServiceError:
    # Well-formed input that breaks a rule the schema cannot say: 422.
    return ServiceError(code, message, field=field, status=422)


def conflict(code: str, message: Any) -> ServiceError:
    return ServiceError(code, message, status=409)


def clean_text(value: str, field: str, *, required: bool = True, limit: int = 2000) -> str:
    """Free text kept in clear: no phone or ID numbers (the registry's rule)."""
    value = (value or "").strip()
    if required and not value:
        raise invalid(field, _("This field is required."))
    if len(value) > limit:
        raise invalid(field, _("Too long: at most %(limit)s characters.") % {"limit": limit})
    if number_in_text(value):
        raise invalid(
            field,
            _("Phone and ID numbers are not written here (this field is not encrypted)."),
            "number_in_text",
        )
    return value


def guard(user: Any, code: str, right: str) -> None:
    """404 when `code` is out of the person's scope, 403 without `right` there."""
    if not in_scope(user, code):
        raise NotFound(_("Not found."))
    if not in_scope(user, code, right):
        raise Forbidden(_("You may not do this here."))
