"""Forms of the meeting pages: call (or record) a meeting, mark attendance, record the
minutes and decisions, set a follow-up task, record it done, filter the task list."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.core.inputs import TextForm

from .choices import TASK_FILTERS, Kind, Presence
from .services import people_for

LINES = {"rows": 4}
CASE_NUMBERS = re.compile(r"[\s,，、;；]+")


def _person(u: Any) -> str:
    return u.get_full_name() or u.username


class MeetingForm(TextForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    chair: Any = forms.ModelChoiceField(label=_("Chair"), queryset=None, empty_label=None)  # type: ignore[arg-type]
    agenda = forms.CharField(
        label=_("Agenda"), widget=forms.Textarea(attrs=LINES), max_length=4000, required=False,
        help_text=_("One item per line."),
    )  # fmt: skip
    cases = forms.CharField(
        label=_("Cases discussed"), max_length=400, required=False,
        help_text=_("Joint consultations only: case numbers, separated by spaces."),
    )  # fmt: skip

    def __init__(self, *args: Any, grid: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chair: Any = self.fields["chair"]
        chair.queryset = people_for(grid)
        chair.label_from_instance = _person

    def clean_agenda(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["agenda"].splitlines() if line.strip()]

    def clean_cases(self) -> list[str]:
        return [n for n in CASE_NUMBERS.split(self.cleaned_data["cases"]) if n]


class AttendanceForm(TextForm):
    user = forms.IntegerField(min_value=1)
    presence = forms.ChoiceField(
        choices=[(p, label) for p, label in Presence.choices if p != Presence.INVITED]
    )
    reason = forms.CharField(max_length=200, required=False)


class MinutesForm(TextForm):
    minutes = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000,
        help_text=_("No phone or ID numbers here."),
    )  # fmt: skip
    decisions = forms.CharField(
        label=_("New decisions"), widget=forms.Textarea(attrs=LINES), max_length=4000,
        required=False,
        help_text=_("One decision per line; they are numbered after those recorded."),
    )  # fmt: skip

    def clean_decisions(self) -> list[str]:
        text = self.cleaned_data["decisions"]
        return [line.strip() for line in text.splitlines() if line.strip()]


class TaskForm(TextForm):
    decision: Any = forms.ModelChoiceField(label=_("Decision"), queryset=None, empty_label=None)  # type: ignore[arg-type]
    text = forms.CharField(label=_("Task"), max_length=500)
    owner: Any = forms.ModelChoiceField(label=_("Owner"), queryset=None)  # type: ignore[arg-type]
    deadline = forms.DateField(
        label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, meeting: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        decision: Any = self.fields["decision"]
        decision.queryset = meeting.decisions.all()
        decision.label_from_instance = lambda d: f"{d.number}. {d.text[:40]}"
        owner: Any = self.fields["owner"]
        owner.queryset = people_for(meeting.grid)
        owner.label_from_instance = _person


class DoneForm(TextForm):
    note = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class TaskFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Status"), choices=[("", _("all")), *TASK_FILTERS], required=False
    )
    grid = forms.RegexField(
        label=_("Grid code"), regex=r"^\d{1,32}$", max_length=32, required=False
    )
    mine = forms.BooleanField(label=_("Mine only"), required=False)
