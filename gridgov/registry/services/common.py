"""What every change to the registry checks first: the actor's right on the grid, the
grid records are filed under, and the refusal of a bad value.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.scope import in_scope
from gridgov.grids.models import Grid


@cache
def _choices(choices: Any) -> frozenset[str]:
    """The values of a choices class, once: `.values` builds a new list on every call,
    which was a tenth of a 100,000-row import's checking."""
    return frozenset(choices.values)


def _invalid(code: str, message: Any, field: str) -> ServiceError:
    return ServiceError(code, message, field=field, status=422)


def require(actor: Any, grid_code: str, right: str) -> None:
    """404 outside the actor's scope, 403 inside it without `right`."""
    if not in_scope(actor, grid_code):
        raise NotFound(_("Not found."))
    if not in_scope(actor, grid_code, right):
        raise Forbidden(_("You may not do this here."))


def grid_for_registry(actor: Any, code: str, field: str = "grid") -> Grid:
    """A current grid-level grid of the comprehensive network the actor may register in."""
    grid = (
        Grid.objects.current()
        .visible_to(actor)
        .select_related("network")
        .filter(code=code, network__slug="comprehensive")
        .first()
    )
    if grid is None:
        raise NotFound(_("No grid with code %(code)s.") % {"code": code}, field=field)
    if not grid.is_grid_level:
        raise _invalid(
            "not_a_grid",
            _("Records are filed under a grid, not a %(level)s.") % {"level": grid.level_name},
            field,
        )
    require(actor, grid.code, Right.CHANGE_REGISTRY)
    return grid
