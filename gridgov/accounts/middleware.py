"""Every request of a logged-in person: end stale sessions, ask for the second factor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import security

# Reachable before the second factor: logging in or out, the code itself, the language.
OPEN_BEFORE_SECOND_FACTOR = ("/login/", "/logout/", "/account/verify/", "/account/two-factor/")
OPEN_ALWAYS = ("/static/", "/i18n/")


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        user: Any = request.user
        if path.startswith(OPEN_ALWAYS) or not user.is_authenticated:
            return self.get_response(request)
        api = path.startswith("/api/")
        session: Any = request.session
        if security.LOGIN_AT not in session:
            # A session opened some other way than the login page still gets the rules.
            security.start_session(request, user)
        elif security.session_expired(request):
            security.record(request, security.Kind.TIMEOUT, username=user.username, user=user)
            logout(request)
            if api:
                return self.get_response(request)  # answers 401 as for anyone logged out
            messages.info(request, _("Your session ended after a time without activity."))
            return redirect_to_login(request.get_full_path())
        if (
            security.must_verify(request)
            and not user.is_verified()
            and not path.startswith(OPEN_BEFORE_SECOND_FACTOR)
        ):
            if api:
                return JsonResponse(
                    {
                        "code": "second_factor_required",
                        "message": _("Enter the code of your second factor first."),
                        "field": None,
                    },
                    status=401,
                )
            name = "accounts:verify" if security.has_second_factor(user) else "accounts:two_factor"
            return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
