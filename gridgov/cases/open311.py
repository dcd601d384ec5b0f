"""Open311 GeoReport v2 (/open311/v2/, JSON only), for residents' apps and city platforms.

Mapping (docs/adr/0018-open311-and-public-intake.md):
- a service is a category of the lowest level; its group is the major class;
- `service_request_id` is the case number, `token` the case's public id (the number exists
  at once, so POST returns both);
- status is open or closed; the stage is in `status_notes`, the current deadline in
  `expected_datetime`;
- POST needs `api_key`: an API token of an account holding cases.report where the point
  lies; the case is reported by that account (source "resident"). The grid is found from
  lat/long, so an address alone is refused. Contact fields are not stored;
- GET shows only cases of the public-space classes (settings.OPEN311_PUBLIC_CLASSES), with
  phone and ID numbers in descriptions blanked, never the reporter or staff.

Errors are a list of {code, description} with the HTTP status as code (400, 403, 404).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from gridgov.accounts.models import ApiToken
from gridgov.core import stamps
from gridgov.core.errors import ServiceError
from gridgov.core.lib import text
from gridgov.core.logs import redact

from . import services
from .choices import ENDED_STAGES, OPEN_STAGES, Source, Stage
from .models import Case, Category

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this interface last changed (discovery's "changeset").
CHANGESET = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000


def _errors(status: int, *descriptions: str) -> JsonResponse:
    return JsonResponse(
        [{"code": status, "description": d} for d in descriptions], status=status, safe=False
    )


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _iso(value: dt.datetime | None) -> str | None:
    # ISO 8601 with the offset of the district's time zone (the spec asks for a zone).
    return timezone.localtime(value).isoformat() if value is not None else None


def _services() -> Any:
    return Category.objects.filter(
        active=True, parent__isnull=False, children__isnull=True
    ).select_related("parent")


def _public_q() -> Q:
    q = Q(pk__in=[])
    for major in settings.OPEN311_PUBLIC_CLASSES:
        q |= Q(category__code__startswith=major)
    return q


def _public_cases() -> Any:
    return Case.objects.filter(_public_q()).select_related("category", "unit", "duplicate_of")


def _request(case: Case) -> dict[str, Any]:
    notes = str(Stage(case.stage).label)
    if case.stage == Stage.MERGED and case.duplicate_of is not None:
        notes = _("%(stage)s: handled with %(number)s") % {
            "stage": notes, "number": case.duplicate_of.number,
        }  # fmt: skip
    is_open = case.stage in OPEN_STAGES
    return {
        "service_request_id": case.number,
        "status": "open" if is_open else "closed",
        "status_notes": notes,
        "service_name": case.category.name,
        "service_code": case.category.code,
        # Residents write phone and ID numbers into descriptions; the public list blanks them.
        "description": redact(case.description)[:4000],
        "agency_responsible": case.unit.name if case.unit_id and case.unit else None,
        "service_notice": case.category.closing_condition or None,
        "requested_datetime": _iso(case.created_at),
        "updated_datetime": _iso(
            case.closed_at if not is_open and case.closed_at else case.updated_at
        ),
        "expected_datetime": _iso(case.deadline) if is_open else None,
        "address": case.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": case.lat,
        "long": case.lon,
        # Photos are evidence for staff, not published (they may show people).
        "media_url": None,
    }


@require_GET
def discovery(request: HttpRequest) -> JsonResponse:
    base = request.build_absolute_uri("/open311/v2/")
    if settings.GRIDGOV_PUBLIC_URL:
        base = f"{settings.GRIDGOV_PUBLIC_URL}/open311/v2/"
    return _json(
        {
            "changeset": _iso(CHANGESET),
            "contact": _("Ask the district's command centre for an API key."),
            "key_service": _("API keys are API tokens of service accounts (Account → API tokens)."),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base,
                    "changeset": _iso(CHANGESET),
                    "type": "production",
                    "formats": ["application/json"],
                }
            ],
        }
    )


@require_GET
def service_list(request: HttpRequest) -> JsonResponse:
    return _json(
        [
            {
                "service_code": c.code,
                "service_name": c.name,
                "description": c.filing_condition or None,
                "metadata": False,
                "type": "realtime",
                "keywords": ",".join(k for k in (c.parent.name, c.default_unit) if k) or None,
                "group": c.parent.name,
            }
            for c in _services()
        ]
    )


@require_GET
def service_definition(request: HttpRequest, code: str) -> JsonResponse:
    if not _services().filter(code=code).exists():
        return _errors(404, _("No service with code %(code)s.") % {"code": code})
    # No category asks for more than the description and the place: no attributes.
    return _json({"service_code": code, "attributes": []})


def _when(raw: str, name: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ServiceError(
            "invalid", _("%(name)s must be an ISO 8601 date and time.") % {"name": name}
        ) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _list(request: HttpRequest) -> JsonResponse:
    q = request.GET
    cases = _public_cases()
    ids = [i.strip() for i in q.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        # The spec: with ids, the other filters are ignored.
        found = cases.filter(number__in=ids[:MAX_REQUESTS])
        return _json([_request(c) for c in found])
    try:
        end = _when(q["end_date"], "end_date") if q.get("end_date") else timezone.now()
        if q.get("start_date"):
            start = _when(q["start_date"], "start_date")
        else:
            start = end - dt.timedelta(days=DEFAULT_DAYS)
    except ServiceError as e:
        return _errors(400, str(e.message))
    if start > end:
        return _errors(400, _("start_date must come before end_date."))
    cases = cases.filter(created_at__gte=start, created_at__lte=end)
    codes = [c.strip() for c in q.get("service_code", "").split(",") if c.strip()]
    if codes:
        cases = cases.filter(category__code__in=codes)
    status = q.get("status", "").strip()
    if status:
        wanted = {s.strip() for s in status.split(",")}
        if not wanted <= {"open", "closed"}:
            return _errors(400, _("status is open or closed."))
        if wanted == {"open"}:
            cases = cases.filter(stage__in=OPEN_STAGES)
        elif wanted == {"closed"}:
            cases = cases.filter(stage__in=ENDED_STAGES)
    return _json([_request(c) for c in cases[:MAX_REQUESTS]])


def _key_user(raw: str) -> Any:
    found = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash(raw), user__is_active=True)
        .first()
        if raw
        else None
    )
    if found is None or found.is_expired(timezone.now()):
        return None
    return found.user


def _number(raw: str, name: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ServiceError("invalid", _("%(name)s must be a number.") % {"name": name}) from None
    return value


def _create(request: HttpRequest) -> JsonResponse:
    p = request.POST
    user = _key_user(p.get("api_key", "").strip())
    if user is None:
        return _errors(403, _("A valid api_key is required."))
    category = _services().filter(code=p.get("service_code", "").strip()).first()
    if category is None:
        return _errors(400, _("service_code is missing or names no service."))
    lat, lon = p.get("lat", "").strip(), p.get("long", "").strip()
    if not (lat and lon):
        # The grid, hence who handles the case, is found from the point.
        return _errors(
            400,
            _("Give the location as lat and long; an address alone cannot be placed in a grid."),
        )
    try:
        y, x = _number(lat, "lat"), _number(lon, "long")
        if not (-90 <= y <= 90 and -180 <= x <= 180):
            raise ServiceError("invalid", _("lat or long is out of range."))
        description = text.normalise(p.get("description", ""), multiline=True).strip()
        if len(description) > 4000:
            raise ServiceError("invalid", _("description: at most 4000 characters."))
        address = text.normalise(p.get("address_string", ""))[:200]
    except text.RefusedCharacter:
        return _errors(400, _("The text holds characters that cannot be kept."))
    except ServiceError as e:
        return _errors(400, str(e.message))
    # Contact fields (email, names, phone, device_id, account_id) are not read: residents'
    # personal data stays out of cases; media_url is not fetched (ADR 0018).
    try:
        with stamps.held():  # the grid, scope and calendar caches: one read (ADR 0031)
            case = services.report(
                actor=user, category=category, grid=services.locate(x, y),
                description=description or category.name, source=Source.RESIDENT,
                lon=x, lat=y, address=address,
            )  # fmt: skip
    except ServiceError as e:
        if e.status in (403, 404):
            return _errors(403, _("This api_key may not report cases at this place."))
        return _errors(400, str(e.message))
    return _json(
        [
            {
                "service_request_id": case.number,
                "token": str(case.public_id),
                "service_notice": category.closing_condition or None,
                "account_id": None,
            }
        ]
    )


@csrf_exempt  # no cookie is read: the api_key in the body is the credential
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest) -> JsonResponse:
    return _create(request) if request.method == "POST" else _list(request)


@require_GET
def request_detail(request: HttpRequest, number: str) -> JsonResponse:
    case = _public_cases().filter(number=number).first()
    if case is None:
        return _errors(404, _("No service request %(id)s.") % {"id": number})
    return _json([_request(case)])


@require_GET
def token(request: HttpRequest, token: str) -> JsonResponse:
    try:
        public_id = uuid.UUID(token)
    except ValueError:
        public_id = None
    number = (
        Case.objects.filter(public_id=public_id).values_list("number", flat=True).first()
        if public_id
        else None
    )
    if number is None:
        return _errors(404, _("No service request for this token."))
    return _json([{"service_request_id": number, "token": token}])


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return _errors(404, _("Not found: this server speaks GeoReport v2 in JSON (.json) only."))
