"""Forms of the visit pages: record a visit (the phone page), choose the coverage."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.cases.forms import PhotosField
from gridgov.cases.models import Category
from gridgov.core.inputs import TextForm
from gridgov.grids.models import Grid
from gridgov.registry.models import Household, Resident

from .choices import Mood

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


# ---------------------------------------------------------------- people's sentiment diary

CASE_NUMBERS = r"^[0-9A-Za-z\-]+([,，\s]+[0-9A-Za-z\-]+)*$"


class DiaryForm(TextForm):
    """An entry of the worker's diary (民情日記): the phone page."""

    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none(), empty_label=None)
    day = forms.DateField(
        label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    heard = forms.CharField(
        label=_("What was heard or seen"), widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000, help_text=_("No phone or ID numbers here."),
    )  # fmt: skip
    mood = forms.ChoiceField(label=_("Mood of the people"), choices=Mood.choices)
    follow_up = forms.CharField(
        label=_("Follow-up wanted"), widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000, required=False,
    )  # fmt: skip
    households = forms.ModelMultipleChoiceField(
        label=_("Households concerned"), queryset=Household.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    cases = forms.RegexField(
        label=_("Case numbers"), regex=CASE_NUMBERS, max_length=200, required=False,
        help_text=_("Separated by commas."),
    )  # fmt: skip

    def __init__(self, *args: Any, grids: Any, households: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grid: Any = self.fields["grid"]
        grid.queryset = grids
        grid.label_from_instance = lambda g: g.name
        homes: Any = self.fields["households"]
        homes.queryset = households
        homes.label_from_instance = lambda h: h.address

    def case_numbers(self) -> list[str]:
        return sorted(set(re.split(r"[,，\s]+", self.cleaned_data.get("cases") or "")) - {""})


class DiarySearchForm(TextForm):
    """The heads' search of their workers' diaries; every filter optional."""

    q = forms.CharField(label=_("Text"), max_length=100, required=False)
    start = forms.DateField(
        label=_("From"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    end = forms.DateField(
        label=_("To (included)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    grid = forms.RegexField(
        label=_("Grid code"), regex=r"^\d{1,32}$", max_length=32, required=False
    )
    worker = forms.CharField(label=_("Worker (username)"), max_length=150, required=False)
    mood = forms.ChoiceField(
        label=_("Mood of the people"), choices=[("", "—"), *Mood.choices], required=False
    )
