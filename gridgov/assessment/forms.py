from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.core.inputs import TextForm

from .choices import Answer, Metric, PeriodKind, Satisfaction, Subject


class RankingForm(forms.Form):
    """The ranking page's and its export's filters (the API takes the same names)."""

    node = forms.RegexField(label=_("Grid code"), regex=r"^\d{1,32}$", required=False)
    subject = forms.ChoiceField(label=_("Who is ranked"), choices=Subject.choices)
    kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    on = forms.DateField(label=_("Any day of the period"))
    sort = forms.ChoiceField(
        label=_("Order"), required=False,
        choices=[("total", _("By total score")), ("name", _("By name")), *Metric.choices],
    )  # fmt: skip


class CardForm(forms.Form):
    node = forms.RegexField(label=_("Grid code"), regex=r"^\d{1,32}$", required=False)
    kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    on = forms.DateField(label=_("Any day of the period"))


class ScoreForm(TextForm):
    """A head's score of a subject on a manual indicator for the card's period."""

    indicator = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2_147_483_647)
    kind = forms.ChoiceField(widget=forms.HiddenInput, choices=PeriodKind.choices)
    on = forms.DateField(widget=forms.HiddenInput)
    node = forms.RegexField(widget=forms.HiddenInput, regex=r"^\d{1,32}$", required=False)
    score = forms.DecimalField(
        label=_("Score (0–100)"), min_value=0, max_value=100, decimal_places=2
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)


class SurveyForm(TextForm):
    """The public survey page's questions (群眾滿意度測評); nothing that names the resident."""

    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with the grid's service and management?"),
        choices=Satisfaction.choices, coerce=int, widget=forms.RadioSelect,
    )  # fmt: skip
    knows_worker = forms.ChoiceField(
        label=_("Do you know who your grid worker is?"), choices=Answer.choices,
        widget=forms.RadioSelect,
    )  # fmt: skip
    visited = forms.ChoiceField(
        label=_("Has a grid worker visited your home in the last three months?"),
        choices=Answer.choices, widget=forms.RadioSelect,
    )  # fmt: skip
    comment = forms.CharField(
        label=_("Anything you would like to tell us (optional; no names or phone numbers)"),
        max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class SurveyResultsForm(forms.Form):
    node = forms.RegexField(label=_("Grid code"), regex=r"^\d{1,32}$", required=False)
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end comes after the start."))
        return data


class RewardForm(TextForm):
    """A reward for a valuable lead (一事一獎): the case, the amount, why; the person when it
    is not the case's reporter."""

    node = forms.RegexField(widget=forms.HiddenInput, regex=r"^\d{1,32}$")
    case = forms.CharField(label=_("Case number"), max_length=20)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), min_value=Decimal("0.01"), max_value=100000, decimal_places=2
    )
    reason = forms.CharField(label=_("Why the lead was valuable"), max_length=500)
    person = forms.IntegerField(
        label=_("Person rewarded (if not the reporter)"), required=False, min_value=1,
        max_value=2_147_483_647, widget=forms.Select,
    )  # fmt: skip


class ProposalsForm(forms.Form):
    node = forms.RegexField(label=_("Grid code"), regex=r"^\d{1,32}$", required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2099)
