"""Likely duplicates: the box never loses a point within the distance (property), the query
keeps open cases of the same category near in space and time and in the person's scope,
and the case page and the API show them only to those who may merge."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from gridgov.cases import duplicates, services
from gridgov.cases.duplicates import EARTH_RADIUS_M, bbox, haversine_m, near
from gridgov.cases.models import Case, Category
from gridgov.conftest import log_in

# Away from the antimeridian and the poles (duplicates.py says why).
lons = st.floats(-170, 170, allow_nan=False)
lats = st.floats(-80, 80, allow_nan=False)
metres = st.floats(1, 5000, allow_nan=False)


@given(lons, lats, metres, st.floats(0, 360), st.floats(0, 1))
def test_it_keeps_every_point_within_the_distance_inside_the_box(
    lon: float, lat: float, d: float, bearing: float, share: float
) -> None:
    # Given a point at `share` of the distance in any direction (the spherical destination
    # formula), when the box is made, then the point lies in it and the haversine agrees.
    a, b, phi = share * d / EARTH_RADIUS_M, math.radians(bearing), math.radians(lat)
    lat2 = math.asin(math.sin(phi) * math.cos(a) + math.cos(phi) * math.sin(a) * math.cos(b))
    dlon = math.atan2(
        math.sin(b) * math.sin(a) * math.cos(phi), math.cos(a) - math.sin(phi) * math.sin(lat2)
    )
    lon2, lat2 = lon + math.degrees(dlon), math.degrees(lat2)
    x0, y0, x1, y1 = bbox(lon, lat, d)
    assert x0 <= lon2 <= x1 and y0 <= lat2 <= y1
    assert haversine_m(lon, lat, lon2, lat2) == pytest.approx(share * d, abs=1e-6)


@given(lons, lats, metres, st.lists(st.tuples(lons, lats), max_size=20))
def test_it_keeps_exactly_the_points_within_the_distance_nearest_first(
    lon: float, lat: float, d: float, points: list[tuple[float, float]]
) -> None:
    got = near(lon, lat, [(i, x, y) for i, (x, y) in enumerate(points)], d)
    assert sorted(k for k, _ in got) == [
        i for i, (x, y) in enumerate(points) if haversine_m(lon, lat, x, y) <= d
    ]
    assert [dist for _, dist in got] == sorted(dist for _, dist in got)


def test_it_measures_known_distances() -> None:
    assert haversine_m(106.0, 36.0, 106.0, 36.0) == 0
    # One degree of latitude on the mean sphere; 50 m east at 36° N.
    assert haversine_m(106.0, 36.0, 106.0, 37.0) == pytest.approx(111_195.08, abs=0.01)
    east = 50 / (EARTH_RADIUS_M * math.cos(math.radians(36.0))) * 180 / math.pi
    assert haversine_m(106.0, 36.0, 106.0 + east, 36.0) == pytest.approx(50, abs=1e-3)


# ---------------------------------------------------------------- in the database

M = 1 / 111_195.08  # degrees of latitude in a metre


def at(cast: Any, north_m: float, code: str = "0101", lon: float = 106.05) -> Case:
    return services.report(
        actor=cast.worker_a1, category=Category.objects.get(code=code), grid=cast.a1,
        description="垃圾", lon=lon, lat=36.2 + north_m * M,
    )  # fmt: skip


@pytest.mark.django_db
def test_it_finds_open_cases_of_the_category_near_in_space_and_time(cast: Any) -> None:
    case = at(cast, 0)
    near1, near2 = at(cast, 30), at(cast, -10)
    at(cast, 60)  # too far
    at(cast, 5, code="0103")  # another category
    ended = at(cast, 1)
    services.act(case=ended, actor=cast.head_a, action="reject", note="重复")
    old = at(cast, 2)
    Case.objects.filter(pk=old.pk).update(created_at=case.created_at - dt.timedelta(hours=73))
    got = duplicates.likely_duplicates(case, cast.head_a)
    assert [c.number for c in got] == [near2.number, near1.number]
    assert [c.number for c in duplicates.likely_duplicates(case, cast.head_a, metres=100)] == [
        near2.number, near1.number, Case.objects.get(lat=36.2 + 60 * M).number,
    ]  # fmt: skip


@pytest.mark.django_db
def test_it_shows_them_only_to_those_who_may_merge(cast: Any) -> None:
    case, other = at(cast, 0), at(cast, 20)
    assert duplicates.likely_duplicates(case, cast.head_a) == [other]
    # The worker may not merge (no dispatch right), the outsider sees neither case.
    assert duplicates.likely_duplicates(case, cast.worker_a1) == []
    assert duplicates.likely_duplicates(case, cast.worker_b1) == []
    # A case without a location has none.
    case.lon = case.lat = None
    assert duplicates.likely_duplicates(case, cast.head_a) == []


@pytest.mark.django_db
def test_it_lists_them_on_the_case_page_and_in_the_api(cast: Any) -> None:
    case, other = at(cast, 0), at(cast, 20)
    page = log_in(Client(), cast.head_a).get(f"/cases/{case.number}/").content.decode()
    assert f'href="/cases/{other.number}/"' in page and 'id="h-dups"' in page
    page = log_in(Client(), cast.worker_a1).get(f"/cases/{case.number}/").content.decode()
    assert 'id="h-dups"' not in page
    api = Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens['head_a']}")
    assert api.get(f"/api/v1/cases/{case.number}").json()["likely_duplicates"] == [other.number]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens['worker_a1']}")
    assert api.get(f"/api/v1/cases/{case.number}").json()["likely_duplicates"] == []
    # Merged, it is no longer open: the other case's list is empty.
    services.act(case=case, actor=cast.head_a, action="merge", duplicate_of=other)
    assert duplicates.likely_duplicates(other, cast.head_a) == []
