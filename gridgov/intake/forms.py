"""The residents' report form: category, what, optionally where, photos. No name, phone or
other contact: the follow link is how the resident keeps track (docs/adr/0018)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.cases.forms import PhotosField
from gridgov.cases.models import Category
from gridgov.core.inputs import TextForm


class PublicReportForm(TextForm):
    multiline_fields = frozenset({"description"})

    category = forms.ModelChoiceField(
        label=_("What kind of problem"), queryset=Category.objects.none(), empty_label=None
    )
    description = forms.CharField(
        label=_("What is it"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
        help_text=_("Please leave out names, phone numbers and other personal details."),
    )  # fmt: skip
    lon = forms.FloatField(label=_("longitude"), min_value=-180, max_value=180, required=False)
    lat = forms.FloatField(label=_("latitude"), min_value=-90, max_value=90, required=False)
    place = forms.CharField(label=_("address or landmark"), max_length=200, required=False)
    photos = PhotosField(
        label=_("photos"), help_text=_("Up to 6; taken with the camera or chosen.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["category"]
        field.queryset = Category.objects.filter(
            active=True, children__isnull=True, parent__isnull=False
        ).select_related("parent")
        field.label_from_instance = lambda c: f"{c.parent.name} · {c.name}"

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if (d.get("lon") is None) != (d.get("lat") is None):
            self.add_error("lon", _("Give both longitude and latitude, or neither."))
        return d
