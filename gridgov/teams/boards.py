"""What a grid's public notice board (公示牌) and its contact cards (民情聯系卡) show.

Public data only: the grid, and for each running assignment on it the person's name and
role; photo, phone and duties only from a card whose owner consented (`on_boards`). Nothing
about residents: a contact card's household address is added by the card's own code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.models import Assignment
from gridgov.accounts.roles import PARTY_ROLES, STAFF_ROLES, Role
from gridgov.grids.models import Grid

from .models import StaffProfile

# Boards belong to grids of the comprehensive network, as the registry's records do.
NETWORK = "comprehensive"
# The order the roles appear in on a board is accounts.roles' STAFF_ROLES then PARTY_ROLES;
# roles not listed (dispatchers, auditors, administrators: people of the system, not of the
# grid) are not shown.


@dataclass
class Person:
    """One person as a board shows them."""

    name: str
    role: str
    role_label: str
    photo_id: str | None = None  # StaffProfile.public_id, for the photo view
    phone: str = ""
    duties: str = ""
    photo_uri: str | None = None  # the photo as a data: URI, filled in for PDFs only
    named: bool = True  # False: `name` is the placeholder of a person without one


@dataclass
class Section:
    role: str
    label: str
    people: list[Person] = field(default_factory=list)


@dataclass
class Board:
    grid: Grid
    parent: Grid | None
    url: str
    staff: list[Section]
    party: list[Section]

    @property
    def heads(self) -> list[Person]:
        return [p for s in self.staff if s.role == Role.GRID_HEAD for p in s.people]

    @property
    def workers(self) -> list[Person]:
        return [p for s in self.staff if s.role == Role.GRID_WORKER for p in s.people]

    def qr_svg(self) -> str:
        """The QR code of `url` as inline SVG (no style attribute: the CSP refuses them)."""
        return str(segno.make(self.url, error="m").svg_inline(scale=4, omitsize=True))

    def qr_png_uri(self) -> str:
        """The same QR code as a PNG data URI, for PDFs: a picture a reader can decode."""
        return str(segno.make(self.url, error="m").png_data_uri(scale=8))


def public_url(request: Any, code: str) -> str:
    """The absolute address of a grid's public board.

    GRIDGOV_PUBLIC_URL when set (a printed QR code must open the address residents reach,
    not the intranet host an official printed it from), else the request's own host.
    """
    path = reverse("teams:board", args=[code])
    if settings.GRIDGOV_PUBLIC_URL:
        return str(settings.GRIDGOV_PUBLIC_URL) + path
    return str(request.build_absolute_uri(path))


def public_grid(code: str) -> Grid | None:
    """The current grid of the comprehensive network with this code, if any."""
    return (
        Grid.objects.current()
        .filter(network__slug=NETWORK, code=code)
        .select_related("parent", "network")
        .first()
    )


def _name(user: Any) -> str:
    # Never the username: it is half of a login, and a board is on the street.
    return user.get_full_name().strip() or _("(name not given)")


def _person(a: Assignment, labels: dict[str, str]) -> Person:
    p = Person(
        name=_name(a.user),
        role=a.role,
        role_label=labels[a.role],
        named=bool(a.user.get_full_name().strip()),
    )
    profile: StaffProfile | None = getattr(a.user, "staff_profile", None)
    if profile is not None and profile.on_boards:
        p.photo_id = str(profile.public_id) if profile.photo else None
        p.phone = profile.phone
        p.duties = profile.duties
    return p


def boards_for(grids: list[Grid], request: Any, on: dt.date | None = None) -> list[Board]:
    """The boards of these grids on day `on` (today): two queries whatever their number."""
    on = on or timezone.localdate()
    labels = {str(r): str(r.label) for r in Role}
    by_grid: dict[int, list[Assignment]] = {g.pk: [] for g in grids}
    assignments = (
        Assignment.objects.active(on)
        .filter(grid__in=grids, role__in=[*STAFF_ROLES, *PARTY_ROLES])
        .select_related("user", "user__staff_profile")
        .order_by("grid_id", "starts_on", "user_id")
    )
    for a in assignments:
        if a.user.is_active:
            by_grid[a.grid_id].append(a)
    boards = []
    for g in grids:
        staff = [Section(r, labels[r]) for r in STAFF_ROLES]
        party = [Section(r, labels[r]) for r in PARTY_ROLES]
        sections = {s.role: s for s in staff + party}
        for a in by_grid[g.pk]:
            sections[a.role].people.append(_person(a, labels))
        boards.append(
            Board(
                grid=g,
                parent=g.parent,
                url=public_url(request, g.code),
                staff=[s for s in staff if s.people],
                party=[s for s in party if s.people],
            )
        )
    return boards


def board_for(grid: Grid, request: Any, on: dt.date | None = None) -> Board:
    return boards_for([grid], request, on)[0]


def community_grids(community: Grid) -> list[Grid]:
    """The current grid-level grids under a node (a community), in code order."""
    return list(
        Grid.objects.current()
        .subtree(community.code)
        .filter(network_id=community.network_id, depth=community.network.grid_depth)
        .select_related("parent", "network")
        .order_by("code")
    )
