"""Account pages: login and logout, the second factor, password, API tokens, the login log."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridgov.core.models import record as audit
from gridgov.core.scope import holds_anywhere, scope_q

from . import forms, security
from .models import ApiToken, Assignment, LoginEvent
from .roles import RIGHTS, Right

RECOVERY_CODES = 10
Kind = LoginEvent.Kind


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("grids:home")


class LoginView(auth_views.LoginView):
    form_class = forms.LoginForm
    template_name = "web/login.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        security.record(self.request, Kind.LOGIN, username=user.username, user=user)
        security.start_session(self.request, user)
        if security.must_verify(self.request):
            name = "accounts:verify" if security.has_second_factor(user) else "accounts:two_factor"
            query = urlencode({"next": self.get_success_url()})
            return HttpResponseRedirect(f"{reverse(name)}?{query}")
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user: Any = request.user
        if user.is_authenticated:
            security.record(request, Kind.LOGOUT, username=user.username, user=user)
        return super().post(request, *args, **kwargs)


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of logging in: a code from the app, or a recovery code."""
    user: Any = request.user
    if user.is_verified():
        return redirect(_next(request))
    if not security.has_second_factor(user):
        return redirect(f"{reverse('accounts:two_factor')}?{urlencode({'next': _next(request)})}")
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            security.record(request, Kind.VERIFIED, username=user.username, user=user)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    _(
                        "You used a recovery code; %(n)d are left."
                        " Make new ones on your account page."
                    )
                    % {"n": left},
                )
            return redirect(_next(request))
        security.record(request, Kind.OTP_FAILED, username=user.username, user=user)
        if security.locked_until(username=user.username, address=None) is not None:
            # As many wrong codes as wrong passwords lock the account: start again later.
            logout(request)
            messages.error(request, _("Too many wrong codes. Try again later."))
            return redirect("login")
        form.add_error("code", _("This code is not right, or it was used already."))
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request)})


def _page(
    request: HttpRequest, template: str, ctx: dict[str, Any], section: str, status: int = 200
) -> HttpResponse:
    ctx = {**ctx, "section": section, "can_audit": holds_anywhere(request.user, Right.VIEW_AUDIT)}
    return render(request, template, ctx, status=status)


def _qr_svg(device: TOTPDevice) -> str:
    # segno writes plain SVG elements (no script, no style attribute): allowed by the CSP.
    return segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("QR code"))


def _secret(device: TOTPDevice) -> str:
    text = base64.b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _new_recovery_codes(user: Any) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@never_cache
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app, make new recovery codes, or remove the second factor."""
    user: Any = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    required = security.second_factor_required(user)
    action = request.POST.get("action") if request.method == "POST" else None
    form = forms.CodeForm(request.POST if action in ("enrol", "remove") else None)
    ctx: dict[str, Any] = {"required": required, "next": _next(request), "form": form}

    if confirmed is None:
        pending, _created = TOTPDevice.objects.get_or_create(
            user=user, confirmed=False, defaults={"name": "app"}
        )
        if action == "enrol" and form.is_valid():
            if pending.verify_token(form.cleaned_data["code"]):
                with transaction.atomic():
                    pending.confirmed = True
                    pending.save(update_fields=["confirmed"])
                    codes = _new_recovery_codes(user)
                    audit(
                        actor=user,
                        action="two_factor.enrol",
                        object_type="user",
                        object_key=str(user.pk),
                    )
                otp_login(request, pending)
                security.record(request, Kind.VERIFIED, username=user.username, user=user)
                request.session[security.MUST_VERIFY] = True
                return _page(
                    request, "accounts/recovery_codes.html", {**ctx, "codes": codes}, "two_factor"
                )
            form.add_error("code", _("This code is not right. Check the time on your phone."))
        ctx.update(device=pending, qr=_qr_svg(pending), secret=_secret(pending))
        return _page(request, "accounts/two_factor_enrol.html", ctx, "two_factor")

    if not user.is_verified():
        # The middleware asks for the code first when it must; this is for the others.
        return redirect(f"{reverse('accounts:verify')}?{urlencode({'next': request.path})}")
    if action == "recovery":
        codes = _new_recovery_codes(user)
        audit(actor=user, action="two_factor.recovery", object_type="user", object_key=str(user.pk))
        return _page(request, "accounts/recovery_codes.html", {**ctx, "codes": codes}, "two_factor")
    if action == "remove" and form.is_valid():
        if required:
            form.add_error(None, _("Your roles require a second factor; it cannot be removed."))
        elif match_token(user, form.cleaned_data["code"]) is None:
            form.add_error("code", _("This code is not right, or it was used already."))
        else:
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).delete()
                StaticDevice.objects.filter(user=user).delete()
                audit(
                    actor=user,
                    action="two_factor.remove",
                    object_type="user",
                    object_key=str(user.pk),
                )
            request.session[security.MUST_VERIFY] = False
            messages.success(request, _("The second factor is removed."))
            return redirect("accounts:account")
    recovery = StaticToken.objects.filter(device__user=user).count()
    ctx["recovery_left"] = recovery
    return _page(request, "accounts/two_factor.html", ctx, "two_factor")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The person's own security page: second factor, password, tokens, recent logins."""
    user: Any = request.user
    ctx = {
        "has_second_factor": security.has_second_factor(user),
        "required": security.second_factor_required(user),
        "recovery_left": StaticToken.objects.filter(device__user=user).count(),
        "events": LoginEvent.objects.filter(user=user)[:10],
    }
    return _page(request, "accounts/account.html", ctx, "account")


@never_cache
@login_required
def password(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # stay logged in here, out everywhere else
        audit(actor=user, action="password.change", object_type="user", object_key=str(user.pk))
        messages.success(request, _("Your password is changed."))
        return redirect("accounts:account")
    return _page(request, "accounts/password.html", {"form": form}, "password")


@never_cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The person's API tokens: create one (its key shown once, here), see, revoke."""
    user: Any = request.user
    form = forms.TokenForm(request.POST or None, user=user)
    key = None
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            token, key = ApiToken.issue(user, form.cleaned_data["name"], form.expires_at())
            audit(
                actor=user,
                action="token.create",
                object_type="api_token",
                object_key=str(token.pk),
                after={"name": token.name, "prefix": token.prefix},
            )
        form = forms.TokenForm(user=user)
    ctx = {
        "form": form,
        "key": key,
        "tokens": ApiToken.objects.filter(user=user),
        "now": timezone.now(),
    }
    # never_cache: the key must not stay in any cache.
    return _page(request, "accounts/tokens.html", ctx, "tokens", 201 if key else 200)


@require_POST
@login_required
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # another's: 404
    with transaction.atomic():
        audit(
            actor=request.user,
            action="token.revoke",
            object_type="api_token",
            object_key=str(token.pk),
            before={"name": token.name, "prefix": token.prefix},
        )
        token.delete()
    messages.success(request, _("Token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


def visible_login_events(user: Any) -> Any:
    """Login events an auditor may read: those of people holding a role inside the auditor's
    audit scope; attempts on unknown usernames only for county-wide auditors."""
    events = LoginEvent.objects.all()
    if user.is_superuser:
        return events
    people = Assignment.objects.filter(
        scope_q(user, "grid_code", Right.VIEW_AUDIT), user=OuterRef("user")
    )
    audit_roles = [role for role, rights in RIGHTS.items() if Right.VIEW_AUDIT in rights]
    county_wide = Assignment.objects.filter(
        user=user, role__in=audit_roles, grid__parent__isnull=True
    ).exists()
    return events.filter(
        Q(Exists(people)) | Q(user__isnull=True) if county_wide else Exists(people)
    )


@login_required
def login_log(request: HttpRequest) -> HttpResponse:
    """Every login, logout and refused login (等保 login audit), for auditors."""
    if not holds_anywhere(request.user, Right.VIEW_AUDIT):
        raise PermissionDenied
    form = forms.LoginEventFilterForm(request.GET)
    page = None
    if form.is_valid():
        d = form.cleaned_data
        qs = visible_login_events(request.user).select_related("user")
        if d["username"]:
            qs = qs.filter(username__icontains=d["username"].strip())
        if d["kind"]:
            qs = qs.filter(kind=d["kind"])
        if d["address"]:
            qs = qs.filter(address=d["address"])
        page = Paginator(qs.filter(form.days_q("at")), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {"form": form, "page": page, "query": query.urlencode()}
    return _page(request, "accounts/login_log.html", ctx, "logins")
