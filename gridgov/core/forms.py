"""Form pieces shared by apps: a filter by a range of days, for logs searched by auditors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.inputs import TextForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DateRangeForm(TextForm):
    """`since` and `until`, both days included, in the site's time zone."""

    since = forms.DateField(label=_("from"), required=False, widget=DATE)
    until = forms.DateField(label=_("until"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def days_q(self, field: str) -> Q:
        """Rows whose `field` (a datetime) falls on the chosen days."""
        tz = timezone.get_current_timezone()
        q = Q()
        if since := self.cleaned_data.get("since"):
            q &= Q(**{f"{field}__gte": dt.datetime.combine(since, dt.time.min, tzinfo=tz)})
        if until := self.cleaned_data.get("until"):
            end = until + dt.timedelta(days=1)
            q &= Q(**{f"{field}__lt": dt.datetime.combine(end, dt.time.min, tzinfo=tz)})
        return q
