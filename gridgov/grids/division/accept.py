"""Accepting a division draft: one transaction that creates the new grids, redraws the
boundaries of the grids that keep their code, retires the others with their successors
(grid history, R-GRID-5) and files the buildings, households and registry rows under the
grids they now lie in. Anything refused leaves everything as it was."""

from __future__ import annotations

import datetime as dt
from typing import Any

import shapely
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import Point, shape

from gridgov.core import models as audit
from gridgov.core.errors import ServiceError
from gridgov.core.lib import codes as codelib
from gridgov.core.lib import geo
from gridgov.registry.models import (
    Building,
    Component,
    Household,
    Organisation,
    Place,
    Resident,
    Tag,
)

from .. import services
from ..choices import DraftStatus
from ..models import DivisionDraft, Grid
from . import drafts, source


def _stale() -> ServiceError:
    return ServiceError(
        "stale",
        _("Buildings or grids under this grid changed since the proposal was made; propose again."),
        status=409,
    )


def _new_name(parent: Grid, code: str) -> str:
    number = int(code[len(parent.code) :])
    return _("%(parent)s grid %(number)d") % {"parent": parent.name, "number": number}


@transaction.atomic
def accept(
    *, actor: Any, draft: DivisionDraft, version: int, date: dt.date | None = None
) -> list[Grid]:
    """The draft's grids, in force from `date` (default today). Returns them in order."""
    draft = drafts._locked(actor, draft, version)
    parent = draft.parent
    date = date or timezone.localdate()
    if date < parent.valid_from:
        raise ServiceError(
            "before_parent", _("A grid cannot begin before its parent."), field="date", status=422
        )
    src = source.load(parent)
    now = {b.id: b.grid_code for b in src.buildings}
    then = {m[0]: m[1] for b in draft.blocks for m in b["members"]}
    if now != then:
        raise _stale()
    shown = drafts.view(draft)
    k = len(shown.rows)
    kept_codes = {c for c in shown.kept if c}
    children = {c.code: c for c in src.children}
    if not kept_codes <= set(children):
        raise _stale()
    # Today's grids, kept or not, locked first in code order: creating grids takes the
    # boundary stamp's lock, while an editor of one of them takes its lock and then the
    # stamp's (as grids.services.redivide, against deadlocks on PostgreSQL).
    children = {code: services._lock_for_change(actor, g) for code, g in sorted(children.items())}
    olds = [c for code, c in children.items() if code not in kept_codes]
    geoms = [shown.region_geometry(r) for r in range(k)]
    length = parent.network.code_lengths[parent.depth + 1]
    used = list(
        Grid.objects.filter(network=parent.network)
        .subtree(parent.code)
        .values_list("code", flat=True)
    )
    target: list[Grid] = []
    for r in range(k):
        code = shown.kept[r]
        if code:
            grid = children[code]
            if (
                not grid.boundary
                or geo.area_m2(shapely.symmetric_difference(grid.geometry, shape(geoms[r]))) > 1.0
            ):
                grid = services.update_grid(actor=actor, grid=grid, boundary=geoms[r])
            target.append(grid)
            continue
        try:
            code = codelib.next_code(parent.code, length, used, dedicated=False)
        except codelib.CodeError as e:
            raise ServiceError("no_free_code", e.message, field="code", status=409) from None
        used.append(code)
        target.append(
            services.create_grid(
                actor=actor,
                network=parent.network,
                parent_code=parent.code,
                name=_new_name(parent, code),
                code=code,
                boundary=geoms[r],
                valid_from=date,
            )
        )
    shapes = [shape(gj) for gj in geoms]
    _rehost_dedicated(actor, olds, target, shapes, date)
    main, moved_homes = _file_registry(draft, target, shapes, olds)
    if moved_homes:
        # The visit round keeps each household's grid (visits.Schedule): rebuilt for those
        # re-filed once this commits, as the registry's own changes are.
        from gridgov.visits import schedule

        transaction.on_commit(lambda: schedule.compute({"__in": moved_homes}))
    for old in olds:
        if old.boundary is not None:
            successors = [
                t.code
                for t, s in zip(target, shapes, strict=True)
                if geo.area_m2(shapely.intersection(old.geometry, s)) > 1.0
            ]
        else:
            successors = [main[old.code].code] if old.code in main else [t.code for t in target]
        services.retire_grid(
            actor=actor,
            grid=old,
            date=date,
            successor_codes=successors,
            reason=_("Automatic division"),
        )
    drafts._bump(
        draft,
        status=DraftStatus.ACCEPTED,
        accepted_at=timezone.now(),
        accepted_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action="grid.division.accept",
        object_type="grid",
        object_key=parent.code,
        after={
            "draft": str(draft.public_id),
            "grids": [t.code for t in target],
            "retired": [o.code for o in olds],
            "moved_households": shown.moved_households,
        },
    )
    return target


def _rehost_dedicated(
    actor: Any, olds: list[Grid], target: list[Grid], shapes: list[Any], date: dt.date
) -> None:
    """Dedicated grids lying in a grid that is retired move to the grid they now lie in."""
    live = Q(valid_to__isnull=True) | Q(valid_to__gt=date)
    for old in olds:
        for ded in old.dedicated_grids.filter(live).order_by("code"):
            point = (
                ded.geometry.representative_point()
                if ded.boundary
                else (old.geometry.representative_point() if old.boundary else None)
            )
            host = target[0]
            if point is not None:
                for t, s in zip(target, shapes, strict=True):
                    if s.covers(point):
                        host = t
                        break
            before = ded.snapshot()
            ded.host = host
            ded.save(update_fields=["host", "updated_at"])
            audit.record(
                actor=actor,
                action="grid.update",
                object_type="grid",
                object_key=ded.code,
                before=before,
                after=ded.snapshot(),
                note=_("Automatic division"),
            )


def _file_registry(
    draft: DivisionDraft, target: list[Grid], shapes: list[Any], olds: list[Grid]
) -> tuple[dict[str, Grid], list[int]]:
    """Buildings and what is in them go to their block's grid; rows with a point to the grid
    the point lies in; the rest of a retired grid to the grid that took most of its
    buildings (returned per old code), and the ids of the households re-filed."""
    by_grid: dict[int, list[int]] = {}
    moved_homes: list[int] = []
    took: dict[str, dict[int, int]] = {}
    for block, r in zip(draft.blocks, draft.labels, strict=True):
        for bid, code, _hh in block["members"]:
            if code != target[r].code:
                by_grid.setdefault(r, []).append(bid)
            if code:
                took.setdefault(code, {}).setdefault(r, 0)
                took[code][r] += 1
    for r, ids in by_grid.items():
        grid = target[r]
        Building.objects.filter(id__in=ids).update(grid=grid, grid_code=grid.code)
        homes = Household.objects.filter(building_id__in=ids)
        moved_homes += homes.values_list("id", flat=True)
        Resident.objects.filter(household__in=homes).update(grid_code=grid.code)
        Tag.objects.filter(Q(household__in=homes) | Q(resident__household__in=homes)).update(
            grid_code=grid.code
        )
        homes.update(grid=grid, grid_code=grid.code)
    main = {code: target[max(votes, key=lambda r: (votes[r], -r))] for code, votes in took.items()}
    old_codes = [o.code for o in olds]
    for old in olds:
        heir = main.get(old.code, target[0])
        homes = Household.objects.filter(grid_code=old.code, building__isnull=True)
        moved_homes += homes.values_list("id", flat=True)
        Resident.objects.filter(household__in=homes).update(grid_code=heir.code)
        Tag.objects.filter(Q(household__in=homes) | Q(resident__household__in=homes)).update(
            grid_code=heir.code
        )
        homes.update(grid=heir, grid_code=heir.code)
        Organisation.objects.filter(grid_code=old.code).update(grid=heir, grid_code=heir.code)
    for model in (Place, Component):
        for row in model.objects.filter(grid_code__in=old_codes).only(
            "id", "lon", "lat", "grid_code"
        ):
            dest = main.get(row.grid_code, target[0])
            if row.lon is not None and row.lat is not None:
                p = Point(row.lon, row.lat)
                for t, s in zip(target, shapes, strict=True):
                    if s.covers(p):
                        dest = t
                        break
            model.objects.filter(pk=row.pk).update(grid=dest, grid_code=dest.code)
    return main, moved_homes
