"""Forms of the case pages: report (the phone page), act, filter the list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.core.inputs import TextForm
from gridgov.registry.models import Organisation

from .choices import Source, Stage
from .models import Category


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one field; checked and re-encoded by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}
            ),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[bytes]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [f.read() for f in files if f]


class ReportForm(TextForm):
    multiline_fields = frozenset({"description"})

    category = forms.ModelChoiceField(
        label=_("category"), queryset=Category.objects.none(), empty_label=None
    )
    description = forms.CharField(
        label=_("What is it"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    lon = forms.FloatField(label=_("longitude"), min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("latitude"), min_value=-90, max_value=90)
    address = forms.CharField(label=_("address or landmark"), max_length=200, required=False)
    source = forms.ChoiceField(label=_("source"), choices=Source.choices, initial=Source.PATROL)
    photos = PhotosField(
        label=_("photos"), help_text=_("Up to 6; taken with the camera or chosen.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["category"]
        # Only the lowest level is reported; each labelled with its major class.
        field.queryset = Category.objects.filter(
            active=True, children__isnull=True, parent__isnull=False
        ).select_related("parent")
        field.label_from_instance = lambda c: f"{c.parent.name} · {c.name}"


class ActForm(TextForm):
    multiline_fields = frozenset({"note"})

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
    unit = forms.ModelChoiceField(
        label=_("handling unit"), queryset=Organisation.objects.filter(kind="unit"), required=False
    )
    co_units = forms.ModelMultipleChoiceField(
        label=_("co-handling units"), queryset=Organisation.objects.filter(kind="unit"),
        required=False,
    )  # fmt: skip
    level = forms.CharField(label=_("or a grid (code)"), max_length=32, required=False)
    duplicate_of = forms.CharField(label=_("case number it repeats"), max_length=20, required=False)
    satisfaction = forms.TypedChoiceField(
        label=_("satisfaction"), coerce=int, required=False, empty_value=None,
        choices=[("", "—"), *[(i, str(i)) for i in range(5, 0, -1)]],
    )  # fmt: skip
    photos = PhotosField(label=_("photos"))


class FilterForm(TextForm):
    stage = forms.ChoiceField(
        label=_("stage"), choices=[("", _("all")), *Stage.choices], required=False
    )
    overdue = forms.BooleanField(label=_("overdue only"), required=False)
    grid = forms.CharField(label=_("grid code"), max_length=32, required=False)
