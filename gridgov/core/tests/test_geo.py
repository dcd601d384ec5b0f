"""gridgov.core.lib.geo: boundary validation, areas and the coverage check."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon, box

from gridgov.core.lib.geo import (
    GeometryError,
    area_m2,
    coverage,
    outside_part,
    parse_boundary,
    to_geojson,
)


@pytest.fixture(autouse=True)
def simplified_chinese() -> Iterator[None]:
    # Messages are checked in the default language; a page test run earlier in this thread
    # may have left another one active (LocaleMiddleware never deactivates).
    with translation.override("zh-hans"):
        yield


def polygon(*ring: tuple[float, float]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}


SQUARE = polygon((106.0, 36.0), (106.1, 36.0), (106.1, 36.1), (106.0, 36.1), (106.0, 36.0))


def refusal(data: Any) -> str:
    with pytest.raises(GeometryError) as e:
        parse_boundary(data)
    return e.value.message


# parse_boundary


def test_it_accepts_a_polygon_a_multipolygon_and_a_feature() -> None:
    assert parse_boundary(SQUARE).bounds == (106.0, 36.0, 106.1, 36.1)
    multi = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]]}
    assert isinstance(parse_boundary(multi), MultiPolygon)
    feature = {"type": "Feature", "properties": {"name": "甲"}, "geometry": SQUARE}
    geom = parse_boundary(feature)
    assert isinstance(geom, Polygon)
    assert geom.equals(box(106.0, 36.0, 106.1, 36.1))


@pytest.mark.parametrize(
    "data",
    [
        {"type": "Point", "coordinates": [106.0, 36.0]},
        {"type": "LineString", "coordinates": [[106.0, 36.0], [106.1, 36.1]]},
        {"type": "Feature", "geometry": None},
        [[106.0, 36.0]],
        "POLYGON ((0 0, 1 0, 1 1, 0 0))",
    ],
)
def test_it_refuses_what_is_not_a_polygon(data: Any) -> None:
    assert refusal(data) == "边界应为 GeoJSON 的 Polygon 或 MultiPolygon。"


def test_it_refuses_missing_coordinates_and_rings() -> None:
    assert refusal({"type": "Polygon", "coordinates": []}) == "缺少坐标。"
    multi = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"], []]}
    assert refusal(multi) == "第 2 个多边形没有环。"


def test_it_refuses_an_unclosed_ring() -> None:
    data = polygon((106.0, 36.0), (106.1, 36.0), (106.1, 36.1), (106.0, 36.1))
    data["coordinates"][0].append([106.0, 36.05])
    assert refusal(data) == "第 1 个多边形第 1 个环：环未闭合（首尾坐标不同）。"


def test_it_refuses_a_ring_of_fewer_than_four_positions() -> None:
    data = polygon((106.0, 36.0), (106.1, 36.0), (106.0, 36.0))
    assert refusal(data) == "第 1 个多边形第 1 个环：一个环至少需要 4 个坐标点。"


@pytest.mark.parametrize(
    ("lon", "lat"), [(180.5, 36.0), (-181.0, 36.0), (106.0, 90.1), (106.0, -95.0)]
)
def test_it_refuses_coordinates_out_of_range(lon: float, lat: float) -> None:
    data = polygon((lon, lat), (106.1, 36.0), (106.1, 36.1), (lon, lat))
    assert refusal(data) == f"第 1 个多边形第 1 个环：坐标 ({lon}, {lat}) 超出范围。"


def test_it_refuses_positions_that_are_not_two_numbers() -> None:
    data = polygon((106.0, 36.0), (106.1, 36.0), (106.1, 36.1), (106.0, 36.0))
    data["coordinates"][0][1] = ["106.1", 36.0]
    assert refusal(data) == "第 1 个多边形第 1 个环：每个坐标点应为 [经度, 纬度]。"
    data["coordinates"][0][1] = [True, 36.0]
    assert refusal(data) == "第 1 个多边形第 1 个环：每个坐标点应为 [经度, 纬度]。"


def test_it_refuses_a_self_intersecting_bowtie() -> None:
    bowtie = polygon((106.0, 36.0), (106.1, 36.1), (106.1, 36.0), (106.0, 36.1), (106.0, 36.0))
    message = refusal(bowtie)
    assert message.startswith("多边形无效：Self-intersection")
    assert message == "多边形无效：Self-intersection[106.05 36.05]。"


def test_it_refuses_a_polygon_without_area() -> None:
    # Degenerate rings are already invalid to GEOS...
    flat = polygon((106.0, 36.0), (106.1, 36.0), (106.2, 36.0), (106.0, 36.0))
    assert refusal(flat).startswith("多边形无效：")
    # ...a valid ring whose area underflows to zero is refused for having none.
    e = 1e-200
    assert refusal(polygon((0, 0), (e, 0), (e, e), (0, e), (0, 0))) == "多边形面积为零。"


def test_it_round_trips_its_own_geojson() -> None:
    # Given a geometry written out as GeoJSON (what the services store on a grid)
    geom = parse_boundary(SQUARE)
    out = to_geojson(geom)
    # Then it is plain JSON (lists, as the database gives it back) and parses again
    assert out["type"] == "Polygon"
    assert isinstance(out["coordinates"], list)
    assert isinstance(out["coordinates"][0][0], list)
    assert parse_boundary(out).equals(geom)


# Areas and the tolerance


def test_it_measures_areas_in_square_metres() -> None:
    # 0.001° × 0.001° at 36° N is about 110.6 m × 90.1 m.
    assert area_m2(box(106.0, 36.0, 106.001, 36.001)) == pytest.approx(9958.1, rel=1e-3)
    assert area_m2(Polygon()) == 0.0


def test_it_finds_what_lies_beyond_the_tolerance_only() -> None:
    parent = box(106.0, 36.0, 106.2, 36.4)
    # 3 m beyond the east edge (0.0000333° ≈ 3 m at 36° N): within a 5 m tolerance
    assert outside_part(box(106.1, 36.1, 106.2000333, 36.2), parent, 5.0).is_empty
    # 50 m beyond: the part outside the grown parent is reported
    beyond = outside_part(box(106.1, 36.1, 106.200555, 36.2), parent, 5.0)
    assert not beyond.is_empty
    # about (50 m - 5 m) × 11 057 m
    assert area_m2(beyond) == pytest.approx(45.0 * 11_057.4, rel=2e-2)


# coverage


PARENT = box(106.000, 36.000, 106.004, 36.002)


def test_it_finds_nothing_for_an_exact_partition() -> None:
    children = {
        "001": box(106.000, 36.000, 106.002, 36.002),
        "002": box(106.002, 36.000, 106.004, 36.001),
        "003": box(106.002, 36.001, 106.004, 36.002),
    }
    assert coverage(PARENT, children, 1.0) == []


def test_it_finds_an_exact_gap() -> None:
    # Given a strip 0.0005° wide between the two children
    children = {
        "001": box(106.000, 36.000, 106.002, 36.002),
        "002": box(106.0025, 36.000, 106.004, 36.002),
    }
    # When
    patches = coverage(PARENT, children, 1.0)
    # Then one gap of 0.0005° × 0.002° ≈ 45.1 m × 221.1 m
    assert len(patches) == 1
    gap = patches[0]
    assert (gap.kind, gap.between) == ("gap", ())
    assert gap.area_m2 == pytest.approx(9958.1, rel=1e-3)
    assert 106.002 < gap.lon < 106.0025
    assert 36.000 < gap.lat < 36.002
    assert parse_boundary(gap.geometry).equals(box(106.002, 36.000, 106.0025, 36.002))


def test_it_finds_an_exact_overlap_naming_both_children() -> None:
    children = {
        "001": box(106.000, 36.000, 106.002, 36.002),
        "002": box(106.0015, 36.000, 106.004, 36.002),
    }
    patches = coverage(PARENT, children, 1.0)
    assert len(patches) == 1
    overlap = patches[0]
    assert (overlap.kind, overlap.between) == ("overlap", ("001", "002"))
    assert overlap.area_m2 == pytest.approx(9958.1, rel=1e-3)
    assert 106.0015 < overlap.lon < 106.002


def test_it_ignores_patches_below_the_minimum_and_lists_the_largest_first() -> None:
    children = {
        "001": box(106.000, 36.000, 106.002, 36.002),  # overlaps 002 by 0.0005° (≈ 9958 m²)
        "002": box(106.0015, 36.000, 106.0039, 36.002),  # leaves 0.0001° (≈ 1992 m²) uncovered
    }
    patches = coverage(PARENT, children, 1.0)
    assert [p.kind for p in patches] == ["overlap", "gap"]
    assert patches[1].area_m2 == pytest.approx(1991.6, rel=1e-3)
    assert [p.kind for p in coverage(PARENT, children, 5000.0)] == ["overlap"]


def test_it_reports_the_whole_parent_as_a_gap_without_children() -> None:
    patches = coverage(PARENT, {}, 1.0)
    assert [(p.kind, p.area_m2) for p in patches] == [("gap", pytest.approx(79665, rel=1e-3))]


# Properties

cuts = st.lists(
    st.integers(1, 999).map(lambda v: v / 1000), min_size=1, max_size=8, unique=True
).map(sorted)


@given(cuts, st.lists(cuts, min_size=9, max_size=9), st.booleans())
def test_it_finds_no_patches_in_any_cutting_of_a_rectangle(
    first: list[float], second: list[list[float]], vertical: bool
) -> None:
    # Given a rectangle cut into strips, and each strip cut across into cells
    x0, y0, x1, y1 = 106.0, 36.0, 106.03, 36.02

    def at(t: float, a: float, b: float) -> float:
        return a + t * (b - a)

    children = {}
    edges = [0.0, *first, 1.0]
    for i, (a, b) in enumerate(itertools.pairwise(edges)):
        across = [0.0, *second[i], 1.0]
        for j, (c, d) in enumerate(itertools.pairwise(across)):
            if vertical:
                cell = box(at(a, x0, x1), at(c, y0, y1), at(b, x0, x1), at(d, y0, y1))
            else:
                cell = box(at(c, x0, x1), at(a, y0, y1), at(d, x0, x1), at(b, y0, y1))
            children[f"{i:03d}{j:03d}"] = cell
    # Then there is neither a gap nor an overlap of a square metre or more
    assert coverage(box(x0, y0, x1, y1), children, 1.0) == []
    assert sum(area_m2(c) for c in children.values()) == pytest.approx(
        area_m2(box(x0, y0, x1, y1)), rel=1e-3
    )
