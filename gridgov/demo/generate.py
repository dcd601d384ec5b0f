"""The demo district: a real county by its real code, name, streets/towns and outline, with
communities, grids, buildings, households and residents generated inside it.

Deterministic for a given seed and size. Facts and their sources: `data/640402.json` and the
README. Everything below the township level is invented.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import shapely.affinity
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from gridgov.core.lib import codes as codelib
from gridgov.core.lib import crypto, geo, idnumbers
from gridgov.grids.choices import GridKind, NetworkKind
from gridgov.grids.models import Grid, Network
from gridgov.registry.models import Building, Household, Resident

from . import names

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_COUNTY = "640402"
EPOCH = dt.date(2021, 1, 1)  # when the demo grids begin
URBAN_RADIUS_M = 4_500  # the county seat's built-up area, shared by the three streets

NETWORKS: list[dict[str, Any]] = [
    {
        "slug": "comprehensive",
        "name": "综合治理网格",
        "kind": NetworkKind.COMPREHENSIVE,
        "level_names": ["县（区）", "街道/乡镇", "社区/村", "网格", "楼栋"],
        "code_lengths": [6, 9, 12, 15, 20],
        "grid_depth": 3,
    },
    {
        "slug": "party",
        "name": "党建网格",
        "kind": NetworkKind.PARTY,
        "level_names": [
            "县（区）党委",
            "乡镇（街道）党委",
            "村（社区）党支部",
            "村民党小组",
            "党员中心户",
        ],
        "code_lengths": [6, 9, 12, 14, 17],
        "grid_depth": 3,
    },
    {
        "slug": "enforcement",
        "name": "行政执法网格",
        "kind": NetworkKind.ENFORCEMENT,
        "level_names": ["县（区）", "镇", "村/社区", "网格服务管理员片区"],
        "code_lengths": [6, 9, 12, 15],
        "grid_depth": 3,
    },
    {
        "slug": "enterprise-safety",
        "name": "企业安全生产网格",
        "kind": NetworkKind.ENTERPRISE_SAFETY,
        "level_names": ["企业", "一级网格（部门）", "二级网格（班组）", "三级网格（岗位）"],
        "code_lengths": [18, 20, 22, 24],
        "grid_depth": 3,
    },
]


def load_facts(county: str = DEFAULT_COUNTY) -> dict[str, Any]:
    path = DATA_DIR / f"{county}.json"
    if not path.exists():
        available = sorted(p.stem for p in DATA_DIR.glob("*.json"))
        raise ValueError(f"no offline facts for county {county}; available: {available}")
    return json.loads(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- geometry helpers


def _polygonal(geom: BaseGeometry) -> Polygon | MultiPolygon:
    geom = shapely.make_valid(geom)
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon) and g.area > 0]
    return MultiPolygon(parts) if len(parts) > 1 else parts[0]


def _snap(geom: BaseGeometry) -> Polygon | MultiPolygon:
    """Round to the precision stored (1e-7°, about a centimetre) so checks see what is saved."""
    return _polygonal(shapely.set_precision(geom, 1e-7))


def random_points(poly: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    minx, miny, maxx, maxy = poly.bounds
    out: list[np.ndarray] = []
    got = 0
    shapely.prepare(poly)
    while got < n:
        k = max(64, 2 * (n - got))
        xs = rng.uniform(minx, maxx, k)
        ys = rng.uniform(miny, maxy, k)
        inside = shapely.contains_xy(poly, xs, ys)
        pts = np.column_stack([xs[inside], ys[inside]])
        out.append(pts)
        got += len(pts)
    return np.concatenate(out)[:n]


def split(
    poly: BaseGeometry,
    n: int,
    rng: np.random.Generator,
    seeds: np.ndarray | None = None,
    relax: int = 2,
) -> list[Polygon | MultiPolygon]:
    """Cut `poly` into `n` pieces that cover it exactly: clipped Voronoi cells of seeds,
    moved towards their cells' centroids (Lloyd) so that pieces come out of similar size."""
    if n <= 1:
        return [_snap(poly)]
    pts = random_points(poly, n, rng) if seeds is None else seeds
    envelope = poly.envelope.buffer(max(poly.bounds[2] - poly.bounds[0], 0.01))
    cells: list[BaseGeometry] = []
    for step in range(relax + 1):
        vor = shapely.voronoi_polygons(MultiPoint(pts), extend_to=envelope, ordered=True)
        cells = [cell.intersection(poly) for cell in vor.geoms]
        if step < relax:
            moved = []
            for (x, y), cell in zip(pts, cells, strict=True):
                c = cell.representative_point() if cell.is_empty is False else Point(x, y)
                cen = cell.centroid
                moved.append((cen.x, cen.y) if poly.contains(cen) else (c.x, c.y))
            pts = np.array(moved)
    return [_snap(c) for c in cells if not c.is_empty]


def _metres(poly: BaseGeometry) -> tuple[float, float]:
    lat = poly.centroid.y
    return geo.metres_per_degree_lon(lat), geo.METRES_PER_DEGREE_LAT


# ---------------------------------------------------------------- plan of the district


@dataclass
class GridPlan:
    code: str
    name: str
    geom: Polygon | MultiPolygon
    households: int
    urban: bool
    kind: str = GridKind.COMPREHENSIVE
    subtype: str = ""
    host: str | None = None
    children: list[GridPlan] = field(default_factory=list)


def _household_split(total: int, parts: int, rng: np.random.Generator) -> list[int]:
    weights = rng.uniform(0.8, 1.2, parts)
    raw = np.floor(weights / weights.sum() * total).astype(int)
    raw[: total - raw.sum()] += 1
    return raw.tolist()


def _grid_sizes(total: int, rng: np.random.Generator) -> list[int]:
    """Households per grid: mostly 300–500 (R-GRID-4); about one grid in twenty is off
    standard, as in any real district, so that the size report has something to show."""
    n = max(1, round(total / 400))
    sizes = _household_split(total, n, rng)
    return sizes


def plan_district(facts: dict[str, Any], households: int, rng: np.random.Generator) -> GridPlan:
    outline = _snap(geo.parse_boundary(facts["outline"]))
    county = facts["county"]
    seat = Point(county.get("lon", outline.centroid.x), county.get("lat", outline.centroid.y))
    if not outline.contains(seat):
        seat = outline.representative_point()
    root = GridPlan(county["code"], county["name"], outline, households, urban=False)
    towns = facts["townships"]
    streets = [t for t in towns if int(t["code"][6:9]) < 100]
    rural = [t for t in towns if int(t["code"][6:9]) >= 100]
    mx, my = _metres(outline)
    disk = shapely.affinity.scale(
        seat.buffer(1, quad_segs=16), URBAN_RADIUS_M / mx, URBAN_RADIUS_M / my
    )
    urban_area = _snap(outline.intersection(disk))
    rest = _snap(outline.difference(urban_area))
    # Two thirds of households live in the streets of the county seat.
    urban_total = round(households * 0.65) if streets and rural else (households if streets else 0)
    street_hh = _household_split(urban_total, len(streets), rng) if streets else []
    town_hh = _household_split(households - urban_total, len(rural), rng) if rural else []
    pieces = split(urban_area, len(streets), rng) if streets else []
    pieces += split(rest, len(rural), rng, relax=3) if rural else []
    for town, geom, hh in zip(streets + rural, pieces, street_hh + town_hh, strict=True):
        is_urban = town in streets
        node = GridPlan(town["code"][:9], town["name"], geom, hh, urban=is_urban)
        root.children.append(node)
        _plan_communities(node, rng)
    return root


def _unique_names(words: list[str], suffix: str, n: int, rng: np.random.Generator) -> list[str]:
    order = rng.permutation(len(words)).tolist()
    out = []
    for i in range(n):
        word = words[order[i % len(words)]]
        out.append(f"{word}{suffix}" if i < len(words) else f"{word}{i // len(words) + 1}{suffix}")
    return out


def _plan_communities(town: GridPlan, rng: np.random.Generator) -> None:
    per = 2_400 if town.urban else 1_600
    n = max(1, round(town.households / per))
    sizes = _household_split(town.households, n, rng)
    geoms = split(town.geom, n, rng)
    words = names.URBAN_WORDS if town.urban else names.VILLAGE_WORDS
    labels = _unique_names(words, "社区" if town.urban else "村", len(geoms), rng)
    first = 1 if town.urban else 200  # communities from 001, villages from 200
    centroids = [(g.centroid.x, g.centroid.y) for g in geoms]
    for rank, i in enumerate(codelib.reading_order(centroids)):
        code = f"{town.code}{first + rank:03d}"
        node = GridPlan(code, labels[i], geoms[i], sizes[i], urban=town.urban)
        town.children.append(node)
        _plan_grids(node, rng)


def _plan_grids(community: GridPlan, rng: np.random.Generator) -> None:
    sizes = _grid_sizes(community.households, rng)
    geoms = split(community.geom, len(sizes), rng)
    sizes = sizes[: len(geoms)] if len(geoms) < len(sizes) else sizes
    centroids = [(g.centroid.x, g.centroid.y) for g in geoms]
    for rank, i in enumerate(codelib.reading_order(centroids)):
        code = f"{community.code}{rank + 1:03d}"
        name = f"{community.name}第{rank + 1}网格"
        community.children.append(GridPlan(code, name, geoms[i], sizes[i], community.urban))


def _plan_dedicated(root: GridPlan, rng: np.random.Generator) -> list[GridPlan]:
    """A few dedicated grids (R-GRID-7) in the urban communities: small units inside a
    comprehensive grid, each linked to that grid."""
    out: list[GridPlan] = []
    n = 0
    for town in root.children:
        if not town.urban:
            continue
        for community in town.children[:3]:
            subtype, pattern = names.DEDICATED_UNITS[n % len(names.DEDICATED_UNITS)]
            n += 1
            host = community.children[0]
            centre = host.geom.representative_point()
            mx, my = _metres(host.geom)
            box = shapely.box(
                centre.x - 60 / mx, centre.y - 45 / my, centre.x + 60 / mx, centre.y + 45 / my
            )
            geom = _snap(box.intersection(host.geom))
            label = pattern.format(n=n, w=community.name.removesuffix("社区"))
            out.append(
                GridPlan(
                    f"{community.code}{700 + len([d for d in out if d.code.startswith(community.code)]):03d}",
                    label,
                    geom,
                    0,
                    True,
                    GridKind.DEDICATED,
                    subtype,
                    host.code,
                )
            )
            community.children.append(out[-1])
    return out


# ---------------------------------------------------------------- people


# Residents per household: 1..5 with these shares (mean ≈ 3).
_SIZES = np.array([1, 2, 3, 4, 5])
_SIZE_P = np.array([0.10, 0.25, 0.30, 0.20, 0.15])
# Neighbouring counties of Ningxia, for residents registered elsewhere.
_OTHER_ADDRESSES = ["640422", "640423", "640424", "640425", "640302", "640104"]
_PHONE_PREFIXES = ["133", "139", "151", "153", "155", "177", "180", "181", "186", "189", "199"]


class People:
    """Generates unique, valid ID numbers and plausible names for one run."""

    def __init__(self, county: str, rng: np.random.Generator, today: dt.date) -> None:
        self.county = county
        self.rng = rng
        self.today = today
        self.used: set[str] = set()

    def name(self) -> str:
        r = self.rng
        surname = names.SURNAMES[int(r.integers(len(names.SURNAMES)))]
        k = 1 if r.random() < 0.25 else 2
        chars = r.integers(len(names.GIVEN_CHARS), size=k)
        return surname + "".join(names.GIVEN_CHARS[int(c)] for c in chars)

    def id_number(self, age: int, sex: str) -> tuple[str, dt.date]:
        r = self.rng
        address = self.county if r.random() < 0.9 else _OTHER_ADDRESSES[int(r.integers(6))]
        while True:
            born = self.today - dt.timedelta(days=int(age * 365.25 + r.integers(365)))
            seq = int(r.integers(500)) * 2 + (1 if sex == "m" else 0)
            value = idnumbers.make(address, born, seq % 1000)
            if value not in self.used:
                self.used.add(value)
                return value, born

    def phone(self) -> str:
        r = self.rng
        return (
            _PHONE_PREFIXES[int(r.integers(len(_PHONE_PREFIXES)))] + f"{int(r.integers(10**8)):08d}"
        )

    def household(self) -> list[tuple[str, str, int, str]]:
        """(name, sex, age, relation) of each member, head first."""
        r = self.rng
        size = int(r.choice(_SIZES, p=_SIZE_P))
        head_sex = "m" if r.random() < 0.7 else "f"
        head_age = int(r.integers(24, 82))
        members = [(self.name(), head_sex, head_age, "head")]
        other = "f" if head_sex == "m" else "m"
        if size >= 2:
            members.append(
                (self.name(), other, max(20, head_age + int(r.integers(-4, 5))), "spouse")
            )
        for _ in range(2, min(size, 4)):
            age = head_age - int(r.integers(22, 34))
            if age >= 0:
                members.append((self.name(), "m" if r.random() < 0.5 else "f", age, "child"))
        if size == 5 and head_age < 58:
            members.append((self.name(), "f", head_age + int(r.integers(22, 30)), "parent"))
        return members


# ---------------------------------------------------------------- storage


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _next_id(model: Any) -> int:
    last = model.objects.order_by("-id").values_list("id", flat=True).first()
    return (last or 0) + 1


def _walk(node: GridPlan, depth: int = 0) -> Iterator[tuple[int, GridPlan, GridPlan | None]]:
    stack: list[tuple[int, GridPlan, GridPlan | None]] = [(depth, node, None)]
    while stack:
        d, n, parent = stack.pop(0)
        yield d, n, parent
        stack.extend((d + 1, c, n) for c in n.children)


def ensure_networks() -> dict[str, Network]:
    out = {}
    for spec in NETWORKS:
        net, _ = Network.objects.get_or_create(slug=spec["slug"], defaults=spec)
        out[spec["slug"]] = net
    return out


def store_grids(root: GridPlan, network: Network) -> dict[str, Grid]:
    """All grids of the plan, parents before children (ids are needed for the FK)."""
    by_code: dict[str, Grid] = {}
    levels: dict[int, list[tuple[GridPlan, GridPlan | None]]] = {}
    for depth, node, parent in _walk(root):
        levels.setdefault(depth, []).append((node, parent))
    for depth in sorted(levels):
        objs = []
        for node, parent in levels[depth]:
            g = Grid(
                network=network,
                parent=by_code[parent.code] if parent else None,
                depth=depth,
                code=node.code,
                name=node.name,
                kind=node.kind,
                subtype=node.subtype,
                host=by_code.get(node.host) if node.host else None,
                valid_from=EPOCH,
                boundary=geo.to_geojson(node.geom, precision=0),
            )
            g.min_lon, g.min_lat, g.max_lon, g.max_lat = node.geom.bounds
            objs.append(g)
        # Hosts of dedicated grids are siblings: comprehensive ones are saved first.
        objs.sort(key=lambda g: g.kind == GridKind.DEDICATED)
        first = [g for g in objs if g.kind != GridKind.DEDICATED]
        Grid.objects.bulk_create(first, batch_size=500)
        by_code.update({g.code: g for g in first})
        rest = [g for g in objs if g.kind == GridKind.DEDICATED]
        for g in rest:
            g.host = by_code[g.host.code] if g.host else None
        Grid.objects.bulk_create(rest, batch_size=500)
        by_code.update({g.code: g for g in rest})
    return by_code


@dataclass
class SeedResult:
    households: int
    residents: int
    buildings: int
    grids: int
    seconds: float


def store_people(
    root: GridPlan,
    grids: dict[str, Grid],
    rng: np.random.Generator,
    county: str,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int, int]:
    """Buildings, households and residents, grid by grid.

    Rows go in with executemany and ids assigned here: the ORM's per-object work would make
    a million households take minutes (bench seed measures this path).
    """
    now = timezone.now()
    people = People(county, rng, timezone.localdate())
    b_id, h_id, r_id = _next_id(Building), _next_id(Household), _next_id(Resident)
    counts = [0, 0, 0]
    leaves = [
        (n, p)
        for _, n, p in _walk(root)
        if not n.children and n.kind == GridKind.COMPREHENSIVE and n.households
    ]
    pending: dict[str, list[tuple]] = {"b": [], "h": [], "r": []}

    def flush() -> None:
        _insert(
            "registry_building",
            [
                "id",
                "created_at",
                "updated_at",
                "grid_id",
                "grid_code",
                "code",
                "name",
                "lon",
                "lat",
                "floors",
            ],
            pending["b"],
        )
        _insert(
            "registry_household",
            [
                "id",
                "created_at",
                "updated_at",
                "grid_id",
                "grid_code",
                "building_id",
                "address",
                "room",
                "household_type",
            ],
            pending["h"],
        )
        _insert(
            "registry_resident",
            [
                "id",
                "created_at",
                "updated_at",
                "household_id",
                "grid_code",
                "name",
                "id_number_enc",
                "id_number_hash",
                "birth_date",
                "sex",
                "phone_enc",
                "relation",
            ],
            pending["r"],
        )
        for v in pending.values():
            v.clear()

    for leaf, community in leaves:
        assert community is not None
        grid = grids[leaf.code]
        town = leaf.code[:9]
        town_name = next(t.name for t in root.children if t.code == town)
        per_building = int(rng.integers(24, 49)) if leaf.urban else int(rng.integers(20, 40))
        n_buildings = max(1, math.ceil(leaf.households / per_building))
        points = random_points(leaf.geom, n_buildings, rng)
        done = 0
        for b in range(n_buildings):
            code = f"{leaf.code}{b + 1:05d}"
            label = f"{b + 1}号楼" if leaf.urban else f"{b + 1}组"
            floors = int(rng.integers(5, 19)) if leaf.urban else 1
            pending["b"].append(
                (
                    b_id,
                    now,
                    now,
                    grid.pk,
                    leaf.code,
                    code,
                    label,
                    float(points[b][0]),
                    float(points[b][1]),
                    floors,
                )
            )
            in_building = min(per_building, leaf.households - done)
            for k in range(in_building):
                if leaf.urban:
                    unit, room = divmod(k, 2 * floors)
                    room_label = f"{unit + 1}单元{room // 2 + 1}{room % 2 + 1:02d}室"
                    kind = ("property_managed", "unit", "self_governing")[int(rng.integers(3))]
                else:
                    room_label = f"{k + 1}号"
                    kind = "agricultural"
                address = f"原州区{town_name}{community.name}{label}{room_label}"
                pending["h"].append(
                    (h_id, now, now, grid.pk, leaf.code, b_id, address, room_label, kind)
                )
                for name, sex, age, relation in people.household():
                    number, born = people.id_number(age, sex)
                    phone = crypto.encrypt(people.phone()) if age >= 16 else ""
                    pending["r"].append(
                        (
                            r_id,
                            now,
                            now,
                            h_id,
                            leaf.code,
                            name,
                            crypto.encrypt(number),
                            crypto.lookup_hash(number),
                            born,
                            sex,
                            phone,
                            relation,
                        )
                    )
                    r_id += 1
                    counts[2] += 1
                h_id += 1
            done += in_building
            b_id += 1
            counts[0] += 1
        counts[1] += done
        if progress:
            progress(done)
        if len(pending["h"]) >= 5_000:
            flush()
    flush()
    return counts[0], counts[1], counts[2]


def _reset_sequences() -> None:
    # Ids were assigned here; PostgreSQL's sequences must move past them.
    sql = connection.ops.sequence_reset_sql(no_style(), [Building, Household, Resident])
    if sql:
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


def seed(
    *,
    households: int = 20_000,
    seed: int = 7,
    county: str = DEFAULT_COUNTY,
    progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Generate and store the demo district into a database that has none yet."""
    if Grid.objects.exists():
        raise ValueError("the database already holds grids; seed into an empty database")
    facts = load_facts(county)
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    with transaction.atomic():
        networks = ensure_networks()
        plan = plan_district(facts, households, rng)
        _plan_dedicated(plan, rng)
        grids = store_grids(plan, networks["comprehensive"])
        for slug, net in networks.items():
            if slug not in ("comprehensive", "enterprise-safety"):
                Grid.objects.create(
                    network=net,
                    depth=0,
                    code=plan.code,
                    name=plan.name,
                    valid_from=EPOCH,
                    boundary=grids[plan.code].boundary,
                    min_lon=grids[plan.code].min_lon,
                    min_lat=grids[plan.code].min_lat,
                    max_lon=grids[plan.code].max_lon,
                    max_lat=grids[plan.code].max_lat,
                )
    with transaction.atomic():
        b, h, r = store_people(plan, grids, rng, facts["county"]["code"], progress)
        _reset_sequences()
        from gridgov.grids.services import bump_boundary_stamp

        bump_boundary_stamp()
    return SeedResult(h, r, b, Grid.objects.count(), time.perf_counter() - started)
