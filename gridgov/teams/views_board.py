"""Pages of notice boards (公示牌), contact cards (民情聯系卡) and public cards.

The board itself is public (no login): what it shows is public by construction
(teams.boards). Its PDFs, the contact cards (which carry households' addresses) and the
list of boards are for people with the view right on the grid: outside their scope 404,
in scope without the right 403. Thin: parse, check, call teams.boards/pdf/profiles.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gridgov.accounts.models import User
from gridgov.accounts.roles import Right
from gridgov.core.errors import ServiceError
from gridgov.core.lib import images
from gridgov.core.models import record
from gridgov.core.scope import in_scope, scope_q
from gridgov.core.uploads import too_large
from gridgov.grids.models import Grid
from gridgov.registry.models import Household

from . import boards, pdf, profiles
from .forms_board import ProfileForm
from .models import StaffProfile

# Grids listed on the boards page at most (a county has a few hundred).
LIST_LIMIT = 2000
# A batch PDF of more grid pages than this is refused: it would hold a web worker past
# GRIDGOV_WEB_TIMEOUT (~0.15 s a page measured; a community has 5–20 grids).
BATCH_LIMIT = 200


def _grid_for(user: Any, code: str) -> Grid:
    """The current grid with this code, in the user's scope (404) with the view right (403)."""
    grid = boards.public_grid(code)
    if grid is None or not in_scope(user, code):
        raise Http404
    if not in_scope(user, code, Right.VIEW):
        raise PermissionDenied
    return grid


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def board(request: HttpRequest, code: str) -> HttpResponse:
    grid = boards.public_grid(code)
    if grid is None:
        raise Http404
    b = boards.board_for(grid, request)
    ctx = {
        "board": b,
        "qr_svg": b.qr_svg(),
        "can_print": in_scope(request.user, code, Right.VIEW),
        "is_grid_level": grid.is_grid_level,
    }
    return render(request, "teams/board.html", ctx)


@require_GET
def photo(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    """A card's photo: to anyone when the card is on boards, else only to who may edit it."""
    profile = StaffProfile.objects.select_related("user").filter(public_id=public_id).first()
    if profile is None or not profile.photo:
        raise Http404
    public = profile.on_boards and profile.user.is_active
    if not public and not (
        request.user.is_authenticated and profiles.can_edit(request.user, profile.user)
    ):
        raise Http404
    try:
        f = default_storage.open(str(profile.photo.name))
    except OSError:
        raise Http404 from None
    response = FileResponse(f, content_type="image/jpeg")
    # A withdrawn consent must take effect soon: an hour in caches at most, never shared
    # caches for a photo that is not public.
    patch_cache_control(
        response, max_age=3600, **({"public": True} if public else {"private": True})
    )
    return response


@login_required
@require_GET
def board_pdf(request: HttpRequest, code: str) -> HttpResponse:
    grid = _grid_for(request.user, code)
    return _pdf(pdf.boards_pdf([boards.board_for(grid, request)]), f"board-{code}.pdf")


@login_required
@require_GET
def boards_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """Every grid under a node (a community): one board a page."""
    node = _grid_for(request.user, code)
    grids = boards.community_grids(node)
    if not grids:
        raise Http404
    if len(grids) > BATCH_LIMIT:
        return HttpResponse(
            _("Too many grids for one PDF (%(n)d): print them community by community.")
            % {"n": len(grids)},
            status=422,
            content_type="text/plain; charset=utf-8",
        )
    return _pdf(pdf.boards_pdf(boards.boards_for(grids, request)), f"boards-{code}.pdf")


@login_required
@require_GET
def cards_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """A contact card for each household of a grid (its address, the grid's people)."""
    grid = _grid_for(request.user, code)
    if not grid.is_grid_level:
        raise Http404
    addresses = list(
        Household.objects.filter(grid_code=code)
        .order_by("address", "id")
        .values_list("address", flat=True)
    )
    # Printing every household's address of a grid is worth a line in the audit trail.
    record(
        actor=request.user,
        action="contact_cards.print",
        object_type="grid",
        object_key=code,
        after={"households": len(addresses)},
    )
    return _pdf(pdf.cards_pdf(boards.board_for(grid, request), addresses), f"cards-{code}.pdf")


@login_required
@require_GET
def boards_index(request: HttpRequest) -> HttpResponse:
    """The boards of the grids in the user's scope, with their print links."""
    grids = list(
        Grid.objects.current()
        .filter(
            scope_q(request.user, "code", Right.VIEW),
            network__slug=boards.NETWORK,
            depth__gte=F("network__grid_depth") - 1,
            depth__lte=F("network__grid_depth"),
        )
        .select_related("network")
        .order_by("code")[:LIST_LIMIT]
    )
    return render(request, "teams/boards.html", {"grids": grids})


def _profile_page(request: HttpRequest, person: User) -> HttpResponse:
    profile = profiles.profile_of(person)
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        upload = request.FILES.get("photo")
        if too_large(request) or (upload is not None and (upload.size or 0) > images.MAX_BYTES):
            # Refused before the file is read into memory.
            form.add_error("photo", images.too_large_message())
        elif form.is_valid():
            d = form.cleaned_data
            upload = d.get("photo")
            try:
                profiles.update_profile(
                    actor=request.user,
                    person=person,
                    photo=upload.read() if upload is not None else None,
                    remove_photo=d["remove_photo"],
                    phone=d["phone"],
                    duties=d["duties"],
                    on_boards=d["on_boards"],
                )
            except ServiceError as e:
                form.add_error(e.field, str(e.message))
            else:
                return redirect(request.path)
        status = 422
    else:
        form = ProfileForm(
            initial={
                "phone": profile.phone,
                "duties": profile.duties,
                "on_boards": profile.on_boards,
            }
        )
    ctx = {"form": form, "profile": profile, "person": person, "own": person.pk == request.user.pk}
    return render(request, "teams/profile.html", ctx, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def my_profile(request: HttpRequest) -> HttpResponse:
    return _profile_page(request, request.user)  # type: ignore[arg-type]


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id, is_active=True)
    try:
        profiles.check_can_edit(request.user, person)
    except ServiceError as e:
        raise (Http404 if e.status == 404 else PermissionDenied) from None
    return _profile_page(request, person)
