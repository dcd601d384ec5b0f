"""Buildings (樓棟): registering them under the next code of their grid, and correcting
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core import models as audit
from gridgov.core.errors import ServiceError
from gridgov.grids.models import Grid

from ..models import Building
from .common import _invalid, grid_for_registry, require
from .located import _changed, _check_location, _moved


@dataclass(frozen=True)
class BuildingIn:
    """What is said of a building, for registering or correcting it."""

    name: str
    lon: float
    lat: float
    floors: int = 1
    units: int = 1
    footprint: Any = None  # a GeoJSON Polygon (dict or text), or None


def _checked_building(
    grid: Grid, data: BuildingIn, was: Building | None = None
) -> tuple[str, dict[str, Any] | None]:
    """The building's cleaned name and footprint (stored GeoJSON), or the first problem:
    located inside its grid (within the boundary tolerance), footprint too."""
    from gridgov.core.lib import geo

    name = (data.name or "").strip()
    if not name:
        raise _invalid("name_required", _("A name is required."), "name")
    if len(name) > 100:
        raise _invalid("name_too_long", _("A name is at most 100 characters."), "name")
    if not 1 <= data.floors <= 200:
        raise _invalid("invalid_floors", _("Floors are 1 to 200."), "floors")
    if not 1 <= data.units <= 99:
        raise _invalid("invalid_units", _("Units are 1 to 99."), "units")
    shape = None
    if data.footprint not in (None, ""):
        try:
            shape = geo.parse_boundary(data.footprint)
        except geo.GeometryError as e:
            raise _invalid("invalid_footprint", e.message, "footprint") from None
    if was is None or _moved(was, data.lon, data.lat):
        _check_location(grid, data.lon, data.lat)
    footprint = geo.to_geojson(shape) if shape is not None else None
    if grid.boundary and shape is not None and (was is None or footprint != was.footprint):
        outside = geo.outside_part(shape, grid.geometry, settings.GRID_BOUNDARY_TOLERANCE_M)
        if not outside.is_empty and geo.area_m2(outside) > 0:
            raise _invalid(
                "outside_grid",
                _("The footprint reaches outside grid %(code)s.") % {"code": grid.code},
                "footprint",
            )
    return name, footprint


@transaction.atomic
def register_building(*, actor: Any, grid_code: str, data: BuildingIn) -> Building:
    """A building (樓棟) in a grid, at a point inside it, optionally with its footprint.

    Its code is the grid's code + the next 5-digit sequence ever used in the grid (codes of
    buildings are never reused, like grid codes)."""
    grid = grid_for_registry(actor, grid_code)
    # Lock the grid row: two registrations in one grid take sequences one after the other.
    Grid.objects.select_for_update(of=("self",)).filter(pk=grid.pk).first()
    name, footprint = _checked_building(grid, data)
    last = (
        Building.objects.filter(grid_code=grid.code, code__startswith=grid.code)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    sequence = int(last[len(grid.code) :]) + 1 if last else 1
    if sequence > 99_999:
        raise ServiceError("no_free_code", _("No free building code is left in this grid."),
                           field="grid", status=409)  # fmt: skip
    building = Building.objects.create(
        grid=grid, grid_code=grid.code, code=f"{grid.code}{sequence:05d}", name=name,
        lon=data.lon, lat=data.lat, floors=data.floors, units=data.units, footprint=footprint,
    )  # fmt: skip
    audit.record(actor=actor, action="building.create", object_type="building",
                 object_key=building.code, after={"grid": grid.code})  # fmt: skip
    return building


@transaction.atomic
def update_building(*, actor: Any, building: Building, data: BuildingIn) -> Building:
    """Correct a building's name, location, footprint, floors or units. Its code and grid
    stay: a building in the wrong grid is registered again in the right one.

    Households that live on a floor the building would no longer have keep it from
    shrinking (their floor is corrected first)."""
    building = Building.objects.select_for_update().select_related("grid").get(pk=building.pk)
    require(actor, building.grid_code, Right.CHANGE_REGISTRY)
    name, footprint = _checked_building(building.grid, data, was=building)
    highest = (
        building.households.filter(floor__isnull=False)
        .order_by("-floor")
        .values_list("floor", flat=True)
        .first()
    )
    if data.floors < building.floors and highest is not None and highest > data.floors:
        raise ServiceError(
            "households_above",
            _("A household lives on floor %(floor)s; correct it before lowering the floors.")
            % {"floor": highest},
            field="floors",
            status=409,
        )
    fields = {"name": name, "lon": data.lon, "lat": data.lat, "floors": data.floors,
              "units": data.units, "footprint": footprint}  # fmt: skip
    return _changed(actor, building, "building", building.code, fields)  # type: ignore[no-any-return]
