"""Likely duplicates (疑似重複): open cases of the same category reported near and about the
same time as a case, for those who may merge it (Action.MERGE with `duplicate_of`).

The distance is the haversine on a sphere; the database only prefilters with a box in
degrees that contains the whole circle (so nothing within the distance is missed), then the
exact distance decides in Python. The box is exact for a spherical cap: its half-height is
d/R radians of latitude, its half-width asin(sin(d/R) / cos(lat)) of longitude. The
antimeridian is not handled (a Chinese district never straddles it).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.conf import settings

from .choices import Action, Stage
from .models import Case
from .services import may
from .transitions import TABLE

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)
# Float rounding must never put a point that is just inside the circle outside the box.
_SLACK = 1 + 1e-9


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two (lon, lat) points in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bbox(lon: float, lat: float, metres: float) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) holding every point within `metres` of the point."""
    angle = metres / EARTH_RADIUS_M * _SLACK
    dlat = math.degrees(angle)
    c = math.cos(math.radians(lat))
    ratio = math.sin(min(angle, math.pi / 2)) / c if c > 1e-12 else 2.0
    # Near a pole the cap holds every longitude.
    dlon = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio)) * _SLACK
    return (lon - dlon, max(-90.0, lat - dlat), lon + dlon, min(90.0, lat + dlat))


def near(
    lon: float, lat: float, points: list[tuple[Any, float, float]], metres: float
) -> list[tuple[Any, float]]:
    """The (key, distance) of `points` (key, lon, lat) within `metres`, nearest first."""
    hits = [(key, haversine_m(lon, lat, plon, plat)) for key, plon, plat in points]
    return sorted(((k, d) for k, d in hits if d <= metres), key=lambda kd: kd[1])


def candidates(case: Case, *, metres: float | None = None, hours: float | None = None) -> Any:
    """The queryset the box and the time window allow (other open cases, same category).

    It narrows by category (the foreign key's index) and time first; the box on lon/lat
    then leaves a handful of rows for the exact distance."""
    metres = settings.DUPLICATE_METRES if metres is None else metres
    hours = settings.DUPLICATE_HOURS if hours is None else hours
    if case.lon is None or case.lat is None:
        return Case.objects.none()
    x0, y0, x1, y1 = bbox(case.lon, case.lat, metres)
    window = dt.timedelta(hours=hours)
    return (
        Case.objects.open()
        .filter(
            category_id=case.category_id,
            created_at__gte=case.created_at - window,
            created_at__lte=case.created_at + window,
            lon__gte=x0,
            lon__lte=x1,
            lat__gte=y0,
            lat__lte=y1,
        )
        .exclude(pk=case.pk)
    )


def likely_duplicates(case: Case, user: Any, *, metres: float | None = None) -> list[Case]:
    """Open cases the person can see that this one probably repeats, nearest first; empty
    unless the person may merge this case now (the list exists to help that decision)."""
    if case.stage not in (Stage.REPORTED, Stage.FILED) or not may(user, case, TABLE[Action.MERGE]):
        return []
    metres = settings.DUPLICATE_METRES if metres is None else metres
    rows = list(candidates(case, metres=metres).visible_to(user)[:200])
    by_pk = {c.pk: c for c in rows}
    hits = near(case.lon or 0.0, case.lat or 0.0, [(c.pk, c.lon, c.lat) for c in rows], metres)
    return [by_pk[pk] for pk, _d in hits]
