from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ProposeForm(forms.Form):
    minimum = forms.IntegerField(label=_("Fewest households"), min_value=1, max_value=100_000)
    target = forms.IntegerField(label=_("Target households"), min_value=1, max_value=100_000)
    maximum = forms.IntegerField(label=_("Most households"), min_value=1, max_value=100_000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        low, high = settings.GRID_HOUSEHOLDS_MIN, settings.GRID_HOUSEHOLDS_MAX
        kwargs.setdefault("initial", {"minimum": low, "target": (low + high) // 2, "maximum": high})
        super().__init__(*args, **kwargs)


class MoveForm(forms.Form):
    block = forms.IntegerField(label=_("Block"), min_value=0)
    to = forms.TypedChoiceField(label=_("To proposed grid"), coerce=int)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, grids: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(n, str(n)) for n in range(1, grids + 1)]  # type: ignore[attr-defined]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
