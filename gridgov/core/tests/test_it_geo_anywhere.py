"""Containment wherever on the globe: a point or polygon outside its parent is refused near
the poles, across the antimeridian and in the other hemisphere, not only at 36° N."""

from __future__ import annotations

import pytest
from shapely.geometry import Point, box

from gridgov.core.lib.geo import outside_part

TOLERANCE = 5.0
# A parent hugging the north pole: at its centroid a degree of longitude is 0.1 m, so the
# tolerance grown "in degrees at the centroid" used to reach 46° in every direction.
POLAR = box(0.0, 89.9999, 1.0, 89.99999)
COUNTY = box(106.0, 36.0, 106.4, 36.4)
EAST_EDGE = box(179.0, 0.0, 180.0, 1.0)


@pytest.mark.parametrize(
    ("child", "parent"),
    [
        (box(0.0, 89.0, 1.0, 89.5), POLAR),  # 50 km south of it
        (Point(0.5, 85.0), POLAR),
        (Point(-106.2, -36.2), COUNTY),  # the other hemisphere
        (Point(106.2, -36.2), COUNTY),
        (Point(106.2, 90.0), COUNTY),  # the pole itself
        (Point(106.2, -90.0), COUNTY),
        (box(-180.0, 0.2, -179.0, 0.8), EAST_EDGE),  # across the antimeridian
        (Point(180.0, 36.2), COUNTY),
        (box(106.1, 36.1, 106.2, 36.5), COUNTY),  # 11 km past the north edge
    ],
)
def test_it_refuses_what_lies_outside_wherever_it_is(child, parent) -> None:  # type: ignore[no-untyped-def]
    assert not outside_part(child, parent, TOLERANCE).is_empty


@pytest.mark.parametrize(
    ("child", "parent"),
    [
        (box(0.2, 89.99991, 0.8, 89.99998), POLAR),
        (Point(0.5, 89.99995), POLAR),
        (Point(106.4 + 4.0 / 90_000, 36.2), COUNTY),  # about 4 m past the east edge
        (Point(106.2, 36.4 + 4.0 / 110_574), COUNTY),  # 4 m past the north edge
        (box(179.5, 0.5, 180.0, 0.9), EAST_EDGE),
    ],
)
def test_it_keeps_what_lies_inside_or_within_the_tolerance(child, parent) -> None:  # type: ignore[no-untyped-def]
    assert outside_part(child, parent, TOLERANCE).is_empty


def test_it_refuses_a_point_just_past_the_tolerance() -> None:
    assert not outside_part(Point(106.4 + 7.0 / 90_000, 36.2), COUNTY, TOLERANCE).is_empty
