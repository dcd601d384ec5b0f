"""API pieces every router shares: the error body and the statuses it is documented for."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


# Every documented refusal (STYLE "Views and API"), for `response={200: X, **ERRORS}`.
ERRORS: dict[int, Any] = {status: ErrorOut for status in (400, 401, 403, 404, 409, 422)}
