"""The households import (kind "households"): a row checked, then the rows written —
households matched by grid, address, unit and room, created or updated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import imports, services, xlsx
from ..models import Building, Household, ImportJob
from ..xlsx import Problem
from .bulk import LOOKUP_CHUNK, WRITE_BATCH, Progress, _grids, _households_at
from .checks import Vocab, _AtAddress, _Cells

# `insert` is looked up on the package (`imports.insert`) when it is called, so that a
# test that replaces it there (a write that fails) replaces it here too.


@dataclass
class HouseholdRow(_AtAddress):
    floor: int | None
    household_type: str
    building: str


def check_household(
    number: int, values: dict[str, Any], vocab: Vocab, problems: list[Problem]
) -> HouseholdRow | None:
    c = _Cells(number, values, problems)
    grid = c.grid()
    address = c.text("address", 200, _("The address is required."))
    unit = c.text("unit", 10)
    room = c.text("room", 20)
    floor = c.get("floor", xlsx.integer)
    household_type = c.get("household_type", vocab.parser("household_type"), "")
    if not household_type and "household_type" not in c.bad:
        c.add("household_type", _("The household type is required."))
    building = c.text("building", 32)
    if c.bad:
        return None
    return HouseholdRow(number, grid, address, unit, room, floor, household_type, building)


def _write_households(
    actor: Any, rows: list[HouseholdRow], problems: list[Problem], mode: str, report: Progress
) -> dict[str, int]:
    grids = _grids(actor, rows, problems)
    rows = [r for r in rows if r.grid in grids]
    existing = _households_at({r.key for r in rows})
    buildings: dict[tuple[str, str], Building] = {}
    wanted = {(r.grid, r.building) for r in rows if r.building}
    for code in {g for g, _b in wanted}:
        codes = sorted(b for g, b in wanted if g == code)
        for chunk in xlsx.iter_chunks(codes, LOOKUP_CHUNK):
            for b in Building.objects.filter(grid=grids[code], code__in=chunk):
                buildings[(code, b.code)] = b
    create: list[Household] = []
    update: list[Household] = []
    unchanged = 0
    now = timezone.now()
    for r in rows:
        building = buildings.get((r.grid, r.building)) if r.building else None
        if r.building and building is None:
            problems.append(
                Problem(r.row, "building", _("No building with this code in the grid."))
            )
            continue
        if building is not None and r.floor is not None and not 1 <= r.floor <= building.floors:
            problems.append(Problem(r.row, "floor", services.floor_problem(building.floors)))
            continue
        matches = existing.get(r.key, [])
        if len(matches) > 1:
            problems.append(Problem(r.row, "address", _(
                "Several registered households have this address; they cannot be told apart "
                "by unit and room.")))  # fmt: skip
            continue
        if matches:
            h = matches[0]
            new = (r.household_type, r.floor, building.pk if building else None)
            if (h.household_type, h.floor, h.building_id) == new:
                unchanged += 1
                continue
            h.household_type, h.floor, h.building = r.household_type, r.floor, building
            h.updated_at = now
            update.append(h)
            continue
        grid = grids[r.grid]
        create.append(Household(
            grid=grid, grid_code=grid.code, building=building, address=r.address, unit=r.unit,
            floor=r.floor, room=r.room, household_type=r.household_type,
        ))  # fmt: skip
    if problems and mode == ImportJob.Mode.ALL:
        return {}
    imports.insert(Household, create)
    report("writing", len(create), len(rows))
    Household.objects.bulk_update(
        update, ["household_type", "floor", "building", "updated_at"], batch_size=WRITE_BATCH
    )
    report("writing", len(rows), len(rows))
    return {"created": len(create), "updated": len(update), "unchanged": unchanged}
