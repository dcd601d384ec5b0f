"""Places: registering and correcting them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core import models as audit
from gridgov.grids.models import Grid

from ..choices import PlaceKind
from ..models import Place
from .common import _choices, _invalid, grid_for_registry, require
from .located import _changed, _check_location, _moved


def _place_fields(
    grid: Grid, name: str, kind: str, address: str, lon: float | None, lat: float | None,
    was: Place | None = None,
) -> dict[str, Any]:  # fmt: skip
    """A place's fields as stored, or the first problem."""
    if not (name or "").strip():
        raise _invalid("name_required", _("A name is required."), "name")
    if kind not in _choices(PlaceKind):
        raise _invalid("invalid_kind", _("Unknown kind."), "kind")
    if (lon is None) != (lat is None):
        missing = "lat" if lat is None else "lon"
        raise _invalid("half_a_location", _("Give both longitude and latitude, or neither."),
                       missing)  # fmt: skip
    if lon is not None and lat is not None and (was is None or _moved(was, lon, lat)):
        _check_location(grid, lon, lat)
    return {"name": name.strip()[:100], "kind": kind, "address": (address or "").strip()[:200],
            "lon": lon, "lat": lat}  # fmt: skip


@transaction.atomic
def register_place(
    *,
    actor: Any,
    grid_code: str,
    name: str,
    kind: str,
    address: str = "",
    lon: float | None = None,
    lat: float | None = None,
) -> Place:
    grid = grid_for_registry(actor, grid_code)
    fields = _place_fields(grid, name, kind, address, lon, lat)
    place = Place.objects.create(grid=grid, grid_code=grid.code, **fields)
    audit.record(actor=actor, action="place.create", object_type="place",
                 object_key=str(place.pk), after={"grid": grid.code, "kind": kind})  # fmt: skip
    return place


@transaction.atomic
def update_place(
    *, actor: Any, place: Place, name: str, kind: str, address: str = "",
    lon: float | None = None, lat: float | None = None,
) -> Place:  # fmt: skip
    """Correct a place; it stays in its grid."""
    place = Place.objects.select_for_update().select_related("grid").get(pk=place.pk)
    require(actor, place.grid_code, Right.CHANGE_REGISTRY)
    fields = _place_fields(place.grid, name, kind, address, lon, lat, was=place)
    return _changed(actor, place, "place", str(place.pk), fields)
