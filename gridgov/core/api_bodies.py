"""Request bodies the API cannot read answer as every API error does, {"code", "message",
"field"} in JSON, never with Django's HTML error pages.

Some refusals happen before django-ninja sees the request (Django raises RequestDataTooBig
while reading the body, TooManyFieldsSent while parsing a query), and ninja reads a JSON
array or a thousand nested brackets as happily as an object. This middleware, for /api/
paths only, reads a body once, before any view: too large (413), not UTF-8 or not JSON
(400), not `application/json` (415), not an object or nested past MAX_DEPTH (422); a path
or query holding a refused character (core.lib.text) is 422 as a body's text is. Errors
Django raises later for an /api/ request become the same JSON (`process_exception`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from gridgov.core.inputs import refused_message
from gridgov.core.lib import text

log = logging.getLogger("gridgov.api")

API_PREFIX = "/api/"
# Deeper than any document the API takes (a MultiPolygon is 4 levels inside the body).
MAX_DEPTH = 16
WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


def error(status: int, code: str, message: str, field: str | None = None) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "field": field}, status=status)


def too_large() -> JsonResponse:
    return error(
        413,
        "body_too_large",
        _("The request body is larger than %(kb)s KB.")
        % {"kb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024},
    )


def _depth(value: Any) -> int:
    """How deeply `value` nests lists and objects (iteratively: no recursion to exhaust)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                stack.extend(
                    (v, level + 1) for v in (item.values() if isinstance(item, dict) else item)
                )
    return deepest


def _no_constant(name: str) -> Any:
    raise ValueError(name)  # NaN and Infinity are not JSON


def body_problem(request: HttpRequest) -> JsonResponse | None:
    """The refusal of an API request's body, or None when the API may read it."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and declared > limit:
        return too_large()
    try:
        body = request.body
    except RequestDataTooBig:
        return too_large()
    if not body:
        return None
    content_type = request.content_type or ""
    if content_type != "application/json" and not content_type.endswith("+json"):
        return error(415, "unsupported_media_type", _("Send the body as application/json."))
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return error(400, "invalid_encoding", _("The body is not valid UTF-8."))
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        return error(422, "too_deep", _("The body nests too deeply."))
    except ValueError:
        return error(400, "invalid_json", _("The body is not valid JSON."))
    if not isinstance(data, dict):
        return error(422, "not_an_object", _("Must be a JSON object."))
    if _depth(data) > MAX_DEPTH:
        return error(422, "too_deep", _("The body nests too deeply."))
    return None


def parameter_problem(request: HttpRequest) -> JsonResponse | None:
    """The refusal of a path or query parameter holding a character text may not hold (a
    NUL made PostgreSQL fail: a 500). Parameters that are not in an InputSchema (a grid's
    code in the path, `network`) are checked here, once, for every endpoint."""
    try:
        query = [(k, v) for k, vs in request.GET.lists() for v in [k, *vs]]
    except SuspiciousOperation:  # TooManyFieldsSent
        return error(400, "bad_request", _("The request is malformed."))
    items = [(None, request.path), *query]
    for name, value in items:
        refused = text.first_refused(value)
        if refused is not None:
            message = refused_message(refused.label)
            return error(422, "invalid", f"{name}: {message}" if name else message, name)
    return None


class ApiBodyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            try:
                # CommonMiddleware below reads the host first and answers a bad one in HTML.
                request.get_host()
            except SuspiciousOperation:
                return error(400, "bad_request", _("The request is malformed."))
            refused = parameter_problem(request)
            if refused is None and request.method in WITH_BODY:
                refused = body_problem(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exc, RequestDataTooBig):
            return too_large()
        if isinstance(exc, SuspiciousOperation):
            # TooManyFieldsSent, a bad Host and the like: the request, not the server.
            return error(400, "bad_request", _("The request is malformed."))
        log.error("Internal error on %s", request.path, exc_info=exc)
        return error(500, "server_error", _("Something went wrong on the server."))
