"""Overdue follow-up tasks told to their owners: once a day, one digest notice per owner
saying how many of their tasks are past the deadline.

One GROUP BY over the partial index of open tasks (deadline, owner). The notice key holds
the day: a second run the same day (a second scheduler, a retry) tells no one twice.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gridgov.accounts.models import User
from gridgov.notices.services import notify

from .models import FollowUp


def sweep(today: dt.date | None = None) -> int:
    """Tell each owner of overdue tasks how many there are; returns the people told."""
    today = today or timezone.localdate()
    owed = dict(
        FollowUp.objects.overdue(today)
        .values("owner_id")
        .annotate(n=Count("id"))
        .values_list("owner_id", "n")
        .order_by()
    )
    people = User.objects.in_bulk(list(owed))
    with transaction.atomic():
        for pk, n in sorted(owed.items()):
            notify(
                recipients=[people[pk]],
                kind="meeting_task.overdue",
                subject=ngettext(
                    "%(n)d follow-up task of a meeting is past its deadline",
                    "%(n)d follow-up tasks of meetings are past their deadlines",
                    n,
                )
                % {"n": n},
                body=_("Record what was done, or ask the chair for more time."),
                link="/meetings/tasks/?state=overdue&mine=1",
                key=f"meetings:overdue:{today:%Y%m%d}",
            )
    return len(owed)
