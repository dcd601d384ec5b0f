"""Forms of the account pages: login, second factor, API tokens, the login log's filter."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.forms import DateRangeForm
from gridgov.core.inputs import TextForm

from . import security
from .models import ApiToken, LoginEvent


class LoginForm(AuthenticationForm):
    """Django's login form, refused while the account or address is locked; every outcome
    recorded (security.record)."""

    def clean(self) -> dict[str, Any]:
        username = (self.cleaned_data.get("username") or "").strip()
        self.cleaned_data["username"] = username
        address = security.client_address(self.request) if self.request else None
        until = security.locked_until(username=username, address=address)
        if until is not None:
            security.record(self.request, security.Kind.LOCKED, username=username)
            local = timezone.localtime(until)
            raise ValidationError(
                _("Too many failed logins. Try again after %(time)s.")
                % {"time": formats.time_format(local, "H:i")},
                code="locked",
            )
        try:
            return super().clean()
        except ValidationError:
            security.record(self.request, security.Kind.FAILED, username=username)
            raise


class CodeForm(TextForm):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=16,
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


EXPIRY_CHOICES = [
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("one year")),
    ("", _("never (until revoked)")),
]


class TokenForm(TextForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the system that will use it."),
    )
    expires = forms.ChoiceField(
        label=_("Valid for"), choices=EXPIRY_CHOICES, initial="90", required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("This field is required."), code="required")
        if ApiToken.objects.filter(user=self.user, name=name).exists():
            raise ValidationError(_("You already have a token of this name."), code="taken")
        return name

    def expires_at(self) -> dt.datetime | None:
        days = self.cleaned_data.get("expires")
        return timezone.now() + dt.timedelta(days=int(days)) if days else None


class LoginEventFilterForm(DateRangeForm):
    username = forms.CharField(label=_("Username"), required=False, max_length=150)
    kind = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("all")), *LoginEvent.Kind.choices]
    )
    address = forms.GenericIPAddressField(label=_("Address"), required=False)
