"""Point → grid lookup (R-GRID-8) from an in-memory spatial index.

Each process holds one index per network, built from the database (an STRtree over every
boundary, retired ones too) and tagged with the BoundaryStamp version it saw. `for_network`
re-reads that one integer and rebuilds when another process has changed a boundary, so
the index is a cache that is never wrong for longer than one call (DESIGN "Scale path").
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

import numpy as np
import shapely
from django.db import connection

from gridgov.core.lib.geo import parse_boundary

from .choices import GridKind
from .models import Grid

FOREVER = dt.date.max.toordinal()


@dataclass(frozen=True)
class Hit:
    code: str
    name: str
    depth: int
    kind: str


class GridIndex:
    def __init__(self, network_id: int, version: int) -> None:
        self.network_id = network_id
        self.version = version
        rows = list(
            Grid.objects.filter(network_id=network_id, boundary__isnull=False)
            .order_by("depth", "code")
            .values_list("code", "name", "depth", "kind", "boundary", "valid_from", "valid_to")
        )
        self.hits = [Hit(r[0], r[1], r[2], r[3]) for r in rows]
        self.depth = np.array([r[2] for r in rows], dtype=np.int16)
        self.dedicated = np.array([r[3] == GridKind.DEDICATED for r in rows], dtype=bool)
        self.start = np.array([r[5].toordinal() for r in rows], dtype=np.int64)
        self.end = np.array([r[6].toordinal() if r[6] else FOREVER for r in rows], dtype=np.int64)
        geoms = [parse_boundary(r[4]) for r in rows]
        self.current = np.flatnonzero(self.end == FOREVER)
        # Two trees: current grids (the usual question, smaller) and all grids ever.
        self.current_tree = shapely.STRtree([geoms[i] for i in self.current])
        self.all_tree = shapely.STRtree(geoms)
        shapely.prepare(geoms)

    def _pairs(self, lon: np.ndarray, lat: np.ndarray, at: dt.date | None) -> tuple:
        points = shapely.points(lon, lat)
        if at is None:
            p, t = self.current_tree.query(points, predicate="intersects")
            return p, self.current[t]
        p, t = self.all_tree.query(points, predicate="intersects")
        day = at.toordinal()
        keep = (self.start[t] <= day) & (self.end[t] > day)
        return p[keep], t[keep]

    def locate_many(
        self, lon: np.ndarray, lat: np.ndarray, at: dt.date | None = None
    ) -> np.ndarray:
        """For each point, the index (into `hits`) of its deepest comprehensive grid, or -1."""
        p, t = self._pairs(np.asarray(lon, float), np.asarray(lat, float), at)
        keep = ~self.dedicated[t]
        p, t = p[keep], t[keep]
        out = np.full(len(lon), -1, dtype=np.int64)
        # Sort by depth so that the deepest grid is written last and wins.
        order = np.argsort(self.depth[t], kind="stable")
        out[p[order]] = t[order]
        return out

    def locate(self, lon: float, lat: float, at: dt.date | None = None) -> list[Hit]:
        """Every grid containing the point, comprehensive ones by depth, then dedicated ones."""
        _, t = self._pairs(np.array([lon]), np.array([lat]), at)
        found = sorted(t.tolist(), key=lambda i: (self.dedicated[i], self.depth[i]))
        return [self.hits[i] for i in found]


_lock = threading.Lock()
_indexes: dict[int, GridIndex] = {}


def current_version() -> int:
    # One indexed single-row read: cheap enough to ask on every lookup request.
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM grids_boundarystamp WHERE id = 1")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def for_network(network_id: int) -> GridIndex:
    version = current_version()
    index = _indexes.get(network_id)
    if index is None or index.version != version:
        with _lock:
            index = _indexes.get(network_id)
            if index is None or index.version != version:
                index = GridIndex(network_id, version)
                _indexes[network_id] = index
    return index


def drop_all() -> None:
    """Forget every index (tests; after restoring a database)."""
    with _lock:
        _indexes.clear()
