"""The demo district: a real county by its real code, name, streets/towns and outline, with
communities, grids, buildings, households and residents generated inside it.

Deterministic for a given seed and size. Facts and their sources: `data/640402.json` and the
README. Everything below the township level is invented.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import shapely.affinity
from django.core.management.color import no_style
from django.db import OperationalError, connection, transaction
from django.db.models import UniqueConstraint
from django.utils import timezone
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from gridgov.core.lib import codes as codelib
from gridgov.core.lib import geo, idnumbers, pinyin
from gridgov.grids.choices import GridKind, NetworkKind
from gridgov.grids.models import Grid, Network
from gridgov.registry.models import Building, Household, Resident

from . import names, sealing

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_COUNTY = "640402"
EPOCH = dt.date(2021, 1, 1)  # when the demo grids begin
# Residents' ages are drawn as of this date rather than today, so that a seed gives the same
# people (birth dates, ID numbers) on any day.
AGES_AS_OF = EPOCH
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


def _household_split(
    total: int, parts: int, rng: np.random.Generator, spread: float = 0.2
) -> list[int]:
    weights = rng.uniform(1 - spread, 1 + spread, parts)
    raw = np.floor(weights / weights.sum() * total).astype(int)
    raw[: total - raw.sum()] += 1
    return raw.tolist()


def _grid_sizes(total: int, rng: np.random.Generator) -> list[int]:
    """Households per grid (R-GRID-4): as many grids as keep each within 300–500 and
    nearest 400; where no count can (582 is one grid too many or two too few), the
    nearest count, and the size report shows it as out of standard."""
    low, high = math.ceil(total / 500), total // 300
    if low <= high:
        n = min(range(low, high + 1), key=lambda k: abs(total / k - 400))
    else:
        n = max(1, round(total / 400))
    # A narrow spread: grids near the bounds must not be pushed out of them by it.
    spread = min(0.2, max(0.0, min(total / n - 300, 500 - total / n) / (total / n)))
    return _household_split(total, n, rng, spread)


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
    # A village is about two rural grids, an urban community five to seven grids.
    per = 2_400 if town.urban else 800
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
            seq = 700 + sum(d.code.startswith(community.code) for d in out)
            out.append(
                GridPlan(
                    f"{community.code}{seq:03d}",
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
#
# Performance: `seed --households 1000000` writes about 2.9 million residents, each with an
# ID number and a phone encrypted and a lookup hash. Drawing every number with its own
# `rng.integers()` call (≈1 µs each, ~40 per household) and formatting each string anew
# made generation cost more than the inserts. Everything below is therefore drawn in numpy
# batches, one grid's households at a time, and strings are looked up in tables built once;
# the Python loops that remain are the per-value crypto calls, which cannot be batched.


# Residents per household: 1..5 with these shares (mean ≈ 3).
_SIZES = np.array([1, 2, 3, 4, 5])
_SIZE_P = np.array([0.10, 0.25, 0.30, 0.20, 0.15])
# Neighbouring counties of Ningxia, for residents registered elsewhere.
_OTHER_ADDRESSES = ["640422", "640423", "640424", "640425", "640302", "640104"]
_PHONE_PREFIXES = ["133", "139", "151", "153", "155", "177", "180", "181", "186", "189", "199"]
# Member slots of a household, in the order they are listed (head first); at most one each
# of head, spouse and parent and two children.
_RELATIONS = np.array(["head", "spouse", "child", "child", "parent"], dtype=object)
_SEXES = np.array(["f", "m"], dtype=object)
_OLDEST = 120  # years; bounds the birth-date table (the oldest generated is 86)
_ADULT = 16  # residents from this age have a phone


def _ascii(strings: list[str], width: int) -> np.ndarray:
    """Fixed-width ASCII strings as an (n, width) array of byte values."""
    return np.frombuffer("".join(strings).encode("ascii"), np.uint8).reshape(-1, width)


def _rows_as_bytes(chars: np.ndarray) -> list[bytes]:
    """Each row of an (n, width) byte array as one bytes object (no NULs in our rows)."""
    chars = np.ascontiguousarray(chars)
    return chars.view(f"S{chars.shape[1]}").ravel().tolist()


def _rows_as_str(chars: np.ndarray) -> list[str]:
    """Each row of an (n, width) ASCII byte array as one str (decoded by numpy, in C)."""
    chars = np.ascontiguousarray(chars)
    return chars.view(f"S{chars.shape[1]}").ravel().astype(f"U{chars.shape[1]}").tolist()


def _masked(chars: np.ndarray, keep_start: int, keep_from: int) -> list[str]:
    """Rows with the characters from `keep_start` up to `keep_from` starred, as
    crypto.mask_id_number / mask_phone show them (checked against them in the tests)."""
    starred = chars.copy()
    starred[:, keep_start:keep_from] = ord("*")
    return _rows_as_str(starred)


@dataclass
class Members:
    """The residents of a batch of households, head first within each household."""

    household: np.ndarray  # index of the member's household within the batch
    name: list[str]
    pinyin: list[str]  # search keys (core.lib.pinyin.keys), from per-part tables
    initials: list[str]
    sex: list[str]
    relation: list[str]
    born: list[Any]  # birth_date column values, already adapted for the database
    id_number: list[bytes]  # 18 ASCII characters, GB 11643
    id_masked: list[str]  # as core.lib.crypto masks them, and the last four characters
    id_tail: list[str]
    phone: list[bytes]  # 11 ASCII digits, only for members aged 16 and over
    phone_masked: list[str]
    phone_tail: list[str]
    adult: np.ndarray  # which members have a phone (bool)


class People:
    """Generates households of residents with unique, valid ID numbers and plausible names.

    ID numbers are put together from digit tables as a byte array (address, birth date,
    sequence) and their GB 11643 check character from per-part weighted sums, so one numpy
    expression makes a whole batch. They are never stored in clear, so they stay bytes:
    exactly what encryption and hashing take.
    """

    def __init__(
        self,
        county: str,
        rng: np.random.Generator,
        as_of: dt.date,
        adapt_date: Callable[[dt.date], Any] = str,
    ) -> None:
        self.rng = rng
        weights = np.array(idnumbers.WEIGHTS, dtype=np.int64)
        # Address codes: 0 is the county, 1.. its neighbours.
        self.addr_digits = _ascii([county, *_OTHER_ADDRESSES], 6)
        self.addr_sum = (self.addr_digits - 48).astype(np.int64) @ weights[:6]
        # Birth dates by days before `as_of`: YYYYMMDD digits, their weighted sum and the
        # value the birth_date column gets (adapted once per date instead of once per row).
        days = int(_OLDEST * 365.25) + 366
        dates = np.datetime64(as_of, "D") - np.arange(days)
        iso = np.datetime_as_string(dates, unit="D").tolist()  # "YYYY-MM-DD"
        self.date_digits = _ascii([s.replace("-", "") for s in iso], 8)
        self.date_sum = (self.date_digits - 48).astype(np.int64) @ weights[6:14]
        self.born_value = np.array([adapt_date(d) for d in dates.astype(object)], dtype=object)
        # Sequence numbers 000..999.
        self.seq_digits = _ascii([f"{s:03d}" for s in range(1000)], 3)
        self.seq_sum = (self.seq_digits - 48).astype(np.int64) @ weights[14:17]
        self.check = np.frombuffer(idnumbers.CHECK_CHARS.encode("ascii"), np.uint8)
        # Every (address, birth date, sequence) handed out so far, one bit each: a few
        # tens of MB at most, allocated lazily by the OS, instead of a set of millions of
        # strings.
        self.used = np.zeros((len(self.addr_digits) * days * 1000 + 7) // 8, dtype=np.uint8)
        self.phone_prefix = _ascii(_PHONE_PREFIXES, 3)
        # Given names: one character, or two (index G + first * G + second).
        g = len(names.GIVEN_CHARS)
        self.n_given = g
        self.given = np.array(
            names.GIVEN_CHARS + [a + b for a in names.GIVEN_CHARS for b in names.GIVEN_CHARS],
            dtype=object,
        )
        self.surnames = np.array(names.SURNAMES, dtype=object)
        # Pinyin of each table entry, once: names are table rows joined, so are their keys.
        sur_keys = [pinyin.keys(x) for x in names.SURNAMES]
        # Given names read character by character (as a given name: after a surname).
        one = [pinyin.keys("王" + x) for x in names.GIVEN_CHARS]
        one_py = [k[0].removeprefix("wang") for k in one]
        one_ini = [k[1][1:] for k in one]
        self.sur_py = np.array([k[0] for k in sur_keys], dtype=object)
        self.sur_ini = np.array([k[1] for k in sur_keys], dtype=object)
        self.given_py = np.array(one_py + [a + b for a in one_py for b in one_py], dtype=object)
        self.given_ini = np.array(one_ini + [a + b for a in one_ini for b in one_ini], dtype=object)

    def households(self, n: int) -> Members:
        """The members of `n` households: a head; a spouse from two members; one or two
        children from three, if the head is old enough; a parent at five if the head is
        under 58. Drawn slot by slot for all households, then the absent slots dropped."""
        r = self.rng
        size = r.choice(_SIZES, size=n, p=_SIZE_P)
        head_age = r.integers(24, 82, size=n)
        head_male = r.random(n) < 0.7
        age = np.empty((n, 5), dtype=np.int64)
        age[:, 0] = head_age
        age[:, 1] = np.maximum(20, head_age + r.integers(-4, 5, size=n))
        age[:, 2:4] = head_age[:, None] - r.integers(22, 34, size=(n, 2))
        age[:, 4] = head_age + r.integers(22, 30, size=n)
        male = np.empty((n, 5), dtype=bool)
        male[:, 0] = head_male
        male[:, 1] = ~head_male
        male[:, 2:4] = r.random((n, 2)) < 0.5
        male[:, 4] = False
        present = np.empty((n, 5), dtype=bool)
        present[:, 0] = True
        present[:, 1] = size >= 2
        present[:, 2] = (size >= 3) & (age[:, 2] >= 0)
        present[:, 3] = (size >= 4) & (age[:, 3] >= 0)
        present[:, 4] = (size == 5) & (head_age < 58)
        household, slot = np.nonzero(present)  # row-major: by household, head first
        age, male = age[household, slot], male[household, slot]
        m = len(household)

        surname = r.integers(len(self.surnames), size=m)
        first, second = r.integers(self.n_given, size=(2, m))
        one_char = r.random(m) < 0.25
        given = np.where(one_char, first, self.n_given * (1 + first) + second)
        id_chars, born = self._id_numbers(age, male)
        adult = age >= _ADULT
        phone_chars = self._phones(int(adult.sum()))
        return Members(
            household=household,
            name=(self.surnames[surname] + self.given[given]).tolist(),
            pinyin=(self.sur_py[surname] + self.given_py[given]).tolist(),
            initials=(self.sur_ini[surname] + self.given_ini[given]).tolist(),
            sex=_SEXES[male.astype(np.intp)].tolist(),
            relation=_RELATIONS[slot].tolist(),
            born=self.born_value[born].tolist(),
            id_number=_rows_as_bytes(id_chars),
            id_masked=_masked(id_chars, 4, 14),
            id_tail=_rows_as_str(id_chars[:, 14:]),
            phone=_rows_as_bytes(phone_chars),
            phone_masked=_masked(phone_chars, 3, 7),
            phone_tail=_rows_as_str(phone_chars[:, 7:]),
            adult=adult,
        )

    def _id_numbers(self, age: np.ndarray, male: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Unique ID numbers for people of these ages and sexes, as an (n, 18) byte array;
        also their birth dates (as days before `as_of`). 90 % are registered in the county,
        the rest nearby."""
        r = self.rng
        m = len(age)
        other = r.random(m) >= 0.9
        address = np.where(other, 1 + r.integers(len(_OTHER_ADDRESSES), size=m), 0)
        base = (age * 365.25).astype(np.int64)
        days = np.empty(m, dtype=np.int64)
        seq = np.empty(m, dtype=np.int64)
        todo = np.arange(m)
        while todo.size:
            # Born within the year after the birthday of that age; odd sequence for men.
            days[todo] = base[todo] + r.integers(365, size=todo.size)
            seq[todo] = r.integers(500, size=todo.size) * 2 + male[todo]
            todo = self._taken(address, days, seq)
        self._take(address, days, seq)
        total = self.addr_sum[address] + self.date_sum[days] + self.seq_sum[seq]
        chars = np.empty((m, 18), dtype=np.uint8)
        chars[:, :6] = self.addr_digits[address]
        chars[:, 6:14] = self.date_digits[days]
        chars[:, 14:17] = self.seq_digits[seq]
        chars[:, 17] = self.check[total % 11]
        return chars, days

    def _key(self, address: np.ndarray, days: np.ndarray, seq: np.ndarray) -> np.ndarray:
        return (address * len(self.date_sum) + days) * 1000 + seq

    def _taken(self, address: np.ndarray, days: np.ndarray, seq: np.ndarray) -> np.ndarray:
        """Positions whose number was handed out before or repeats one earlier in the batch."""
        key = self._key(address, days, seq)
        clash = ((self.used[key >> 3] >> (key & 7)) & 1).astype(bool)
        _, first = np.unique(key, return_index=True)
        repeat = np.ones(len(key), dtype=bool)
        repeat[first] = False
        return np.flatnonzero(clash | repeat)

    def _take(self, address: np.ndarray, days: np.ndarray, seq: np.ndarray) -> None:
        key = self._key(address, days, seq)
        # ufunc.at, not `used[i] |= bit`: two keys may share a byte.
        np.bitwise_or.at(self.used, key >> 3, np.left_shift(1, key & 7).astype(np.uint8))

    def _phones(self, n: int) -> np.ndarray:
        r = self.rng
        prefix = r.integers(len(self.phone_prefix), size=n)
        number = r.integers(10**8, size=n)
        chars = np.empty((n, 11), dtype=np.uint8)
        chars[:, :3] = self.phone_prefix[prefix]
        chars[:, 3:] = 48 + number[:, None] // 10 ** np.arange(7, -1, -1) % 10
        return chars


# ---------------------------------------------------------------- storage


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        copy = getattr(cursor.cursor, "copy", None)  # psycopg 3 on PostgreSQL
        if connection.vendor == "postgresql" and copy is not None:
            # COPY streams the rows in one command; executemany sends an INSERT per row
            # and was the larger part of seeding into PostgreSQL.
            with copy(f"COPY {table} ({names}) FROM STDIN") as stream:
                for row in rows:
                    stream.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _next_id(model: Any) -> int:
    last = model.objects.order_by("-id").values_list("id", flat=True).first()
    return (last or 0) + 1


def _walk(node: GridPlan, depth: int = 0) -> Iterator[tuple[int, GridPlan, GridPlan | None]]:
    stack: deque[tuple[int, GridPlan, GridPlan | None]] = deque([(depth, node, None)])
    while stack:
        d, n, parent = stack.popleft()
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
        hosts: dict[str, str] = {}  # dedicated grid → its host, a sibling saved just before
        for node, parent in levels[depth]:
            if node.host:
                hosts[node.code] = node.host
            g = Grid(
                network=network,
                parent=by_code[parent.code] if parent else None,
                depth=depth,
                code=node.code,
                name=node.name,
                kind=node.kind,
                subtype=node.subtype,
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
            g.host = by_code[hosts[g.code]] if g.code in hosts else None
        Grid.objects.bulk_create(rest, batch_size=500)
        by_code.update({g.code: g for g in rest})
    return by_code


@dataclass
class SeedResult:
    households: int
    residents: int
    buildings: int
    grids: int
    seconds: float  # all of it
    plan_seconds: float = 0.0  # planning the district and storing its grids
    people_seconds: float = 0.0  # buildings, households and residents (store_people)


# Room labels and household types, by position in the building: formatted once here rather
# than once per household. Urban buildings hold up to 48 households, rural groups 39.
_PER_BUILDING_MAX = 48
_MIN_FLOORS, _MAX_FLOORS = 5, 18  # of urban buildings
# [floors - _MIN_FLOORS, k]: the k-th household of a building of that many floors lives in
# this unit, on this floor, behind this door (two doors a floor: 101, 102, 201, …).
_SLOTS = [(f, k) for f in range(_MIN_FLOORS, _MAX_FLOORS + 1) for k in range(_PER_BUILDING_MAX)]
_URBAN_UNITS = np.array([f"{k // (2 * f) + 1}单元" for f, k in _SLOTS], dtype=object).reshape(
    -1, _PER_BUILDING_MAX
)
_URBAN_FLOORS = np.array([k % (2 * f) // 2 + 1 for f, k in _SLOTS]).reshape(-1, _PER_BUILDING_MAX)
_URBAN_DOORS = np.array(
    [f"{k % (2 * f) // 2 + 1}{k % 2 + 1:02d}" for f, k in _SLOTS], dtype=object
).reshape(-1, _PER_BUILDING_MAX)
_RURAL_ROOMS = np.array([f"{k + 1}号" for k in range(_PER_BUILDING_MAX)], dtype=object)
_URBAN_KINDS = np.array(["property_managed", "unit", "self_governing"], dtype=object)

_BUILDING_COLUMNS = [
    "id", "created_at", "updated_at", "grid_id", "grid_code", "code", "name", "lon", "lat",
    "floors", "units",
]  # fmt: skip
_HOUSEHOLD_COLUMNS = [
    "id", "created_at", "updated_at", "grid_id", "grid_code", "building_id", "address", "unit",
    "floor", "room", "household_type", "public_id", "member_count",
]  # fmt: skip
_RESIDENT_COLUMNS = [
    "id", "created_at", "updated_at", "household_id", "grid_code", "name", "id_number_enc",
    "id_number_hash", "birth_date", "sex", "phone_enc", "relation", "public_id", "name_pinyin",
    "name_initials", "id_masked", "phone_hash", "phone_masked", "id_tail", "phone_tail",
]  # fmt: skip


_uuid_clock = [0]


def _uuid_hex(n: int) -> list[str]:
    """Public ids as 32 hex digits (a form SQLite's text column and PostgreSQL's uuid type
    both take), laid out like UUIDv7: 48 bits of a rising millisecond counter, then 80
    random bits. Performance: random (v4) ids land at random places in the unique index,
    and with two such indexes the load ran at half speed; rising ids append at its end.
    The random part keeps them unguessable."""
    start = max(_uuid_clock[0], time.time_ns() // 1_000_000)
    _uuid_clock[0] = start + n
    raw = np.empty((n, 16), dtype=np.uint8)
    counter = (start + np.arange(n, dtype=np.uint64)).astype(">u8")
    raw[:, :6] = counter.view(np.uint8).reshape(n, 8)[:, 2:]
    raw[:, 6:] = np.frombuffer(os.urandom(10 * n), dtype=np.uint8).reshape(n, 10)
    text = raw.tobytes().hex()
    return [text[i : i + 32] for i in range(0, 32 * n, 32)]


# SQLite page cache while seeding, in KiB. The default 2 MiB is far smaller than the
# unique index on id_number_hash, whose inserts land at random places in it: pages then
# spill to the WAL and are read back, millions of pread/pwrite calls at a few hundred
# thousand households (seeding 300,000 took 25 s instead of 15 s). The memory is only taken
# as pages are used and given back afterwards.
SEED_PAGE_CACHE_KIB = 256 * 1024


@contextmanager
def _sqlite_rollback_journal() -> Iterator[None]:
    """Leave SQLite's write-ahead log for a rollback journal during the load, if we can.

    Performance: in WAL mode every page of the load is written twice, into the log at the
    commit and into the database by the checkpoint after it (a third of the seed's time at
    200,000 households). A rollback journal keeps only pages that existed before the
    transaction, and a load into empty tables adds new ones: each is written once. The
    switch needs the database to ourselves: with another connection open (a running
    server), or inside a transaction (tests), the load stays in WAL mode. WAL is back
    afterwards whatever happens. Durability is the same: the commit is synced either way.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        before = str(cursor.fetchone()[0]).lower()
        switched = False
        if before == "wal":
            try:
                cursor.execute("PRAGMA journal_mode = DELETE")
                switched = str(cursor.fetchone()[0]).lower() == "delete"
            except OperationalError:  # another connection has the database open
                switched = False
    try:
        yield
    finally:
        if switched:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode = WAL")


@contextmanager
def _sqlite_page_cache(kib: int) -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-int(kib)}")  # negative: KiB, not pages
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


def store_people(
    root: GridPlan,
    grids: dict[str, Grid],
    rng: np.random.Generator,
    county: str,
    progress: Callable[[int], None] | None = None,
    workers: int = 0,
) -> tuple[int, int, int]:
    """Buildings, households and residents, grid by grid.

    Rows go in with executemany and ids assigned here: the ORM's per-object work would make
    a million households take minutes (bench seed measures this path). Each grid's people
    are generated as one numpy batch (see "people" above); `workers=1` seals their ID
    numbers and phones in a second process (see `sealing`).
    """
    with _sqlite_page_cache(SEED_PAGE_CACHE_KIB), _indexes_built_after():
        return _store_people(root, grids, rng, county, progress, workers)


@contextmanager
def _indexes_built_after() -> Iterator[None]:
    """Drop the registry's named secondary indexes, and the unique indexes kept as
    conditional constraints, for the load and build them after (ADR 0009).

    Performance: every resident row otherwise updates seven b-trees at random places (name,
    pinyin, initials, ID hash, phone hash, tails); one sort per index at the end is several
    times cheaper. Only for a load into tables that were empty, as seeding is. Building a
    unique index checks the rows as the index would have checked them one by one.
    """
    editor = connection.schema_editor()  # only to render SQL; never entered
    editor.deferred_sql = []
    models = (Building, Household, Resident)
    indexes: list[tuple[Any, Any]] = [(m, idx) for m in models for idx in m._meta.indexes]
    indexes += [
        (m, c)
        for m in models
        for c in m._meta.constraints
        if isinstance(c, UniqueConstraint) and c.condition is not None
    ]
    with connection.cursor() as cursor:
        for model, idx in indexes:
            cursor.execute(str(idx.remove_sql(model, editor)))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The load left deferred foreign-key checks pending; PostgreSQL builds no
                # index on a table with pending trigger events. Run the checks now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for model, idx in indexes:
                cursor.execute(str(idx.create_sql(model, editor)))


@dataclass
class _Batch:
    """The rows of one grid's buildings, households and residents, ready to insert."""

    buildings: list[tuple]
    households: list[tuple]
    residents: list[tuple]


def _store_people(
    root: GridPlan,
    grids: dict[str, Grid],
    rng: np.random.Generator,
    county: str,
    progress: Callable[[int], None] | None,
    workers: int,
) -> tuple[int, int, int]:
    """Insert the rows that `_people_rows` makes, 5,000 households at a time."""
    # Adapted once: the driver would otherwise convert the same datetime on every row.
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    first_ids = (_next_id(Building), _next_id(Household), _next_id(Resident))
    counts = [0, 0, 0]
    pending = _Batch([], [], [])

    def flush() -> None:
        _insert("registry_building", _BUILDING_COLUMNS, pending.buildings)
        _insert("registry_household", _HOUSEHOLD_COLUMNS, pending.households)
        _insert("registry_resident", _RESIDENT_COLUMNS, pending.residents)
        for rows in (pending.buildings, pending.households, pending.residents):
            rows.clear()

    for batch in _people_rows(root, grids, rng, county, now, first_ids, workers):
        pending.buildings.extend(batch.buildings)
        pending.households.extend(batch.households)
        pending.residents.extend(batch.residents)
        counts[0] += len(batch.buildings)
        counts[1] += len(batch.households)
        counts[2] += len(batch.residents)
        if progress:
            progress(len(batch.households))
        if len(pending.households) >= 5_000:
            flush()
    flush()
    return counts[0], counts[1], counts[2]


def _people_rows(
    root: GridPlan,
    grids: dict[str, Grid],
    rng: np.random.Generator,
    county: str,
    now: Any,
    first_ids: tuple[int, int, int],
    workers: int = 0,
) -> Iterator[_Batch]:
    """Each comprehensive leaf grid's buildings, households and residents, as rows.

    Each grid's people are generated as one numpy batch (see "people" above). Their ID
    numbers and phones are encrypted and hashed by `sealing` (in a worker process with
    `workers=1`), up to SEAL_AHEAD grids ahead of the rows handed out; all random draws
    stay in this process, in one order.
    """
    people = People(county, rng, AGES_AS_OF, connection.ops.adapt_datefield_value)
    pool = sealing.SealerPool(sealing.Sealer.from_settings(), workers)
    waiting: deque[tuple[_Batch, Members, Future[sealing.Sealed], str, int, int]] = deque()
    b_id, h_id, r_id = first_ids
    town_names = {t.code: t.name for t in root.children}
    leaves = [
        (n, p)
        for _, n, p in _walk(root)
        if not n.children and n.kind == GridKind.COMPREHENSIVE and n.households
    ]
    try:
        for leaf, community in leaves:
            assert community is not None
            grid_id, code, n = grids[leaf.code].pk, leaf.code, leaf.households
            per_building = int(rng.integers(24, 49)) if leaf.urban else int(rng.integers(20, 40))
            n_buildings = max(1, math.ceil(n / per_building))
            points = random_points(leaf.geom, n_buildings, rng).tolist()

            # Buildings: numbered from 1 in the grid, urban ones 5–18 floors high.
            number = range(1, n_buildings + 1)
            labels = [f"{b}号楼" if leaf.urban else f"{b}组" for b in number]
            floors = (
                rng.integers(_MIN_FLOORS, _MAX_FLOORS + 1, size=n_buildings)
                if leaf.urban
                else np.ones(n_buildings, dtype=np.int64)
            )
            # Households: filled building by building, `per_building` in each; urban ones unit by
            # unit, floor by floor.
            building, k = np.divmod(np.arange(n), per_building)
            units = np.ones(n_buildings, dtype=np.int64)
            if leaf.urban:
                held = np.bincount(building, minlength=n_buildings)
                units = -(-held // (2 * floors))  # ceiling division
            buildings = [
                (b_id + b, now, now, grid_id, code, f"{code}{b + 1:05d}", labels[b], x, y, f, u)
                for b, ((x, y), f, u) in enumerate(
                    zip(points, floors.tolist(), units.tolist(), strict=True)
                )
            ]

            members = people.households(n)
            if leaf.urban:
                slot = (floors[building] - _MIN_FLOORS, k)
                unit, rooms = _URBAN_UNITS[slot], _URBAN_DOORS[slot]
                floor = _URBAN_FLOORS[slot].tolist()
                addresses_in = unit + rooms + "室"
                kinds = _URBAN_KINDS[rng.integers(3, size=n)].tolist()
            else:
                rooms = _RURAL_ROOMS[k]
                unit, floor, addresses_in = np.full(n, "", dtype=object), [None] * n, rooms
                kinds = ["agricultural"] * n
            where = f"{root.name}{town_names[code[:9]]}{community.name}"
            prefixes = np.array([where + label for label in labels], dtype=object)
            addresses = (prefixes[building] + addresses_in).tolist()
            households = list(
                zip(
                    range(h_id, h_id + n),
                    repeat(now),
                    repeat(now),
                    repeat(grid_id),
                    repeat(code),
                    (b_id + building).tolist(),
                    addresses,
                    unit.tolist(),
                    floor,
                    rooms.tolist(),
                    kinds,
                    _uuid_hex(n),
                    np.bincount(members.household, minlength=n).tolist(),
                    strict=False,  # repeat() is endless; the ranges and lists have n items
                )
            )

            m = len(members.name)
            sealed = pool.submit(members.id_number, members.phone)
            waiting.append((_Batch(buildings, households, []), members, sealed, code, h_id, r_id))
            if len(waiting) > SEAL_AHEAD:
                yield _with_residents(*waiting.popleft(), now)
            b_id, h_id, r_id = b_id + n_buildings, h_id + n, r_id + m
        while waiting:
            yield _with_residents(*waiting.popleft(), now)
    finally:
        pool.close()


SEAL_IN_WORKER_FROM = 50_000  # households

# Grids whose ID numbers and phones are sealed ahead of the rows handed out: enough that
# the sealing worker never waits while the seed inserts a batch (~12 grids).
SEAL_AHEAD = 16


def _with_residents(
    batch: _Batch, members: Members, sealed: Future[sealing.Sealed], code: str,
    h_id: int, r_id: int, now: Any,
) -> _Batch:  # fmt: skip
    """The batch with its residents' rows, head first; ID numbers and phones encrypted,
    hashed and masked."""
    id_enc, id_hash, phone_enc, phone_hash = sealed.result()
    m = len(members.name)
    phones = np.full(m, "", dtype=object)
    phones[members.adult] = phone_enc
    phone_hashes = np.full(m, "", dtype=object)
    phone_hashes[members.adult] = phone_hash
    phone_masks = np.full(m, "", dtype=object)
    phone_masks[members.adult] = members.phone_masked
    phone_tails = np.full(m, "", dtype=object)
    phone_tails[members.adult] = members.phone_tail
    batch.residents = list(
        zip(
            range(r_id, r_id + m),
            repeat(now),
            repeat(now),
            (h_id + members.household).tolist(),
            repeat(code),
            members.name,
            id_enc,
            id_hash,
            members.born,
            members.sex,
            phones.tolist(),
            members.relation,
            _uuid_hex(m),
            members.pinyin,
            members.initials,
            members.id_masked,
            phone_hashes.tolist(),
            phone_masks.tolist(),
            members.id_tail,
            phone_tails.tolist(),
            strict=False,
        )
    )
    return batch


def _gather_statistics() -> None:
    """Planner statistics for the freshly loaded tables: without them PostgreSQL (autovacuum
    may be off or late) and SQLite guess which index to start a search from."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in ("registry_building", "registry_household", "registry_resident"):
                cursor.execute(f"ANALYZE {table}")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")


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
    workers: int | None = None,
) -> SeedResult:
    """Generate and store the demo district into a database that has none yet.

    `workers`: processes that encrypt and hash beside the seed (0 or 1); by default one
    from SEAL_IN_WORKER_FROM households on a machine with more than one core (starting it
    costs about half a second).
    """
    if workers is None:
        workers = int(households >= SEAL_IN_WORKER_FROM and (os.cpu_count() or 1) > 1)
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
    planned = time.perf_counter()
    with _sqlite_rollback_journal(), transaction.atomic():
        b, h, r = store_people(plan, grids, rng, facts["county"]["code"], progress, workers)
        _reset_sequences()
        from gridgov.grids.services import bump_boundary_stamp

        bump_boundary_stamp()
    done = time.perf_counter()
    _gather_statistics()
    return SeedResult(
        h,
        r,
        b,
        Grid.objects.count(),
        seconds=done - started,
        plan_seconds=planned - started,
        people_seconds=done - planned,
    )
