"""The form of a person's public card (StaffProfile)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.core.inputs import TextForm


class ProfileForm(TextForm):
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 5 MB; kept as a 600-pixel JPEG without metadata."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)
    phone = forms.CharField(
        label=_("Public work phone"),
        max_length=30,
        required=False,
        help_text=_("The work number you choose to publish; leave empty to publish none."),
    )
    duties = forms.CharField(
        label=_("Duties"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    on_boards = forms.BooleanField(
        label=_("Show my photo, phone and duties on public boards"), required=False
    )
