"""The clock of a case's stage: its deadline and the moment to warn (yellow) before it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from gridgov.core.lib import worktime

from .models import Category


def stage_deadline(
    category: Category, name: str, start: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """(deadline, warn_at) of the clock `name` started at `start`: the category's limit in
    its kind of time; the warning when GRIDGOV_CASE_WARN_SHARE of the span has passed."""
    amount, kind = category.limit(name)
    deadline = worktime.deadline(start, amount, kind)
    share = settings.CASE_WARN_SHARE
    return deadline, start + (deadline - start) * share
