"""Board pages, their PDFs, the boards list and photos: who may open what.

Matrix (STYLE "Tests"): anonymous / no right (the volunteer of A1: report only) / out of
scope (worker_b1, nobody) / in scope (worker_a1, head_a, dispatcher).
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client, override_settings

from gridgov.conftest import log_in
from gridgov.core.models import AuditEntry
from gridgov.teams.models import StaffProfile

from .boards_cast import BOARD_A1, add_people

pytestmark = pytest.mark.django_db

A1 = "640402001001001"
PDFS = [
    f"/teams/board/{A1}/board.pdf",
    f"/teams/board/{A1}/cards.pdf",
    "/teams/board/640402001001/boards.pdf",
]


@pytest.fixture(scope="module")
def c(cast: SimpleNamespace, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Any]:
    with (
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        django_db_blocker.unblock(),
    ):
        yield add_people(cast)


def get(user: Any, url: str) -> Any:
    client = Client()
    if user is not None:
        log_in(client, user)
    return client.get(url)


def test_it_shows_the_board_to_anyone(c: Any) -> None:
    r = get(None, BOARD_A1)
    assert r.status_code == 200
    html = r.content.decode()
    for text in (
        "甲社区第1网格",
        "甲社区",
        "赵磊",
        "张伟",
        "王芳",
        "李娜",
        "13912345678",
        "09542012345",
    ):
        assert text in html
    # 王芳 did not agree: her name and role show, her phone, photo and duties do not.
    assert "13800001111" not in html
    profile = StaffProfile.objects.get(user=c.instructor_a1)
    assert str(profile.public_id) not in html
    assert html.count("入户走访") == 2
    # No username, no print links for the public, the QR code inline.
    assert "head_a1" not in html and "board.pdf" not in html
    assert "<svg" in html and "style=" not in html.split("<svg", 1)[1].split("</svg>")[0]


def test_it_shows_a_placeholder_not_the_username_of_a_person_without_a_name(c: Any) -> None:
    html = get(None, BOARD_A1).content.decode()
    assert "volunteer_a1" not in html
    assert "（未填写姓名）" in html or "(name not given)" in html


def test_it_answers_404_for_a_grid_that_is_not_there(c: Any) -> None:
    assert get(None, "/teams/board/640402009009009/").status_code == 404
    assert get(None, "/teams/board/x/").status_code == 404


def test_it_offers_print_links_to_who_may_view_the_grid(c: Any) -> None:
    html = get(c.worker_a1, BOARD_A1).content.decode()
    assert f"/teams/board/{A1}/board.pdf" in html and f"/teams/board/{A1}/cards.pdf" in html
    assert "board.pdf" not in get(c.worker_b1, BOARD_A1).content.decode()


@pytest.mark.parametrize("url", PDFS)
def test_it_sends_anonymous_pdf_requests_to_the_login(c: Any, url: str) -> None:
    r = get(None, url)
    assert r.status_code == 302 and r["Location"].startswith("/login/")


@pytest.mark.parametrize("url", PDFS)
@pytest.mark.parametrize("who", ["nobody", "worker_b1"])
def test_it_hides_pdfs_out_of_scope(c: Any, url: str, who: str) -> None:
    assert get(getattr(c, who), url).status_code == 404


@pytest.mark.parametrize("url", PDFS[:2])
def test_it_refuses_pdfs_in_scope_without_the_view_right(c: Any, url: str) -> None:
    before = AuditEntry.objects.count()
    assert get(c.volunteer_a1, url).status_code == 403
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    "who,url",
    # Not worker_a1's batch: the community is above their grid (next test).
    [("worker_a1", u) for u in PDFS[:2]] + [(w, u) for w in ("head_a", "dispatcher") for u in PDFS],
)
def test_it_prints_pdfs_in_scope(c: Any, url: str, who: str) -> None:
    r = get(getattr(c, who), url)
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF-")
    assert "no-store" in r["Cache-Control"]


def test_it_hides_the_batch_above_a_grid_workers_grid(c: Any) -> None:
    assert get(c.worker_a1, PDFS[2]).status_code == 404


def test_it_logs_who_printed_contact_cards(c: Any) -> None:
    get(c.head_a, PDFS[1])
    entry = AuditEntry.objects.filter(action="contact_cards.print").first()
    assert entry is not None
    assert (entry.actor, entry.object_key, entry.after) == (c.head_a, A1, {"households": 350})


def test_it_refuses_cards_above_grid_level(c: Any) -> None:
    assert get(c.head_a, "/teams/board/640402001001/cards.pdf").status_code == 404


def test_it_lists_boards_in_scope(c: Any) -> None:
    r = get(None, "/teams/boards/")
    assert r.status_code == 302
    html = get(c.head_a, "/teams/boards/").content.decode()
    # The community (its board, its batch) and its 2 grids (board, board PDF, cards PDF).
    assert html.count('href="/teams/board/640402001001') == 8
    assert "640402002001" not in html
    assert "640402001001" not in get(c.worker_b1, "/teams/boards/").content.decode()
    assert "/teams/board/" not in get(c.nobody, "/teams/boards/").content.decode()


def test_it_serves_a_photo_on_boards_to_anyone(c: Any) -> None:
    profile = StaffProfile.objects.get(user=c.head_a1)
    r = get(None, f"/teams/photo/{profile.public_id}/")
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    assert b"".join(r.streaming_content).startswith(b"\xff\xd8")


@pytest.mark.parametrize(
    "who,status",
    [(None, 404), ("worker_b1", 404), ("dispatcher", 404), ("instructor_a1", 200), ("head_a", 200)],
)
def test_it_serves_a_photo_not_on_boards_only_to_who_may_edit_it(
    c: Any, who: str | None, status: int
) -> None:
    profile = StaffProfile.objects.get(user=c.instructor_a1)
    r = get(getattr(c, who) if who else None, f"/teams/photo/{profile.public_id}/")
    assert r.status_code == status
    if status == 200:
        assert "private" in r["Cache-Control"]
