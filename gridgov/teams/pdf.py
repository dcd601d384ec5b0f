"""Print-ready PDFs of boards (A3 landscape, one grid a page) and contact cards (A4, 8 a page).

WeasyPrint lays out an HTML template with a print stylesheet (static/teams/print.css) and
embeds the subset of the CJK font it used, so names are text in the PDF, not pictures
(docs/adr/0014-boards.md). The QR code goes in as a PNG: a printer reproduces it exactly,
and a test can take it back out of the PDF and decode it.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any

from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .boards import Board
from .models import StaffProfile

STYLESHEET = "teams/print.css"
CARDS_PER_PAGE = 8


def _fetcher() -> Any:
    """WeasyPrint's URL fetcher: data: URIs only.

    Everything a PDF holds (photos, the QR code) is put in as a data: URI here, so a
    template mistake can never make the server fetch a URL (or read a local file) on a
    person's behalf.
    """
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})


def _photos(boards: Iterable[Board]) -> dict[str, str]:
    """Data URIs of the photos shown on these boards, by StaffProfile.public_id."""
    ids = {p.photo_id for b in boards for s in b.staff + b.party for p in s.people if p.photo_id}
    uris = {}
    for profile in StaffProfile.objects.filter(public_id__in=ids).only("public_id", "photo"):
        try:
            with default_storage.open(str(profile.photo.name)) as f:
                data = base64.b64encode(f.read()).decode()
        except OSError:
            continue  # a missing file prints as no photo, not as a failed batch
        uris[str(profile.public_id)] = f"data:image/jpeg;base64,{data}"
    return uris


def _render(template: str, ctx: dict[str, Any]) -> bytes:
    from weasyprint import CSS, HTML

    fetcher = _fetcher()
    css = CSS(filename=finders.find(STYLESHEET), url_fetcher=fetcher)
    html = HTML(string=render_to_string(template, ctx), url_fetcher=fetcher)
    return bytes(html.write_pdf(stylesheets=[css]))


def boards_pdf(boards: list[Board]) -> bytes:
    """One A3 landscape page per board."""
    photos = _photos(boards)
    for b in boards:
        for s in b.staff + b.party:
            for p in s.people:
                p.photo_uri = photos.get(p.photo_id or "")
    return _render(
        "teams/print/boards.html",
        {"boards": boards, "title": _("Notice board")},
    )


def cards_pdf(board: Board, addresses: list[str]) -> bytes:
    """A contact card for each household address of the board's grid, 8 to an A4 page."""
    pages = [addresses[i : i + CARDS_PER_PAGE] for i in range(0, len(addresses), CARDS_PER_PAGE)]
    return _render(
        "teams/print/cards.html",
        {"board": board, "pages": pages, "qr": board.qr_png_uri(), "title": _("Contact card")},
    )
