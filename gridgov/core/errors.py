"""ServiceError: the one way a service refuses, turned into {"code","message","field"}."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refusal a person can act on. `status` is the HTTP status interfaces answer with."""

    def __init__(
        self, code: str, message: Any, *, field: str | None = None, status: int = 400
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        self.status = status

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "field": self.field}


class NotFound(ServiceError):
    def __init__(self, message: Any = "not found", *, field: str | None = None) -> None:
        super().__init__("not_found", message, field=field, status=404)


class Forbidden(ServiceError):
    def __init__(self, message: Any = "not allowed") -> None:
        super().__init__("forbidden", message, status=403)


def refuse_page(e: ServiceError, fields: tuple[str | None, ...] | None = None) -> None:
    """A page's answer to a refusal of scope or right: 404 (for a 404 on one of `fields`,
    or on any field when None) and 403 are raised; anything else is left to the caller
    (shown beside the form's field)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    if e.status == 404 and (fields is None or e.field in fields):
        raise Http404 from None
    if e.status == 403:
        raise PermissionDenied from None
