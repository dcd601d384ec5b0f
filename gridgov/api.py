"""The one NinjaAPI: /api/v1/, token or session auth, errors as {"code","message","field"}."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from gridgov.accounts.models import ApiToken, User
from gridgov.core import rows
from gridgov.core.errors import ServiceError
from gridgov.core.inputs import refused_message

_TOKEN = ("id", "user_id", "expires_at", "last_used_at")


@cache
def _token_sql() -> tuple[str, tuple[str, ...]]:
    user = tuple(f.attname for f in User._meta.concrete_fields)
    sql = (
        f"SELECT {rows.columns(ApiToken, _TOKEN, 't')}, {rows.columns(User, user, 'u')}"
        f' FROM "{ApiToken._meta.db_table}" t JOIN "{User._meta.db_table}" u'
        ' ON u."id" = t."user_id" WHERE t."key_hash" = %s'
    )
    return sql, user


def token_user(token: str) -> tuple[ApiToken, Any] | None:
    """The token of this key and its user, in one statement built once per process (every
    API call asks; the ORM's build of it cost more than the query, ADR 0021)."""
    sql, user = _token_sql()
    with rows.cursor() as cursor:
        cursor.execute(sql, [ApiToken.hash(token)])
        row = cursor.fetchone()
    if row is None:
        return None
    n = len(_TOKEN)
    return rows.instance(ApiToken, _TOKEN, row[:n]), rows.instance(User, user, row[n:])


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_user(token)
        now = timezone.now()
        if found is None or not found[1].is_active or found[0].is_expired(now):
            return None
        key, user = found
        # One write a minute at most: last use is for people, not for accounting.
        if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=key.pk).update(last_used_at=now)
        request.user = user
        return user


class SessionAuth(NinjaSessionAuth):
    """Session auth whose CSRF check runs only when there is a session to protect:
    a caller with no credentials gets 401, not ninja's 403 "CSRF check Failed"."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


api = NinjaAPI(
    title="gridgov",
    version="1",
    description='Grid-based community service management. Errors are {"code", "message", "field"}.',
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, code: str, message: str, field: str | None = None):
    return api.create_response(
        request, {"code": code, "message": message, "field": field}, status=status
    )


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return _error(request, exc.status, exc.code, str(exc.message), exc.field)


def _pydantic_message(error: dict[str, Any]) -> str:
    """pydantic's English messages, said again in the user's language for common cases."""
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    messages = {
        "missing": _("This field is required."),
        "less_than_equal": _("Must be at most %(limit)s.") % {"limit": ctx.get("le")},
        "greater_than_equal": _("Must be at least %(limit)s.") % {"limit": ctx.get("ge")},
        "float_parsing": _("Must be a number."),
        "int_parsing": _("Must be a whole number."),
        "date_from_datetime_parsing": _("Must be a date (YYYY-MM-DD)."),
        "date_parsing": _("Must be a date (YYYY-MM-DD)."),
        # min_length 1: text that was only spaces or invisible characters (core.inputs).
        "string_too_short": _("This field is required.")
        if ctx.get("min_length") == 1
        else _("Too short."),
        "string_too_long": _("Too long: at most %(limit)s characters.")
        % {"limit": ctx.get("max_length")},
        "string_pattern_mismatch": _("Must contain digits only."),
        "enum": _("Must be one of: %(allowed)s.") % {"allowed": ctx.get("expected")},
        "literal_error": _("Must be one of: %(allowed)s.") % {"allowed": ctx.get("expected")},
        "dict_type": _("Must be a JSON object."),
        "json_invalid": _("The body is not valid JSON."),
        "date_type": _("Must be a date (YYYY-MM-DD)."),
        "text_refused": refused_message(str(ctx.get("label"))),
    }
    # Not pydantic's own "msg" for the rest: it is English whatever the person's language.
    return messages.get(kind, _("Invalid input."))


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    loc = [str(p) for p in first.get("loc", []) if p not in ("body", "query", "path", "payload")]
    field = ".".join(loc) or None
    message = _pydantic_message(first)
    return _error(request, 422, "invalid", f"{field}: {message}" if field else message, field)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", _("Log in or send an API token."))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja raises HttpError(400, "Cannot parse request body…") for a body it cannot read.
    if exc.status_code == 400 and str(exc.message).startswith("Cannot parse request body"):
        return _error(request, 400, "invalid_json", _("The body is not valid JSON."))
    return _error(request, exc.status_code, "error", str(exc.message))


from gridgov.assessment.api import router as assessment_router  # noqa: E402
from gridgov.cases.api import router as cases_router  # noqa: E402
from gridgov.grids.api import router as grids_router  # noqa: E402
from gridgov.inspections.api import router as inspections_router  # noqa: E402
from gridgov.meetings.api import router as meetings_router  # noqa: E402
from gridgov.moralbank.api import router as moralbank_router  # noqa: E402
from gridgov.notices.api import router as notices_router  # noqa: E402
from gridgov.party.api import router as party_router  # noqa: E402
from gridgov.registry.api import router as registry_router  # noqa: E402
from gridgov.safety.api import router as safety_router  # noqa: E402
from gridgov.teams.api import router as teams_router  # noqa: E402
from gridgov.teams.api_boards import router as boards_router  # noqa: E402
from gridgov.visits.api import router as visits_router  # noqa: E402

api.add_router("/grids", grids_router)
api.add_router("/registry", registry_router)
api.add_router("/cases", cases_router)
api.add_router("/party", party_router)
api.add_router("/notices", notices_router)
api.add_router("/visits", visits_router)
api.add_router("/assessment", assessment_router)
api.add_router("/inspections", inspections_router)
api.add_router("/meetings", meetings_router)
api.add_router("/moralbank", moralbank_router)
api.add_router("/safety", safety_router)
api.add_router("/teams/boards", boards_router)
# After the boards: "/teams/{network}/{code}" would otherwise take "/teams/boards/…".
api.add_router("/teams", teams_router)
