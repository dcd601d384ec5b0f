"""Forms of the inspection pages: the coverage's filters, recording an inspection on the
phone (every check-list item's outcome, findings with their deadlines, photos), patrols."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.cases.forms import PhotosField
from gridgov.core.inputs import TextForm

from .choices import Outcome
from .services import MAX_FINDINGS, FindingIn

FINDINGS_SHOWN = 3  # finding rows on the phone form (the service takes up to MAX_FINDINGS)
assert FINDINGS_SHOWN <= MAX_FINDINGS


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


class RecordForm(TextForm):
    """One radio group per check-list item (fields `item_<id>`), the grid for a spot check,
    up to three findings each with its rectification deadline, notes and photos."""

    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
        required=False, help_text=_("No phone or ID numbers here."),
    )  # fmt: skip
    photos = PhotosField(
        label=_("photos"), help_text=_("Up to 6; taken with the camera or chosen.")
    )
    inspected_at = forms.DateTimeField(
        label=_("Inspected at"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty for now; within a week back."),
    )  # fmt: skip

    def __init__(self, *args: Any, items: list[Any], grids: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        if len(grids) > 1:
            self.fields["grid"] = forms.ChoiceField(
                label=_("Grid inspected"), choices=[(g.code, g.name) for g in grids]
            )
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=f"{item.position}. {item.text}", choices=Outcome.choices,
                widget=forms.RadioSelect(attrs={"class": "outcomes"}),
            )  # fmt: skip
        for n in range(FINDINGS_SHOWN):
            self.fields[f"finding_{n}"] = forms.CharField(
                label=_("Finding %(n)d") % {"n": n + 1}, max_length=2000, required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )  # fmt: skip
            self.fields[f"rectify_by_{n}"] = forms.DateField(
                label=_("Rectify by"), required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )  # fmt: skip
        self.order_fields(["grid", *[f"item_{i.pk}" for i in items]])

    def item_fields(self) -> list[Any]:
        return [self[f"item_{i.pk}"] for i in self.items]

    def finding_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"finding_{n}"], self[f"rectify_by_{n}"]) for n in range(FINDINGS_SHOWN)]

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        findings = []
        for n in range(FINDINGS_SHOWN):
            text, by = d.get(f"finding_{n}") or "", d.get(f"rectify_by_{n}")
            if text and by is None:
                self.add_error(f"rectify_by_{n}", _("Give the rectification deadline."))
            elif by is not None and not text:
                self.add_error(f"finding_{n}", _("Say what was found."))
            elif text and by is not None:
                findings.append(FindingIn(text, by))
        d["findings"] = findings
        d["outcomes"] = {i.pk: d.get(f"item_{i.pk}") for i in self.items}
        at = d.get("inspected_at")
        if at is not None and timezone.is_naive(at):
            d["inspected_at"] = timezone.make_aware(at)
        return d


class StartForm(forms.Form):
    grid = forms.ChoiceField(label=_("Grid"))

    def __init__(self, *args: Any, grids: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["grid"]
        field.choices = [(g.code, g.name) for g in grids]


class PointForm(forms.Form):
    lon = forms.FloatField(label=_("longitude"), min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("latitude"), min_value=-90, max_value=90)
    accuracy = forms.FloatField(required=False, min_value=0)
