"""The unread count in the header of every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import Notice


def unread(request: HttpRequest) -> dict[str, Any]:
    """`unread_notices` for the header: lazy, so that a page that does not render the
    header (an htmx fragment, a file) runs no query, and anonymous visitors never do.
    One COUNT on the partial inbox index when it is shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": SimpleLazyObject(lambda: Notice.objects.inbox(user).unread().count())}
