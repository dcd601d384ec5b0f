"""Overdue visits told to the grid workers: once a day, one digest notice per worker
listing how many households of their grids are past due (ADR 0023).

The overdue households are counted per grid in one GROUP BY over the index on (next_due,
grid_code); each running grid-worker assignment then adds up the counts of the grids under
it. The notice key holds the day: a second run the same day tells no one twice.
"""

from __future__ import annotations

import bisect
import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gridgov.accounts.models import Assignment
from gridgov.accounts.roles import Role
from gridgov.core.lib.codes import subtree_range
from gridgov.notices.services import notify

from .models import Schedule


def overdue_per_grid(today: dt.date) -> dict[str, int]:
    return dict(
        Schedule.objects.filter(next_due__lt=today)
        .values("grid_code")
        .annotate(n=Count("household_id"))
        .values_list("grid_code", "n")
        .order_by()
    )


def sweep(today: dt.date | None = None) -> int:
    """Tell each grid worker how many of their households are overdue; returns the people
    told."""
    today = today or timezone.localdate()
    counts = overdue_per_grid(today)
    codes = sorted(counts)
    people: dict[int, Any] = {}
    owed: dict[int, int] = {}
    for a in Assignment.objects.active(today).filter(role=Role.GRID_WORKER).select_related("user"):
        low, high = subtree_range(a.grid_code)
        n = sum(
            counts[c]
            for c in codes[bisect.bisect_left(codes, low) : bisect.bisect_left(codes, high)]
        )
        if n:
            people[a.user_id] = a.user
            owed[a.user_id] = owed.get(a.user_id, 0) + n
    with transaction.atomic():
        for pk, n in owed.items():
            notify(
                recipients=[people[pk]],
                kind="visit.overdue",
                subject=ngettext(
                    "%(n)d household of your grids is overdue for a visit",
                    "%(n)d households of your grids are overdue for a visit",
                    n,
                )
                % {"n": n},
                body=_("Open today's visits to see them."),
                link="/m/visits/",
                key=f"visits:overdue:{today:%Y%m%d}",
            )
    return len(owed)
