"""Blocks from roads: polygonised inside the parent, buildings placed, large blocks cut
between buildings and never through one (no database)."""

from __future__ import annotations

from shapely.geometry import LineString, Point, box

from gridgov.grids.division import blocks
from gridgov.grids.division.blocks import Building

PARENT = box(106.0, 36.0, 106.02, 36.02)  # about 1.8 km × 2.2 km


def _b(n: int, lon: float, lat: float, hh: int, code: str = "") -> Building:
    return Building(id=n, lon=lon, lat=lat, households=hh, grid_code=code)


def test_it_cuts_the_parent_along_roads_that_cross_it() -> None:
    roads = [
        LineString([(106.01, 35.9), (106.01, 36.1)]),  # crosses: cuts
        LineString([(105.9, 36.01), (106.1, 36.01)]),  # crosses: cuts
        LineString([(106.015, 36.015), (106.019, 36.019)]),  # a dead end: cuts nothing
    ]
    ground = blocks.build(PARENT, roads, [], split_above=500)
    assert len(ground.polys) == 4
    assert ground.graph.n == 4
    # Each block meets two others along a road.
    assert sorted(len(nb) for nb in ground.graph.nbr) == [2, 2, 2, 2]
    assert all(
        ln == rd
        for row_l, row_r in zip(ground.graph.nlen, ground.graph.nroad, strict=True)
        for ln, rd in zip(row_l, row_r, strict=True)
    )
    total = sum(ground.graph.area)
    assert abs(total - ground.frame.to_m(PARENT).area) < 1.0


def test_it_places_buildings_in_their_blocks_and_a_stray_one_in_the_nearest() -> None:
    roads = [LineString([(106.01, 35.9), (106.01, 36.1)])]
    found = [_b(1, 106.005, 36.01, 40), _b(2, 106.015, 36.01, 50), _b(3, 106.0205, 36.01, 5)]
    ground = blocks.build(PARENT, roads, found, split_above=500)
    west = next(i for i, p in enumerate(ground.polys) if p.centroid.x < 0)
    east = 1 - west
    assert ground.buildings[west] == [1]
    assert sorted(ground.buildings[east]) == [2, 3]
    assert ground.households[east] == 55


def test_it_cuts_a_block_over_the_maximum_between_buildings_never_through_one() -> None:
    found = [_b(n, 106.002 + 0.004 * (n % 5), 36.002 + 0.004 * (n // 5), 60) for n in range(25)]
    ground = blocks.build(PARENT, [], found, split_above=500)
    assert len(ground.polys) == 25
    assert sorted(len(ids) for ids in ground.buildings) == [1] * 25
    for poly, ids in zip(ground.polys, ground.buildings, strict=True):
        b = found[ids[0]]
        assert poly.contains(ground.frame.to_m(Point(b.lon, b.lat)))
    # Cells of one road block meet along no road.
    assert sum(map(sum, ground.graph.nroad)) == 0
    assert abs(sum(ground.graph.area) - ground.frame.to_m(PARENT).area) < 1.0


def test_it_keeps_a_block_of_one_building_whole_however_many_households() -> None:
    ground = blocks.build(PARENT, [], [_b(1, 106.01, 36.01, 900)], split_above=500)
    assert ground.households == [900]


def test_it_joins_the_cells_a_footprint_reaches_into() -> None:
    """Two building points 60 m apart; the first building's footprint stretches past the
    line halfway between them, so the two cells are one: no line through the building."""
    from shapely.geometry import box as rect

    wide = rect(106.0095, 36.0098, 106.0104, 36.0102)  # ~80 m long, its point at the west end
    found = [
        Building(id=1, lon=106.0096, lat=36.01, households=300, footprint=wide),
        Building(id=2, lon=106.01027, lat=36.0100, households=300),
        Building(id=3, lon=106.005, lat=36.005, households=10),
    ]
    ground = blocks.build(PARENT, [], found, split_above=500)
    assert sorted(sorted(ids) for ids in ground.buildings) == [[1, 2], [3]]
    for poly, ids in zip(ground.polys, ground.buildings, strict=True):
        if 1 in ids:
            assert poly.buffer(0.01).contains(ground.frame.to_m(wide))
