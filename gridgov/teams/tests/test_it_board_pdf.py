"""The printed board and contact cards: Chinese names as text, the CJK font embedded, and a
QR code in the PDF that decodes to the grid's public page.

The QR code is taken out of the PDF itself (pypdf) and decoded (zxing-cpp): what is tested is
what is printed.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pypdf
import pytest
import zxingcpp
from django.test import Client, override_settings
from django.utils.translation import gettext as _

from gridgov.conftest import log_in

from .boards_cast import PUBLIC_A1, add_people

pytestmark = pytest.mark.django_db

A1 = "640402001001001"


@pytest.fixture(scope="module")
def c(cast: SimpleNamespace, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Any]:
    with (
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        django_db_blocker.unblock(),
    ):
        yield add_people(cast)


def pdf(user: Any, url: str) -> pypdf.PdfReader:
    r = log_in(Client(), user).get(url)
    assert r.status_code == 200
    return pypdf.PdfReader(io.BytesIO(r.content))


def qr_codes(page: Any) -> list[str]:
    """The text of every QR code among the page's pictures."""
    found = []
    for image in page.images:
        found += [b.text for b in zxingcpp.read_barcodes(image.image) if b.format.name == "QRCode"]
    return found


def embedded_fonts(reader: pypdf.PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for desc in [font, *[f.get_object() for f in font.get("/DescendantFonts", [])]]:
                d = desc.get("/FontDescriptor")
                if d is not None and any(
                    k in d.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
                ):
                    names.add(str(desc["/BaseFont"]))
    return names


def test_it_prints_the_board_on_one_a3_landscape_page(c: Any) -> None:
    reader = pdf(c.worker_a1, f"/teams/board/{A1}/board.pdf")
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (420, 297)
    text = reader.pages[0].extract_text()
    for name in ("甲社区第1网格", "赵磊", "张伟", "王芳", "李娜", "网格员", "09542012345"):
        assert name in text
    assert "13800001111" not in text
    # Embedded (a subset: "ABCDEF+…"), so the print does not depend on the printer's fonts.
    assert any(f.endswith("+Noto-Sans-CJK-SC") for f in embedded_fonts(reader))


def test_it_puts_a_qr_code_of_the_public_board_on_the_print(c: Any) -> None:
    reader = pdf(c.worker_a1, f"/teams/board/{A1}/board.pdf")
    assert qr_codes(reader.pages[0]) == [PUBLIC_A1]


@override_settings(GRIDGOV_PUBLIC_URL="https://grid.example.cn")
def test_it_points_the_qr_code_at_the_public_address_when_one_is_set(c: Any) -> None:
    reader = pdf(c.worker_a1, f"/teams/board/{A1}/board.pdf")
    assert qr_codes(reader.pages[0]) == [f"https://grid.example.cn/teams/board/{A1}/"]


def test_it_prints_a_page_per_grid_of_a_community(c: Any) -> None:
    reader = pdf(c.head_a, "/teams/board/640402001001/boards.pdf")
    assert len(reader.pages) == 2
    assert "甲社区第1网格" in reader.pages[0].extract_text()
    assert "甲社区第2网格" in reader.pages[1].extract_text()
    # WeasyPrint shares the pictures of a document among its pages' resources.
    assert sorted(set(qr_codes(reader.pages[1]))) == [PUBLIC_A1, PUBLIC_A1.replace("001/", "002/")]


def test_it_prints_a_contact_card_per_household_eight_to_a_page(c: Any) -> None:
    reader = pdf(c.worker_a1, f"/teams/board/{A1}/cards.pdf")
    assert len(reader.pages) == 44  # 350 households
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    first = reader.pages[0].extract_text()
    assert first.count(_("Contact card")) == 8
    for text in ("甲社区第1网格", "赵磊", "09542012345", "张伟", "13912345678"):
        assert text in first
    # Instructors and party members are on the board, not on the card.
    assert "王芳" not in first and "李娜" not in first
    assert "甲社区第1网格0号" in first
    assert qr_codes(reader.pages[0])[0] == PUBLIC_A1
