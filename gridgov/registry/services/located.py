"""What the located records (places, components, buildings) share: a point checked against
its grid, whether a location moved, and saving a correction's changed fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from gridgov.core import models as audit
from gridgov.grids.models import Grid

from .common import _invalid


def _moved(was: Any, lon: float | None, lat: float | None) -> bool:
    """Whether a record's location would change: not when a form sends back the stored one
    rounded (to 6 decimals, a tenth of a metre). An unchanged location is not checked
    again, so a grid redrawn since does not keep its records from being corrected."""
    return _differs(was.lon, lon) or _differs(was.lat, lat)


def _differs(old: Any, new: Any) -> bool:
    if isinstance(old, float) and isinstance(new, float):
        return abs(old - new) > 1e-6
    return bool(old != new)


def _changed(
    actor: Any, obj: Any, kind: str, key: str, fields: dict[str, Any],
    shown: Iterable[str] | None = None,
) -> Any:  # fmt: skip
    """Save the `fields` that differ onto `obj` (a coordinate within 1e-6 of the stored one
    keeps the stored one), and record before/after of them (or of the attributes named in
    `shown`: a masked phone rather than its ciphertext)."""
    changed = {k: v for k, v in fields.items() if _differs(getattr(obj, k), v)}
    if not changed:
        return obj
    names = list(shown) if shown is not None else list(fields)
    before = {k: getattr(obj, k) for k in names}
    for name, value in changed.items():
        setattr(obj, name, value)
    obj.save(update_fields=[*changed, "updated_at"])
    audit.record(actor=actor, action=f"{kind}.update", object_type=kind, object_key=key,
                 before=before, after={k: getattr(obj, k) for k in names})  # fmt: skip
    return obj


def _check_location(grid: Grid, lon: float, lat: float) -> None:
    """A point in range and inside the grid (within the boundary tolerance)."""
    from shapely.geometry import Point

    from gridgov.core.lib import geo

    if not (-180 <= lon <= 180):
        raise _invalid("invalid_location", _("The location is out of range."), "lon")
    if not (-90 <= lat <= 90):
        raise _invalid("invalid_location", _("The location is out of range."), "lat")
    if grid.boundary:
        outside = geo.outside_part(
            Point(lon, lat), grid.geometry, settings.GRID_BOUNDARY_TOLERANCE_M
        )
        if not outside.is_empty:
            raise _invalid(
                "outside_grid", _("The location is outside grid %(code)s.") % {"code": grid.code},
                "lon",
            )  # fmt: skip
