"""/admin/ for system administrators: gridgov's own login, and a verified second factor."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from .security import must_verify


class GuardedAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        # The middleware already sends an unverified person to the second-factor page; this
        # keeps the admin closed if the middleware is ever left out.
        user: Any = request.user
        return super().has_permission(request) and not (
            must_verify(request) and not user.is_verified()
        )

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # One login page, with its lockout and audit, for the admin too.
        return redirect_to_login(request.GET.get("next") or request.get_full_path())
