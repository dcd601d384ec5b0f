"""Every change to grids goes through here: one action, one transaction, one audit row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import shapely
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core import models as audit
from gridgov.core import stamps
from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.lib import codes as codelib
from gridgov.core.lib import geo
from gridgov.core.scope import in_scope

from .choices import DedicatedType, GridKind
from .models import Grid, GridSuccession, Network


def bump_boundary_stamp() -> None:
    """Tell every process its spatial index is stale (same transaction as the change)."""
    stamps.bump(stamps.BOUNDARIES)


def get_grid_for(user: Any, network: Network, code: str, right: str = Right.VIEW) -> Grid:
    """The grid `code` if `user` may see it (else 404) and holds `right` on it (else 403)."""
    grid = (
        Grid.objects.visible_to(user)
        .select_related("network", "parent", "host")
        .filter(network=network, code=code)
        .first()
    )
    if grid is None:
        raise NotFound(_("No grid with code %(code)s.") % {"code": code}, field="code")
    if right != Right.VIEW and not in_scope(user, grid.code, right):
        raise Forbidden(_("You may not do this on grid %(code)s.") % {"code": code})
    return grid


def _validated_boundary(raw: Any, parent: Grid | None, field: str = "boundary") -> Any:
    if raw is None:
        return None
    try:
        geom = geo.parse_boundary(raw)
    except geo.GeometryError as e:
        raise ServiceError("invalid_boundary", e.message, field=field, status=422) from None
    if parent is not None and parent.boundary:
        outside = geo.outside_part(geom, parent.geometry, settings.GRID_BOUNDARY_TOLERANCE_M)
        if not outside.is_empty and geo.area_m2(outside) > 0:
            point = outside.representative_point()
            raise ServiceError(
                "outside_parent",
                _(
                    "The boundary reaches %(area).0f m² outside the parent %(parent)s,"
                    " near %(lon).6f, %(lat).6f."
                )
                % {
                    "area": geo.area_m2(outside),
                    "parent": parent.code,
                    "lon": point.x,
                    "lat": point.y,
                },
                field=field,
                status=422,
            )
    return geom


def _set_boundary(grid: Grid, geom: Any) -> None:
    if geom is None:
        grid.boundary = None
        grid.min_lon = grid.min_lat = grid.max_lon = grid.max_lat = None
    else:
        grid.boundary = geo.to_geojson(geom)
        grid.min_lon, grid.min_lat, grid.max_lon, grid.max_lat = geom.bounds


def _check_inner_grids_inside(grid: Grid, geom: Any) -> None:
    """A new boundary keeps the grids under it (or hosted by it) inside, as creating them did."""
    today = timezone.localdate()
    live = Q(valid_to__isnull=True) | Q(valid_to__gt=today)
    inner = [
        *grid.children.filter(live, boundary__isnull=False).order_by("code"),
        *grid.dedicated_grids.filter(live, boundary__isnull=False).order_by("code"),
    ]
    for child in inner:
        outside = geo.outside_part(child.geometry, geom, settings.GRID_BOUNDARY_TOLERANCE_M)
        if not outside.is_empty and geo.area_m2(outside) > 0:
            point = outside.representative_point()
            raise ServiceError(
                "inner_grid_outside",
                _(
                    "Grid %(code)s would reach %(area).0f m² outside this boundary,"
                    " near %(lon).6f, %(lat).6f."
                )
                % {
                    "code": child.code,
                    "area": geo.area_m2(outside),
                    "lon": point.x,
                    "lat": point.y,
                },
                field="boundary",
                status=422,
            )


def _check_kind(
    *, network: Network, parent: Grid, code: str, kind: str, subtype: str, host: Grid | None
) -> None:
    if kind not in GridKind.values:
        raise ServiceError("invalid_kind", _("Unknown grid kind."), field="kind", status=422)
    if kind == GridKind.DEDICATED:
        if subtype not in DedicatedType.values:
            raise ServiceError(
                "invalid_subtype",
                _("A dedicated grid needs its type (hospital, school, …)."),
                field="subtype",
                status=422,
            )
        if host is None:
            raise ServiceError(
                "host_required",
                _("A dedicated grid must name the comprehensive grid it lies in."),
                field="host",
                status=422,
            )
        if (
            host.kind != GridKind.COMPREHENSIVE
            or host.network_id != network.pk
            or host.valid_to is not None
            or host.depth != parent.depth + 1
            or not host.code.startswith(parent.code)
        ):
            raise ServiceError(
                "invalid_host",
                _("The host must be a current comprehensive grid under the same parent."),
                field="host",
                status=422,
            )
    elif subtype or host is not None:
        raise ServiceError(
            "invalid_subtype",
            _("Only dedicated grids have a type and a host grid."),
            field="subtype",
            status=422,
        )
    depth = parent.depth + 1
    if depth == network.grid_depth:
        dedicated_code = codelib.is_dedicated_sequence(codelib.grid_sequence(code, parent.code))
        if dedicated_code != (kind == GridKind.DEDICATED):
            raise ServiceError(
                "code_kind_mismatch",
                _("Grid numbers 001–699 are comprehensive grids, 700–999 dedicated grids."),
                field="code",
                status=422,
            )


@transaction.atomic
def create_grid(
    *,
    actor: Any,
    network: Network,
    parent_code: str,
    name: str,
    code: str | None = None,
    kind: str = GridKind.COMPREHENSIVE,
    subtype: str = "",
    host_code: str | None = None,
    boundary: Any = None,
    valid_from: dt.date | None = None,
) -> Grid:
    try:
        parent = get_grid_for(actor, network, parent_code, Right.CHANGE_GRIDS)
    except NotFound as e:
        e.field = "parent"
        raise
    if parent.valid_to is not None:
        raise ServiceError(
            "parent_retired", _("The parent grid is retired."), field="parent", status=422
        )
    depth = parent.depth + 1
    if depth >= len(network.code_lengths):
        raise ServiceError(
            "too_deep", _("This network has no level below this grid."), field="parent"
        )
    length = network.code_lengths[depth]
    used = Grid.objects.filter(network=network).subtree(parent.code).values_list("code", flat=True)
    if not code:
        try:
            code = codelib.next_code(
                parent.code, length, list(used), dedicated=kind == GridKind.DEDICATED
            )
        except codelib.CodeError as e:
            raise ServiceError("no_free_code", e.message, field="code", status=409) from None
    try:
        codelib.check_code(code, length=length, parent_code=parent.code)
    except codelib.CodeError as e:
        raise ServiceError("invalid_code", e.message, field="code", status=422) from None
    host = None
    if host_code:
        # Only grids the actor may see: a host out of scope is as unknown as a typo, so the
        # two refusals read the same and the answer tells nothing about grids out of scope.
        host = Grid.objects.visible_to(actor).filter(network=network, code=host_code).first()
        if host is None:
            raise ServiceError(
                "invalid_host", _("No grid with this code."), field="host", status=422
            )
    _check_kind(network=network, parent=parent, code=code, kind=kind, subtype=subtype, host=host)
    if Grid.objects.filter(network=network, code=code).exists():
        raise ServiceError(
            "duplicate_code",
            _("Code %(code)s is taken or was used before; codes are never reused.")
            % {"code": code},
            field="code",
            status=409,
        )
    geom = _validated_boundary(boundary, parent)
    if host is not None and geom is not None:
        _validated_boundary(boundary, host)
    name = (name or "").strip()
    if not name:
        raise ServiceError("name_required", _("A name is required."), field="name", status=422)
    grid = Grid(
        network=network,
        parent=parent,
        depth=depth,
        code=code,
        name=name[:100],
        kind=kind,
        subtype=subtype,
        host=host,
        valid_from=valid_from or timezone.localdate(),
    )
    _set_boundary(grid, geom)
    if grid.valid_from < parent.valid_from:
        raise ServiceError(
            "before_parent",
            _("A grid cannot begin before its parent."),
            field="valid_from",
            status=422,
        )
    try:
        with transaction.atomic():
            grid.save()
    except IntegrityError:
        raise ServiceError(
            "duplicate_code",
            _("Code %(code)s is taken.") % {"code": code},
            field="code",
            status=409,
        ) from None
    if geom is not None:
        bump_boundary_stamp()
    audit.record(
        actor=actor,
        action="grid.create",
        object_type="grid",
        object_key=grid.code,
        after=grid.snapshot(),
    )
    return grid


def _lock_for_change(actor: Any, grid: Grid) -> Grid:
    """The grid re-read under a row lock, once `actor` is known to hold the right on it.

    Two editors of one grid apply one after the other. Only this row is locked (of=self):
    PostgreSQL cannot lock the nullable side of the parent/host outer joins.
    """
    checked = get_grid_for(actor, grid.network, grid.code, Right.CHANGE_GRIDS)
    return (
        Grid.objects.select_for_update(of=("self",))
        .select_related("network", "parent", "host")
        .get(pk=checked.pk)
    )


@transaction.atomic
def update_grid(
    *,
    actor: Any,
    grid: Grid,
    name: str | None = None,
    boundary: Any = None,
    clear_boundary: bool = False,
    subtype: str | None = None,
) -> Grid:
    grid = _lock_for_change(actor, grid)
    if grid.valid_to is not None:
        raise ServiceError("retired", _("A retired grid cannot be changed."), status=409)
    before = grid.snapshot()
    fields = ["updated_at"]
    if name is not None:
        if not name.strip():
            raise ServiceError("name_required", _("A name is required."), field="name", status=422)
        grid.name = name.strip()[:100]
        fields.append("name")
    if subtype is not None and subtype != grid.subtype:
        if grid.kind != GridKind.DEDICATED or subtype not in DedicatedType.values:
            raise ServiceError(
                "invalid_subtype",
                _("Only dedicated grids have a type."),
                field="subtype",
                status=422,
            )
        grid.subtype = subtype
        fields.append("subtype")
    boundary_changed = False
    if boundary is not None or clear_boundary:
        geom = None if clear_boundary else _validated_boundary(boundary, grid.parent)
        if geom is not None and grid.host is not None:
            _validated_boundary(boundary, grid.host)
        if geom is not None:
            _check_inner_grids_inside(grid, geom)
        _set_boundary(grid, geom)
        fields += ["boundary", "min_lon", "min_lat", "max_lon", "max_lat"]
        boundary_changed = True
    grid.save(update_fields=fields)
    # The spatial index answers lookups with names too: a rename must reach every process.
    if boundary_changed or "name" in fields:
        bump_boundary_stamp()
    audit.record(
        actor=actor,
        action="grid.update",
        object_type="grid",
        object_key=grid.code,
        before=before,
        after=grid.snapshot(),
    )
    return grid


@transaction.atomic
def retire_grid(
    *,
    actor: Any,
    grid: Grid,
    date: dt.date,
    successor_codes: list[str] | None = None,
    reason: str = "",
) -> Grid:
    grid = _lock_for_change(actor, grid)
    if grid.valid_to is not None:
        raise ServiceError("retired", _("This grid is already retired."), status=409)
    if date < grid.valid_from:
        raise ServiceError(
            "before_start", _("A grid cannot end before it begins."), field="date", status=422
        )
    # Grids under it that outlive `date` (current, or retired later) would be left
    # without a parent in force for lookups "as of" a day in between.
    outlives = Q(valid_to__isnull=True) | Q(valid_to__gt=date)
    if grid.children.filter(outlives).exists():
        raise ServiceError(
            "has_children",
            _("Retire or re-divide the grids under it first."),
            field="code",
            status=409,
        )
    if grid.dedicated_grids.filter(outlives).exists():
        raise ServiceError(
            "hosts_dedicated",
            _("Dedicated grids still lie in this grid; move or retire them first."),
            field="code",
            status=409,
        )
    successors = []
    for code in successor_codes or []:
        # Only grids the actor may see: a successor out of scope is as unknown as a typo.
        successor = Grid.objects.visible_to(actor).filter(network=grid.network, code=code).first()
        if (
            successor is None
            or successor.pk == grid.pk
            or successor.valid_to is not None
            or successor.valid_from > date
        ):
            raise ServiceError(
                "invalid_successor",
                _("Successor %(code)s is not a current grid of this network.") % {"code": code},
                field="successors",
                status=422,
            )
        successors.append(successor)
    before = grid.snapshot()
    grid.valid_to = date
    grid.save(update_fields=["valid_to", "updated_at"])
    GridSuccession.objects.bulk_create(
        [
            GridSuccession(predecessor=grid, successor=s, date=date, reason=reason)
            for s in successors
        ]
    )
    bump_boundary_stamp()
    audit.record(
        actor=actor,
        action="grid.retire",
        object_type="grid",
        object_key=grid.code,
        before=before,
        after=grid.snapshot(),
        note=reason,
    )
    return grid


@dataclass(frozen=True)
class NewGrid:
    name: str
    boundary: Any
    code: str | None = None


@transaction.atomic
def redivide(
    *, actor: Any, grids: list[Grid], new: list[NewGrid], date: dt.date, reason: str = ""
) -> list[Grid]:
    """Re-cut sibling grids into new ones (R-GRID-5): create the new, retire the old.

    Each old grid is succeeded by every new grid its area overlaps (all of them when the
    grids have no boundaries). All or nothing.
    """
    if not grids or not new:
        raise ServiceError(
            "empty",
            _("Name the grids to re-divide and the new ones."),
            field="grids" if not grids else "new",
        )
    parents = {g.parent_id for g in grids}
    if len(parents) != 1 or grids[0].parent is None:
        raise ServiceError(
            "not_siblings",
            _("Only grids with the same parent can be re-divided together."),
            field="grids",
        )
    parent = grids[0].parent
    # Lock the old grids first, in code order. create_grid below takes the boundary
    # stamp's row lock, while an editor of an old grid takes that grid's lock and then the
    # stamp's: locking the old grids only when retiring them could deadlock on PostgreSQL.
    grids = [_lock_for_change(actor, g) for g in sorted(grids, key=lambda g: g.code)]
    created = []
    for i, spec in enumerate(new):
        try:
            created.append(
                create_grid(
                    actor=actor,
                    network=parent.network,
                    parent_code=parent.code,
                    name=spec.name,
                    code=spec.code,
                    boundary=spec.boundary,
                    valid_from=date,
                )
            )
        except ServiceError as e:
            e.field = f"new[{i}].{e.field}" if e.field else f"new[{i}]"
            raise
    for old in grids:
        if old.boundary is not None:
            successors = [
                g.code
                for g in created
                if g.boundary is not None
                and geo.area_m2(shapely.intersection(old.geometry, g.geometry)) > 1.0
            ]
        else:
            successors = [g.code for g in created]
        retire_grid(actor=actor, grid=old, date=date, successor_codes=successors, reason=reason)
    return created
