"""Ground for the division tests, on top of the fixed cast: roads across community A
(106.0–106.2 E × 36.0–36.4 N) at 106.05, 106.1, 106.15 E and 36.1, 36.2, 36.3 N cut it into
16 blocks of 0.05° × 0.1°; each block holds two buildings of 30 households, filed under the
cast's grid A1 (west of 106.1) or A2 (east)."""

from __future__ import annotations

import itertools
from typing import Any

from gridgov.grids.division import drafts
from gridgov.grids.models import DivisionDraft, Road
from gridgov.registry.models import Building, Household

LONS = [106.0, 106.05, 106.1, 106.15, 106.2]
LATS = [36.0, 36.1, 36.2, 36.3, 36.4]


def line(coords: list[tuple[float, float]]) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": [list(c) for c in coords]}


def add_ground(cast: Any) -> list[Building]:
    for lon in LONS[1:-1]:
        Road.objects.create(
            name=f"经{lon}路", kind="road", geometry=line([(lon, 35.95), (lon, 36.45)]),
            min_lon=lon, max_lon=lon, min_lat=35.95, max_lat=36.45,
        )  # fmt: skip
    for lat in LATS[1:-1]:
        Road.objects.create(
            name=f"纬{lat}街", kind="lane", geometry=line([(105.95, lat), (106.25, lat)]),
            min_lon=105.95, max_lon=106.25, min_lat=lat, max_lat=lat,
        )  # fmt: skip
    buildings = []
    seq = 0
    for x0, x1 in itertools.pairwise(LONS):
        for y0, y1 in itertools.pairwise(LATS):
            grid = cast.a1 if x1 <= 106.1 else cast.a2
            for f in (0.3, 0.7):
                seq += 1
                buildings.append(
                    Building.objects.create(
                        grid=grid,
                        grid_code=grid.code,
                        code=f"{grid.code}{seq:05d}",
                        name=f"{seq}号楼",
                        lon=x0 + (x1 - x0) * f,
                        lat=y0 + (y1 - y0) * f,
                    )
                )
    Household.objects.bulk_create(
        [
            Household(
                grid_id=b.grid_id,
                grid_code=b.grid_code,
                building=b,
                address=f"{b.name}{i}室",
                household_type="family",
            )
            for b in buildings
            for i in range(30)
        ]
    )
    return buildings


def border_move(draft: DivisionDraft, legal: bool = False) -> tuple[int, int]:
    """A block on a grid's border and the neighbouring grid's number (`legal`: one whose
    move keeps both grids within the bounds and the first in one piece)."""
    g = drafts.graph_of(draft)
    hh = [r.households for r in drafts.view(draft).rows]
    for i, r in enumerate(draft.labels):
        for j in g.nbr[i]:
            q = draft.labels[j]
            if q == r:
                continue
            rest = {n for n, lab in enumerate(draft.labels) if lab == r and n != i}
            if not legal or (
                hh[r] - g.w[i] >= draft.minimum
                and hh[q] + g.w[i] <= draft.maximum
                and rest
                and drafts._connected(g, rest)
            ):
                return i, q + 1
    raise AssertionError("no border block")
