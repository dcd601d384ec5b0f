"""Boundaries: GeoJSON polygons in WGS84/CGCS2000 (lon, lat degrees).

Validation refuses what a person can fix (unclosed rings, self-intersections, coordinates
out of range) with a message saying which; areas are in square metres on a local
equirectangular projection — within a fraction of a percent at grid sizes, enough for
reports and tolerances.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import shapely
import shapely.affinity
from django.utils.translation import gettext as _
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

METRES_PER_DEGREE_LAT = 110_574.0
METRES_PER_DEGREE_LON_EQUATOR = 111_320.0


class GeometryError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _check_ring(ring: Any, where: str) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise GeometryError(_("%(where)s: a ring needs at least 4 positions.") % {"where": where})
    for pos in ring:
        if (
            not isinstance(pos, list | tuple)
            or len(pos) < 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in pos[:2])
        ):
            raise GeometryError(
                _("%(where)s: every position is [longitude, latitude].") % {"where": where}
            )
        lon, lat = pos[0], pos[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90) or math.isnan(lon) or math.isnan(lat):
            raise GeometryError(
                _("%(where)s: coordinate (%(lon)s, %(lat)s) is out of range.")
                % {"where": where, "lon": lon, "lat": lat}
            )
    if list(ring[0][:2]) != list(ring[-1][:2]):
        raise GeometryError(
            _("%(where)s: the ring is not closed (first and last positions differ).")
            % {"where": where}
        )


def parse_boundary(data: Any) -> Polygon | MultiPolygon:
    """A valid Polygon/MultiPolygon from a GeoJSON geometry (or Feature) mapping."""
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or data.get("type") not in ("Polygon", "MultiPolygon"):
        raise GeometryError(_("A boundary is a GeoJSON Polygon or MultiPolygon."))
    coords = data.get("coordinates")
    if not isinstance(coords, list) or not coords:
        raise GeometryError(_("The coordinates are missing."))
    polygons = coords if data["type"] == "MultiPolygon" else [coords]
    for p, rings in enumerate(polygons):
        if not isinstance(rings, list) or not rings:
            raise GeometryError(_("Polygon %(n)d has no rings.") % {"n": p + 1})
        for r, ring in enumerate(rings):
            _check_ring(ring, _("polygon %(p)d, ring %(r)d") % {"p": p + 1, "r": r + 1})
    geom = shape(data)
    if not geom.is_valid:
        raise GeometryError(
            _("The polygon is not valid: %(why)s.") % {"why": explain_validity(geom)}
        )
    if geom.is_empty or geom.area == 0:
        raise GeometryError(_("The polygon has no area."))
    assert isinstance(geom, Polygon | MultiPolygon)
    return geom


def _lists(value: Any) -> Any:
    return [_lists(v) for v in value] if isinstance(value, list | tuple) else value


def to_geojson(geom: BaseGeometry, precision: int = 7) -> dict[str, Any]:
    rounded = shapely.set_precision(geom, 10**-precision) if precision else geom
    out = dict(mapping(rounded if not rounded.is_empty else geom))
    # Lists, not shapely's tuples: the same value the JSONField gives back, which
    # parse_boundary accepts (a freshly saved grid's `geometry` must parse).
    if "coordinates" in out:
        out["coordinates"] = _lists(out["coordinates"])
    return out


def metres_per_degree_lon(lat: float) -> float:
    return METRES_PER_DEGREE_LON_EQUATOR * math.cos(math.radians(lat))


def area_m2(geom: BaseGeometry) -> float:
    if geom.is_empty:
        return 0.0
    lat = geom.centroid.y
    return geom.area * METRES_PER_DEGREE_LAT * metres_per_degree_lon(lat)


def metres_to_degrees(metres: float, lat: float) -> float:
    """A distance in degrees that is at least `metres` in every direction at `lat`."""
    return metres / min(METRES_PER_DEGREE_LAT, metres_per_degree_lon(lat))


def outside_part(child: BaseGeometry, parent: BaseGeometry, tolerance_m: float) -> BaseGeometry:
    """What of `child` (a point or polygon) lies farther than `tolerance_m` outside `parent`:
    empty when it is inside.

    Containment is decided in degrees first, exactly, wherever on the globe the shapes lie.
    Only what sticks out is then measured, in a local frame where a degree of longitude is
    cos(lat) of a degree of latitude, lat being the latitude of the part that sticks out
    nearest the equator: there a longitude degree is longest, so distances in the frame
    are never shorter than on the ground and nothing farther than the tolerance passes.
    (Growing the parent by the tolerance in degrees, scaled at its centroid, passed every
    point of the globe for a parent near a pole: cos(90°) made the tolerance infinite.)
    """
    outside = child.difference(parent)
    if outside.is_empty or tolerance_m <= 0:
        return outside
    min_lat, max_lat = outside.bounds[1], outside.bounds[3]
    nearest_equator = 0.0 if min_lat <= 0 <= max_lat else min(abs(min_lat), abs(max_lat))
    x_scale = metres_per_degree_lon(nearest_equator)

    def local(geom: BaseGeometry) -> BaseGeometry:
        return shapely.affinity.scale(geom, x_scale, METRES_PER_DEGREE_LAT, origin=(0, 0))

    beyond = local(outside).difference(local(parent).buffer(tolerance_m))
    if beyond.is_empty:
        return beyond
    return shapely.affinity.scale(beyond, 1 / x_scale, 1 / METRES_PER_DEGREE_LAT, origin=(0, 0))


@dataclass(frozen=True)
class Patch:
    """A gap or an overlap found by a coverage check."""

    kind: str  # "gap" or "overlap"
    area_m2: float
    lon: float
    lat: float
    geometry: dict[str, Any]
    between: tuple[str, ...]  # the codes of overlapping children; empty for a gap


def perimeter_m(geom: BaseGeometry) -> float:
    lat = geom.centroid.y
    scaled = shapely.affinity.scale(
        geom, metres_per_degree_lon(lat), METRES_PER_DEGREE_LAT, origin=(0, 0)
    )
    return float(scaled.length)


def width_m(geom: BaseGeometry) -> float:
    """Mean width of a patch: twice its area over its perimeter (a sliver's is tiny)."""
    perimeter = perimeter_m(geom)
    return 2 * area_m2(geom) / perimeter if perimeter else 0.0


def coverage(
    parent: BaseGeometry,
    children: dict[str, BaseGeometry],
    min_area_m2: float,
    min_width_m: float = 0.0,
) -> list[Patch]:
    """Gaps (parent not covered) and overlaps (covered twice) of at least `min_area_m2`.

    Patches thinner than `min_width_m` on average are slivers: boundaries drawn or rounded
    separately never meet to the millimetre, and a 4 km shared edge a millimetre apart is
    square metres of "gap" that nobody could walk into.
    """
    patches: list[Patch] = []
    codes = list(children)
    geoms = [children[c] for c in codes]

    def add(kind: str, geom: BaseGeometry, between: tuple[str, ...]) -> None:
        parts = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
        for part in parts:
            if part.is_empty or part.geom_type not in ("Polygon", "MultiPolygon"):
                continue
            a = area_m2(part)
            if a >= min_area_m2 and (not min_width_m or width_m(part) >= min_width_m):
                point = part.representative_point()
                patches.append(
                    Patch(kind, round(a, 1), point.x, point.y, to_geojson(part), between)
                )

    union = shapely.union_all(geoms) if geoms else Polygon()
    add("gap", parent.difference(union), ())
    if geoms:
        tree = shapely.STRtree(geoms)
        left, right = tree.query(geoms, predicate="intersects")
        for i, j in zip(left.tolist(), right.tolist(), strict=True):
            if i < j:
                add("overlap", geoms[i].intersection(geoms[j]), (codes[i], codes[j]))
    patches.sort(key=lambda p: -p.area_m2)
    return patches
