"""Components (部件): registering them under their id, and correcting name or location."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core import models as audit
from gridgov.core.errors import ServiceError
from gridgov.core.lib import components as componentlib
from gridgov.grids.models import Grid

from ..models import Component
from .common import _invalid, grid_for_registry, require
from .located import _changed, _check_location, _moved


def _component_fields(
    grid: Grid, name: str, lon: float, lat: float, was: Component | None = None
) -> dict[str, Any]:
    """A component's name and location as stored, or the first problem."""
    if not (name or "").strip():
        raise _invalid("name_required", _("A name is required."), "name")
    if was is None or _moved(was, lon, lat):
        _check_location(grid, lon, lat)
    return {"name": name.strip()[:100], "lon": lon, "lat": lat}


@transaction.atomic
def register_component(
    *, actor: Any, grid_code: str, code: str, name: str, lon: float, lat: float
) -> Component:
    grid = grid_for_registry(actor, grid_code)
    fields = _component_fields(grid, name, lon, lat)
    code = (code or "").strip()
    try:
        _county, major, minor, _serial = componentlib.validate(code, county=grid.code[:6])
    except componentlib.ComponentCodeError as e:
        raise _invalid("invalid_component_code", e.message, "code") from None
    if Component.objects.filter(code=code).exists():
        raise ServiceError("duplicate_code", _("This component id is taken."), field="code",
                           status=409)  # fmt: skip
    try:
        with transaction.atomic():
            component = Component.objects.create(
                grid=grid, grid_code=grid.code, code=code, major=major, minor=minor, **fields
            )
    except IntegrityError:  # registered by another request since the check above
        raise ServiceError("duplicate_code", _("This component id is taken."), field="code",
                           status=409) from None  # fmt: skip
    audit.record(actor=actor, action="component.create", object_type="component",
                 object_key=code, after={"grid": grid.code})  # fmt: skip
    return component


@transaction.atomic
def update_component(
    *, actor: Any, component: Component, name: str, lon: float, lat: float
) -> Component:
    """Correct a component's name or location; its id (county, class, serial) stays: a
    component registered under the wrong class is registered again under the right one."""
    component = Component.objects.select_for_update().select_related("grid").get(pk=component.pk)
    require(actor, component.grid_code, Right.CHANGE_REGISTRY)
    fields = _component_fields(component.grid, name, lon, lat, was=component)
    return _changed(actor, component, "component", component.code, fields)  # type: ignore[no-any-return]
