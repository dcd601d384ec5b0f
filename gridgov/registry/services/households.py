"""Households: registering one, the floor it may live on, and checking the cached member
counts.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core import models as audit

from ..choices import HouseholdType, ResidentStatus
from ..models import Building, Household
from .common import _choices, _invalid, grid_for_registry


@transaction.atomic
def register_household(
    *,
    actor: Any,
    grid_code: str,
    address: str,
    household_type: str,
    building_code: str | None = None,
    unit: str = "",
    floor: int | None = None,
    room: str = "",
) -> Household:
    grid = grid_for_registry(actor, grid_code)
    address = (address or "").strip()
    if not address:
        raise _invalid("address_required", _("The address is required."), "address")
    if household_type not in _choices(HouseholdType):
        raise _invalid("invalid_household_type", _("Unknown household type."), "household_type")
    building = None
    if building_code:
        building = Building.objects.filter(code=building_code, grid=grid).first()
        if building is None:
            raise _invalid(
                "invalid_building", _("No building with this code in the grid."), "building"
            )
    if building is not None and floor is not None and not 1 <= floor <= building.floors:
        raise _invalid("floor_outside_building", floor_problem(building.floors), "floor")
    household = Household.objects.create(
        grid=grid, grid_code=grid.code, building=building, address=address[:200],
        unit=unit[:10], floor=floor, room=room[:20], household_type=household_type,
    )  # fmt: skip
    audit.record(
        actor=actor, action="household.create", object_type="household",
        object_key=str(household.public_id), after={"grid": grid.code, "type": household_type},
    )  # fmt: skip
    return household


def floor_problem(floors: int) -> str:
    """Why a household's floor is refused: its building has floors 1 to `floors`."""
    return _("The building has floors 1 to %(floors)s.") % {"floors": floors}


def check_member_counts(grid_code: str = "") -> list[tuple[int, int, int]]:
    """Households whose cached member count differs from a COUNT: (id, cached, counted)."""
    from django.db.models import Count, Q

    qs = Household.objects.filter(grid_code__startswith=grid_code).annotate(
        counted=Count("residents", filter=Q(residents__status=ResidentStatus.ACTIVE))
    )
    return [(h.pk, h.member_count, h.counted) for h in qs if h.member_count != h.counted]
