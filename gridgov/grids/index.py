"""Point → grid lookup (R-GRID-8) from an in-memory spatial index.

Each process holds one index per network, built from the database (an STRtree over every
boundary, retired ones too) and tagged with the boundaries' stamp it saw (core.stamps).
`for_network` re-reads the stamp and rebuilds when another process has changed a boundary,
so the index is a cache that is never wrong for longer than one call (DESIGN "Scale path").
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

import numpy as np
import shapely
from django.utils import timezone

from gridgov.core import stamps
from gridgov.core.lib.geo import parse_boundary

from .choices import GridKind
from .models import Grid, Network

FOREVER = dt.date.max.toordinal()


@dataclass(frozen=True)
class Hit:
    code: str
    name: str
    depth: int
    kind: str
    # The grid's identity, so that a caller needing the row (intake) need not read it: a
    # grid's id, parent and code never change, and a rename bumps the boundary stamp.
    id: int = 0
    parent_id: int | None = None

    def grid(self, network_id: int) -> Grid:
        """The grid as a model instance of the fields the index holds; the others (its
        boundary, its dates) are deferred and load if asked for."""
        known = {
            "id": self.id, "network_id": network_id, "parent_id": self.parent_id,
            "depth": self.depth, "code": self.code, "name": self.name, "kind": self.kind,
        }  # fmt: skip
        names = [f.attname for f in Grid._meta.concrete_fields if f.attname in known]
        return Grid.from_db("default", names, [known[n] for n in names])


class GridIndex:
    def __init__(self, network_id: int, version: int) -> None:
        self.network_id = network_id
        self.version = version
        rows = list(
            Grid.objects.filter(network_id=network_id, boundary__isnull=False)
            .order_by("depth", "code")
            .values_list(
                "code",
                "name",
                "depth",
                "kind",
                "boundary",
                "valid_from",
                "valid_to",
                "id",
                "parent_id",
            )
        )
        self.hits = [Hit(r[0], r[1], r[2], r[3], r[7], r[8]) for r in rows]
        self.depth = np.array([r[2] for r in rows], dtype=np.int16)
        self.dedicated = np.array([r[3] == GridKind.DEDICATED for r in rows], dtype=bool)
        self.start = np.array([r[5].toordinal() for r in rows], dtype=np.int64)
        self.end = np.array([r[6].toordinal() if r[6] else FOREVER for r in rows], dtype=np.int64)
        self.geoms = np.array([parse_boundary(r[4]) for r in rows], dtype=object)
        # "Current" means in force today, like Grid.objects.current(): a grid created with a
        # future start, or retired with a future end, changes on that day (for_network
        # rebuilds an index built on another day).
        self.built_on = timezone.localdate()
        today = self.built_on.toordinal()
        self.current = np.flatnonzero((self.start <= today) & (self.end > today))
        # Two trees: current grids (the usual question, smaller) and all grids ever.
        self.current_tree = shapely.STRtree(self.geoms[self.current])
        self.all_tree = shapely.STRtree(self.geoms)
        # Prepared polygons answer point-in-polygon from an index of their edges.
        shapely.prepare(self.geoms)
        # The order `locate` lists hits in, as plain tuples: reading numpy scalars inside a
        # sort key costs more than the rest of a single lookup.
        self.rank = [(bool(d), int(p)) for d, p in zip(self.dedicated, self.depth, strict=True)]

    def _pairs(self, lon: np.ndarray, lat: np.ndarray, at: dt.date | None) -> tuple:
        points = shapely.points(lon, lat)
        # Performance: the tree gives bounding-box candidates only, and the exact test runs
        # on the prepared polygons with intersects_xy (same "intersects" rule, boundary
        # included). Letting STRtree.query test each candidate with a predicate instead
        # made batches about half as fast (~2,500 grids, 200,000 points).
        if at is None:
            p, t = self.current_tree.query(points)
            t = self.current[t]
        else:
            p, t = self.all_tree.query(points)
            day = at.toordinal()
            keep = (self.start[t] <= day) & (self.end[t] > day)
            p, t = p[keep], t[keep]
        inside = shapely.intersects_xy(self.geoms[t], lon[p], lat[p])
        return p[inside], t[inside]

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
        # Performance: one point takes a path of its own. Going through `_pairs` with
        # one-element arrays spends most of its time in numpy and shapely call overhead;
        # a single Point queried with the predicate is about 1.3 times as fast.
        point = shapely.Point(lon, lat)
        if at is None:
            found = self.current[self.current_tree.query(point, predicate="intersects")]
        else:
            t = self.all_tree.query(point, predicate="intersects")
            day = at.toordinal()
            found = t[(self.start[t] <= day) & (self.end[t] > day)]
        rank = self.rank
        hits, depths = [], set()
        # Rows are in (depth, code) order, so ties sort by code. A point on the edge between
        # two grids of one level belongs to the lower code: one comprehensive grid a level.
        for i in sorted(found.tolist(), key=lambda i: (rank[i], i)):
            hit = self.hits[i]
            if hit.kind != GridKind.DEDICATED:
                if hit.depth in depths:
                    continue
                depths.add(hit.depth)
            hits.append(hit)
        return hits


_lock = threading.Lock()
_indexes: dict[int, GridIndex] = {}


def current_version() -> int:
    return stamps.version(stamps.BOUNDARIES) or 0


def for_network(network_id: int) -> GridIndex:
    return _index(network_id, current_version())


def _index(network_id: int, version: int) -> GridIndex:
    index = _indexes.get(network_id)
    today = timezone.localdate()
    if index is None or index.version != version or index.built_on != today:
        with _lock:
            index = _indexes.get(network_id)
            if index is None or index.version != version or index.built_on != today:
                index = GridIndex(network_id, version)
                _indexes[network_id] = index
    return index


_networks: tuple[int | None, dict[str, int]] = (None, {})


def for_slug(slug: str) -> GridIndex | None:
    """The index of the network `slug` (None: no such network). Case intake asks on every
    report: the networks' ids by slug are kept while their stamp stands, and both stamps
    come from one read (core.stamps)."""
    global _networks
    stamp, ids = _networks
    now = stamps.version(stamps.NETWORKS)
    if stamp != now or not stamps.usable(now):
        ids = dict(Network.objects.values_list("slug", "id"))
        _networks = (now, ids) if stamps.usable(now) else (None, {})
    network_id = ids.get(slug)
    return None if network_id is None else _index(network_id, current_version())


def drop_all() -> None:
    """Forget every index (tests; after restoring a database)."""
    global _networks
    with _lock:
        _indexes.clear()
        _networks = (None, {})
