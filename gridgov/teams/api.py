"""/api/v1/teams: who answers for a grid (on a day), giving and ending roles, 一格一員."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from gridgov.accounts import services
from gridgov.accounts.models import Assignment, User
from gridgov.accounts.roles import title
from gridgov.core.errors import NotFound
from gridgov.core.inputs import IsoDate
from gridgov.core.schemas import ERRORS
from gridgov.core.scope import in_scope
from gridgov.grids import queries as grid_queries
from gridgov.grids.models import Grid
from gridgov.grids.services import get_grid_for
from gridgov.registry.models import Organisation

from . import queries
from .schemas import AssignIn, AssignmentOut, CoverageOut, EndIn, FourInOneOut

router = Router(tags=["teams"])


def _grid(request: HttpRequest, network: str, code: str) -> Grid:
    return get_grid_for(request.user, grid_queries.network_by_slug(network), code)


def _out(a: Assignment, depth: int) -> dict[str, Any]:
    return {
        "id": a.pk,
        "username": a.user.username,
        "name": a.user.get_full_name(),
        "grid": a.grid_code,
        "role": a.role,
        "title": title(a.role, depth),
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "unit": a.unit_id,
        "note": a.note,
    }


@router.get(
    "/{network}/{code}", response={200: list[AssignmentOut], **ERRORS}, summary="Team of a grid"
)
def get_team(request: HttpRequest, network: str, code: str, on: IsoDate | None = None):
    """Who holds a role on the grid today, or on the day `on`."""
    grid = _grid(request, network, code)
    return [_out(a, grid.depth) for post in queries.team(grid, on) for a in post.people]


@router.post(
    "/{network}/{code}/assignments",
    response={201: AssignmentOut, **ERRORS},
    summary="Give a role on a grid",
)
def assign(request: HttpRequest, network: str, code: str, payload: AssignIn):
    grid = _grid(request, network, code)
    user = User.objects.filter(username=payload.username, is_active=True).first()
    if user is None:
        raise NotFound(_("No active account with this username."), field="username")
    unit = None
    if payload.unit is not None:
        unit = Organisation.objects.filter(pk=payload.unit, grid=grid).first()
        if unit is None:
            raise NotFound(_("No such unit on this grid."), field="unit")
    a = services.assign(
        actor=request.user,
        user=user,
        grid=grid,
        role=payload.role,
        starts_on=payload.starts_on,
        unit=unit,
        note=payload.note,
    )
    return Status(201, _out(a, grid.depth))


@router.post(
    "/assignments/{assignment_id}/end",
    response={200: AssignmentOut, **ERRORS},
    summary="End an assignment",
)
def end(request: HttpRequest, assignment_id: int, payload: EndIn):
    a = Assignment.objects.select_related("grid", "user").filter(pk=assignment_id).first()
    if a is None or not in_scope(request.user, a.grid_code):
        raise NotFound(_("Not found."))
    a = services.end(
        actor=request.user, assignment=a, ends_on=payload.ends_on, reason=payload.reason
    )
    return _out(a, a.grid.depth)


@router.get(
    "/{network}/{code}/uncovered",
    response={200: list[CoverageOut], **ERRORS},
    summary="Grids without a grid worker",
)
def uncovered(request: HttpRequest, network: str, code: str):
    """ "一格一員": per community (or street), its grids and those without a grid worker."""
    grid = _grid(request, network, code)
    return [
        {
            "code": r.unit.code,
            "name": r.unit.name,
            "grids": r.grids,
            "covered": r.covered,
            "uncovered": [g.code for g in r.uncovered],
        }
        for r in queries.uncovered(grid)
    ]


@router.get(
    "/{network}/{code}/four-in-one",
    response={200: FourInOneOut, **ERRORS},
    summary="The team of a dedicated grid (四包一)",
)
def four_in_one(request: HttpRequest, network: str, code: str, on: IsoDate | None = None):
    """The four posts a dedicated grid answers to and who holds them, and each unit's
    informants; 404 for a comprehensive grid."""
    grid = _grid(request, network, code)
    four = queries.four_in_one(grid, on)
    if four is None:
        raise NotFound(_("Not a dedicated grid."), field="code")
    return {
        "posts": [
            {"post": p.label, "people": [_out(a, grid.depth) for a in p.people]} for p in four.posts
        ],
        "units": [
            {"id": u.pk, "name": u.name, "informants": [_out(a, grid.depth) for a in people]}
            for u, people in four.units
        ],
        "missing": four.missing,
    }
