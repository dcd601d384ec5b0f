"""Division pages: propose a division of a grid, and a draft on the map beside today's
grids with each proposed grid's figures, a block moved by clicking it, accept or discard.
Only for those who may change grids there (404 out of scope, 403 without the right)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gridgov.accounts.roles import Right
from gridgov.core.errors import ServiceError, refuse_page

from .. import queries, services
from ..choices import DraftStatus
from ..models import DivisionDraft, Grid
from . import accept as acceptlib
from . import drafts
from .forms import MoveForm, ProposeForm, VersionForm


def _parent(request: HttpRequest, network: str, code: str) -> Grid:
    try:
        net = queries.network_by_slug(network)
        return services.get_grid_for(request.user, net, code, Right.CHANGE_GRIDS)
    except ServiceError as e:
        refuse_page(e, None)
        raise


def _draft(request: HttpRequest, network: str, code: str, draft_id: uuid.UUID) -> DivisionDraft:
    _parent(request, network, code)
    try:
        draft = drafts.get_draft_for(request.user, draft_id, Right.CHANGE_GRIDS)
    except ServiceError as e:
        refuse_page(e, None)
        raise
    if draft.parent.code != code or draft.parent.network.slug != network:
        from django.http import Http404

        raise Http404
    return draft


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, network: str, code: str) -> HttpResponse:
    parent = _parent(request, network, code)
    form = ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            bounds = drafts.check_bounds(d["minimum"], d["target"], d["maximum"])
            draft = drafts.propose(actor=request.user, parent=parent, bounds=bounds)
        except ServiceError as e:
            refuse_page(e, ())
            names = {"min": "minimum", "max": "maximum", "target": "target"}
            form.add_error(names.get(e.field or ""), str(e.message))
        else:
            return redirect("grids:division", network, code, draft.public_id)
    open_drafts = list(
        parent.division_drafts.filter(status=DraftStatus.DRAFT).select_related("created_by")[:20]
    )
    return render(
        request,
        "grids/division_propose.html",
        {
            "grid": parent,
            "network": parent.network,
            "ancestors": [],
            "form": form,
            "drafts": open_drafts,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def draft_page(request: HttpRequest, network: str, code: str, draft_id: uuid.UUID) -> HttpResponse:
    draft = _draft(request, network, code, draft_id)
    shown = drafts.view(draft)
    rows = [
        {"number": r + 1, "kept": shown.kept[r], "row": row, "ok": row.in_range(shown.bounds)}
        for r, row in enumerate(shown.rows)
    ]
    return render(
        request,
        "grids/division.html",
        {
            "grid": draft.parent,
            "network": draft.parent.network,
            "ancestors": [],
            "here_link": True,
            "draft": draft,
            "shown": shown,
            "rows": rows,
            "move_form": MoveForm(initial={"version": draft.version}, grids=len(rows)),
            "is_open": draft.status == DraftStatus.DRAFT,
            "tile_url": settings.GRIDGOV_TILE_URL,
            "tile_attribution": settings.GRIDGOV_TILE_ATTRIBUTION,
        },
    )


@login_required
@require_GET
def draft_geojson(
    request: HttpRequest, network: str, code: str, draft_id: uuid.UUID
) -> JsonResponse:
    """Today's grids, the proposed grids and the blocks, for the draft's map."""
    draft = _draft(request, network, code, draft_id)
    shown = drafts.view(draft)
    features: list[dict[str, Any]] = []
    for g in draft.parent.children.current().filter(kind="comprehensive").order_by("code"):
        if g.boundary:
            props: dict[str, Any] = {"role": "today", "code": g.code, "name": g.name}
            features.append({"type": "Feature", "geometry": g.boundary, "properties": props})
    for r, row in enumerate(shown.rows):
        props = {
            "role": "proposed",
            "number": r + 1,
            "kept": shown.kept[r],
            "households": row.households,
            "ok": row.in_range(shown.bounds),
        }
        features.append(
            {"type": "Feature", "geometry": shown.region_geometry(r), "properties": props}
        )
    for i, (b, lab) in enumerate(zip(draft.blocks, draft.labels, strict=True)):
        props = {"role": "block", "block": i, "grid": lab + 1, "households": b["households"]}
        features.append({"type": "Feature", "geometry": b["geometry"], "properties": props})
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
@require_POST
def move(request: HttpRequest, network: str, code: str, draft_id: uuid.UUID) -> HttpResponse:
    draft = _draft(request, network, code, draft_id)
    form = MoveForm(request.POST, grids=max(draft.labels, default=-1) + 1)
    if not form.is_valid():
        messages.error(request, _("Choose a block and the grid it moves to."))
    else:
        d = form.cleaned_data
        try:
            drafts.move_block(
                actor=request.user, draft=draft, block=d["block"], to=d["to"] - 1,
                version=d["version"],
            )  # fmt: skip
        except ServiceError as e:
            refuse_page(e, ())
            messages.error(request, str(e.message))
        else:
            messages.success(
                request,
                _("Block %(block)d moved to proposed grid %(to)d.")
                % {"block": d["block"], "to": d["to"]},
            )
    return redirect("grids:division", network, code, draft.public_id)


@login_required
@require_POST
def accept(request: HttpRequest, network: str, code: str, draft_id: uuid.UUID) -> HttpResponse:
    draft = _draft(request, network, code, draft_id)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the proposal and try again."))
        return redirect("grids:division", network, code, draft.public_id)
    try:
        grids = acceptlib.accept(
            actor=request.user, draft=draft, version=form.cleaned_data["version"]
        )
    except ServiceError as e:
        refuse_page(e, ())
        messages.error(request, str(e.message))
        return redirect("grids:division", network, code, draft.public_id)
    messages.success(request, _("Division accepted: %(n)d grids in force.") % {"n": len(grids)})
    return redirect("grids:detail", network, code)


@login_required
@require_POST
def discard(request: HttpRequest, network: str, code: str, draft_id: uuid.UUID) -> HttpResponse:
    draft = _draft(request, network, code, draft_id)
    form = VersionForm(request.POST)
    try:
        if not form.is_valid():
            raise ServiceError("stale_version", _("Reload the proposal and try again."))
        drafts.discard(actor=request.user, draft=draft, version=form.cleaned_data["version"])
    except ServiceError as e:
        refuse_page(e, ())
        messages.error(request, str(e.message))
        return redirect("grids:division", network, code, draft.public_id)
    messages.success(request, _("Proposal discarded."))
    return redirect("grids:division_propose", network, code)
