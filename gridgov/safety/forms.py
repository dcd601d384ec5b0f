from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.core.inputs import TextForm


class MonthForm(forms.Form):
    month = forms.RegexField(
        label=_("Month"), regex=r"^\d{4}-\d{2}$", required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": _("Give the month as YYYY-MM.")},
    )  # fmt: skip


class ViolationForm(TextForm):
    """A violation as the recorder sees it: the grid, the rule, the day, who committed it
    (one of the enterprise's people, or an outsider described), who stopped it."""

    grid = forms.ChoiceField(label=_("Where it happened"))
    rule = forms.ChoiceField(label=_("Rule broken"))
    happened_on = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    violator = forms.TypedChoiceField(
        label=_("Violator (one of the enterprise's people)"), coerce=int, required=False,
        empty_value=None,
    )  # fmt: skip
    outsider = forms.CharField(
        label=_("Or an outsider (who, e.g. a contractor's worker)"), max_length=100,
        required=False,
    )  # fmt: skip
    stoppers = forms.TypedMultipleChoiceField(
        label=_("Members who stopped it (no joint deduction)"), coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def __init__(self, *args: Any, grids: list[tuple[str, str]], rules: list[tuple[str, str]],
                 people: list[tuple[int, str]], **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["grid"].choices = [("", "—"), *grids]  # type: ignore[attr-defined]
        self.fields["rule"].choices = [("", "—"), *rules]  # type: ignore[attr-defined]
        self.fields["violator"].choices = [("", "—"), *people]  # type: ignore[attr-defined]
        self.fields["stoppers"].choices = people  # type: ignore[attr-defined]


class ReverseForm(TextForm):
    reason = forms.CharField(label=_("Why it is reversed"), max_length=300)


class CloseForm(TextForm):
    model = forms.TypedChoiceField(
        label=_("Safety model"), coerce=int, required=False, empty_value=None
    )
    worst = forms.ChoiceField(label=_("Worst department"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, models: list[tuple[int, str]],
                 worst: list[tuple[str, str]], **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", "—"), *models]  # type: ignore[attr-defined]
        self.fields["worst"].choices = [("", "—"), *worst]  # type: ignore[attr-defined]
