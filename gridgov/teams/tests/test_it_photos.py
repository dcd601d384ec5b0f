"""Public cards through their page: photos checked by content and re-encoded, phones checked,
and who may change whose card. Refusals change nothing."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image

from gridgov.conftest import log_in
from gridgov.core.lib import images
from gridgov.teams.models import StaffProfile

from .boards_cast import add_people, jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def c(cast: SimpleNamespace, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Any]:
    with (
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        django_db_blocker.unblock(),
    ):
        yield add_people(cast)


def bomb() -> bytes:
    """A 1-pixel PNG whose header claims 100,000 × 100,000 pixels."""
    out = io.BytesIO()
    Image.new("1", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    ihdr = struct.pack(">II", 100_000, 100_000) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def snapshot(user: Any) -> tuple[Any, ...]:
    p = StaffProfile.objects.filter(user=user).first()
    return (p.photo.name, p.phone, p.duties, p.on_boards) if p else ()


def post(actor: Any, url: str, **fields: Any) -> Any:
    data = {"phone": "", "duties": "", **fields}
    return log_in(Client(), actor).post(url, data)


def test_it_keeps_a_jpeg_without_exif_turned_upright_and_resized(c: Any) -> None:
    out = Image.open(io.BytesIO(images.reencode(jpeg((900, 1200), exif=True))))
    # Orientation 6 applied (900 × 1200 shown turned), then the longest side cut to 600.
    assert (out.format, out.size) == ("JPEG", (600, 450))
    assert dict(out.getexif()) == {} and "exif" not in out.info


@pytest.mark.parametrize(
    "data,message",
    [
        (b"not a picture at all", "不是 JPEG、PNG 或 WebP"),
        (jpeg(fmt="GIF"), "不是 JPEG、PNG 或 WebP"),
        (jpeg()[:200], "不是 JPEG、PNG 或 WebP"),  # truncated
        (bomb(), "像素超过 2000 万"),
        (jpeg((5000, 4500), fmt="PNG"), "像素超过 2000 万"),
        (b"\xff" * (images.MAX_BYTES + 1), "大于 5 MB"),
    ],
)
def test_it_refuses_what_is_not_a_photo_within_limits(data: bytes, message: str) -> None:
    with pytest.raises(images.PhotoRefused) as e:
        images.reencode(data)
    assert message in e.value.message


def test_it_takes_png_and_webp_by_content_whatever_the_name(c: Any) -> None:
    for fmt in ("PNG", "WEBP"):
        assert images.reencode(jpeg((100, 100), fmt=fmt)).startswith(b"\xff\xd8")
    photo = SimpleUploadedFile("photo.txt", jpeg((100, 100), fmt="PNG"), "text/plain")
    r = post(c.party_a1, "/teams/profile/", photo=photo, on_boards="on")
    assert r.status_code == 302
    p = StaffProfile.objects.get(user=c.party_a1)
    assert p.on_boards and p.photo.name.endswith(".jpg")
    with p.photo.open() as f:
        assert Image.open(f).format == "JPEG"


@pytest.mark.parametrize(
    "data", [b"GIF89a fake", jpeg(fmt="GIF"), bomb(), b"\xff\xd8" + b"\0" * (images.MAX_BYTES)]
)
def test_it_refuses_a_bad_photo_on_the_page_naming_the_field(c: Any, data: bytes) -> None:
    before = snapshot(c.head_a1)
    photo = SimpleUploadedFile("me.jpg", data, "image/jpeg")
    r = post(c.head_a1, "/teams/profile/", photo=photo, phone="13900000000", on_boards="on")
    assert r.status_code == 422
    assert r.context["form"].errors.keys() == {"photo"}
    assert snapshot(c.head_a1) == before


def test_it_refuses_a_phone_that_is_not_one(c: Any) -> None:
    before = snapshot(c.head_a1)
    r = post(c.head_a1, "/teams/profile/", phone="12345")
    assert r.status_code == 422 and list(r.context["form"].errors) == ["phone"]
    assert snapshot(c.head_a1) == before


def test_it_keeps_the_phone_as_digits(c: Any) -> None:
    r = post(c.instructor_a1, "/teams/profile/", phone="０９５４－２０１ ９９９９", duties="x")
    assert r.status_code == 302
    assert StaffProfile.objects.get(user=c.instructor_a1).phone == "09542019999"


@pytest.mark.parametrize(
    "who,status",
    [
        ("nobody", 404),
        ("worker_b1", 404),
        ("dispatcher", 403),  # sees A1, may not manage its team
        ("worker_a1", 403),
        ("head_a", 200),
        ("admin_a", 200),
        ("head_a1", 200),
    ],
)
def test_it_lets_only_team_managers_in_scope_edit_someone_elses_card(
    c: Any, who: str, status: int
) -> None:
    url = f"/teams/profile/{c.volunteer_a1.pk}/"
    client = log_in(Client(), getattr(c, who))
    assert client.get(url).status_code == status
    before = snapshot(c.volunteer_a1)
    r = client.post(url, {"phone": "13911112222", "duties": "巡查", "on_boards": "on"})
    assert r.status_code == (302 if status == 200 else status)
    if status != 200:
        assert snapshot(c.volunteer_a1) == before
    else:
        assert snapshot(c.volunteer_a1)[1:] == ("13911112222", "巡查", True)


def test_it_sends_anonymous_people_to_the_login(c: Any) -> None:
    for url in ("/teams/profile/", f"/teams/profile/{c.volunteer_a1.pk}/"):
        r = Client().post(url, {"phone": "13911112222"})
        assert r.status_code == 302 and r["Location"].startswith("/login/")
