"""Forms of the visit pages: record a visit (the phone page), choose the coverage."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.cases.forms import PhotosField
from gridgov.cases.models import Category
from gridgov.core.inputs import TextForm
from gridgov.registry.models import Household, Resident

# The category a visit's case gets unless the worker chooses another: 困難群眾幫扶 (必訪).
DEFAULT_CATEGORY = "0903"


class RecordForm(TextForm):
    findings = forms.CharField(
        label=_("What was found"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
        help_text=_("No phone or ID numbers here."),
    )  # fmt: skip
    residents = forms.ModelMultipleChoiceField(
        label=_("Residents met"), queryset=Resident.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    lon = forms.FloatField(label=_("longitude"), min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("latitude"), min_value=-90, max_value=90)
    photos = PhotosField(
        label=_("photos"), help_text=_("Up to 6; taken with the camera or chosen.")
    )
    open_case = forms.BooleanField(label=_("Open a case with these findings"), required=False)
    category = forms.ModelChoiceField(
        label=_("Case category"), queryset=Category.objects.none(), required=False,
        empty_label=None,
    )  # fmt: skip

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        residents: Any = self.fields["residents"]
        residents.queryset = Resident.objects.filter(household=household, status="active")
        residents.label_from_instance = lambda r: r.name
        field: Any = self.fields["category"]
        # Leaf categories, the must-visit ones (必訪) first.
        field.queryset = (
            Category.objects.filter(active=True, children__isnull=True, parent__isnull=False)
            .select_related("parent")
            .order_by("-must_visit", "code")
        )
        field.label_from_instance = lambda c: f"{c.parent.name} · {c.name}"
        field.initial = (
            Category.objects.filter(code=DEFAULT_CATEGORY).values_list("pk", flat=True).first()
        )


BY_CHOICES = (("grid", _("Grid")), ("worker", _("Grid worker")))


class CoverageForm(forms.Form):
    node = forms.RegexField(
        label=_("Grid code"), regex=r"^\d{1,32}$", max_length=32, required=False
    )
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To (included)"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    by = forms.ChoiceField(label=_("Group by"), choices=BY_CHOICES)
