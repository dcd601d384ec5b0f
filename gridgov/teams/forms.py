"""Forms of the team pages: give a person a role on a grid, end it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role, may_grant, title
from gridgov.core.forms import DATE
from gridgov.core.inputs import TextForm
from gridgov.registry.models import Organisation


class AssignForm(TextForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("role"))
    starts_on = forms.DateField(label=_("from"), widget=DATE, initial=timezone.localdate)
    unit = forms.ModelChoiceField(
        label=pgettext_lazy("organisation", "unit"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("For an informant or head of a dedicated grid: the unit they answer for."),
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args: Any, grid: Any, rights: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the roles this person may give here (no one raises another above themselves).
        role_field: Any = self.fields["role"]
        role_field.choices = [
            (r, title(r, grid.depth)) for r in Role.values if may_grant(rights, r)
        ]
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = Organisation.objects.filter(grid=grid).order_by("name")

    def clean_username(self) -> User:
        name = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account with this username."))
        return user


class EndForm(TextForm):
    ends_on = forms.DateField(label=_("last day"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)
