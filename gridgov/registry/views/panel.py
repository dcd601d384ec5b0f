"""The 四清 (completeness) panel of a grid (R-REG-3)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.errors import ServiceError
from gridgov.grids import queries as grid_queries
from gridgov.grids import services as grid_services

from .. import completeness
from .common import NETWORK, _render

# The measures of completeness.Completeness, in its order.
MEASURES = [
    gettext_lazy("Households with members"),
    gettext_lazy("Residents with a valid ID"),
    gettext_lazy("Residents with a phone"),
    gettext_lazy("Buildings located"),
    gettext_lazy("Tags reviewed"),
]


def _labelled(part: completeness.Completeness) -> list[tuple[str, completeness.Measure]]:
    return [(str(label), m) for label, (_key, m) in zip(MEASURES, part.measures, strict=True)]


@login_required
def grid_completeness(request: HttpRequest, network: str, code: str) -> HttpResponse:
    """四清 of a grid and of each unit under it (R-REG-3). The grid page loads it with htmx
    after the page itself, so that drilling down the map never waits on the four counts."""
    if network != NETWORK:
        raise Http404
    try:
        grid = grid_services.get_grid_for(request.user, grid_queries.network_by_slug(network), code)
    except ServiceError:
        raise Http404 from None
    c = completeness.for_node(grid)
    rows = [(g.name, g.code, _labelled(part)) for g, part in c.children]
    if c.children and not c.elsewhere.is_empty:
        rows.append((_("Under retired grids"), "", _labelled(c.elsewhere)))
    ctx = {
        "c": c,
        "overall": _labelled(c.overall),
        "labels": [str(label) for label in MEASURES],
        "rows": rows,
        "grid": grid,
        "network": grid.network,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "registry/_completeness.html", ctx)
    return _render(request, "registry/completeness.html", ctx)
