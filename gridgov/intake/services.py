"""The public page's rate limit and report (the case itself is made by cases.services)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from gridgov.cases import services as cases
from gridgov.cases.choices import Source
from gridgov.cases.models import Case, Category
from gridgov.core.errors import ServiceError
from gridgov.grids.models import Grid

from .models import ReportQuota

KEEP = dt.timedelta(days=1)


def address_key(address: str | None) -> str:
    """A keyed hash of the client address: the same address counts together, and the table
    alone does not tell who sent anything. No address (a broken proxy header) counts as one
    client, so that it cannot be used to escape the limit."""
    return salted_hmac("gridgov.intake.quota", address or "-").hexdigest()


def take(key: str, now: dt.datetime, limit: int) -> bool:
    """Count one report for `key` in this clock hour; False when the hour's `limit` is used.

    A conditional UPDATE whose row count is checked (STYLE "Services"): two processes taking
    the last report at once cannot both get it. The first report of an hour inserts the row;
    if another process inserted it meanwhile the unique constraint refuses ours and we try
    the UPDATE again."""
    if limit <= 0:
        return False
    window = now.replace(minute=0, second=0, microsecond=0)
    for _attempt in range(2):
        rows = ReportQuota.objects.filter(key=key, window=window, count__lt=limit)
        if rows.update(count=F("count") + 1):
            return True
        if ReportQuota.objects.filter(key=key, window=window).exists():
            return False
        try:
            with transaction.atomic():
                ReportQuota.objects.create(key=key, window=window, count=1)
        except IntegrityError:
            continue
        # A new hour for this address: a good moment to forget the old ones.
        ReportQuota.objects.filter(window__lt=now - KEEP).delete()
        return True
    return False


def report(
    *,
    address: str | None,
    category: Category,
    grid: Grid,
    description: str,
    lon: float | None = None,
    lat: float | None = None,
    place: str = "",
    photos: list[bytes] | None = None,
) -> Case:
    """A resident's report from the public page: counted against the address's hourly limit
    in the same transaction as the case (a refused report uses none of it).

    With a location the grid is the one there (the resident may stand in the next grid
    from the poster they scanned); without one it is the poster's grid."""
    if category.parent_id is None or not category.active:
        raise ServiceError("invalid", _("Choose a category."), field="category")
    if lon is not None and lat is not None:
        grid = cases.locate(lon, lat)
    else:
        lon = lat = None
    with transaction.atomic():
        # The quota row stays locked until the case is in: only this address's next report
        # waits for it (photos are re-encoded inside, a second or so).
        if not take(address_key(address), timezone.now(), settings.PUBLIC_REPORTS_PER_HOUR):
            raise ServiceError(
                "too_many",
                _("Too many reports from this connection; please try again in an hour."),
                status=429,
            )
        return cases.report(
            actor=None, category=category, grid=grid, description=description,
            source=Source.RESIDENT, lon=lon, lat=lat, address=place, photos=photos,
        )  # fmt: skip
