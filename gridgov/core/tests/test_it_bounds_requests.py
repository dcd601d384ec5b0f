"""Bodies the API cannot read answer in JSON {"code","message","field"}, never an HTML page;
a small upload that unpacks to gigabytes is refused before it is read; logs hold no ID
number or phone."""

from __future__ import annotations

import io
import logging
import zipfile
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from gridgov.core.logs import RedactPersonalData, redact
from gridgov.registry import xlsx
from gridgov.registry.tests.sheets import resident, residents_file

pytestmark = pytest.mark.django_db

URL = "/api/v1/registry/households"


def send(cast: Any, body: bytes, content_type: str = "application/json") -> Any:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens['admin']}")
    return client.post(URL, body, content_type=content_type)


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1), "application/json", 413,
         "body_too_large"),
        (b'{"address": "\xff\xfe"}', "application/json", 400, "invalid_encoding"),
        (b'{"address": ', "application/json", 400, "invalid_json"),
        (b'{"lon": NaN}', "application/json", 400, "invalid_json"),
        (b"address=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (b"<a/>", "text/xml", 415, "unsupported_media_type"),
        (b"[null, null]", "application/json", 422, "not_an_object"),
        (b'"text"', "application/json", 422, "not_an_object"),
        (b'{"a": ' * 40 + b"1" + b"}" * 40, "application/json", 422, "too_deep"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 422, "too_deep"),
    ],
)  # fmt: skip
def test_it_answers_an_unreadable_body_in_json(
    cast: Any, body: bytes, content_type: str, status: int, code: str
) -> None:
    r = send(cast, body, content_type)
    assert r.status_code == status
    assert r["Content-Type"] == "application/json"
    assert r.json()["code"] == code
    assert set(r.json()) == {"code", "message", "field"}


@pytest.mark.parametrize(
    "url",
    ["/api/v1/grids/640402?network=comp%00rehensive", "/api/v1/grids/6404%0002",
     "/api/v1/grids?parent=640402&x%E2%80%AE=1"],
)  # fmt: skip
def test_it_refuses_a_control_character_in_a_path_or_query(cast: Any, url: str) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens['admin']}")
    r = client.get(url)
    assert (r.status_code, r.json()["code"]) == (422, "invalid")


def test_it_answers_too_many_query_fields_in_json(cast: Any) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens['admin']}")
    query = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    r = client.get(f"{URL}?{query}")
    assert (r.status_code, r["Content-Type"]) == (400, "application/json")


def _bomb(member: str, size: int) -> bytes:
    """A workbook whose `member` unpacks to `size` bytes of zeros (packs ~1000 to 1)."""
    good = zipfile.ZipFile(io.BytesIO(residents_file([resident()])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in good.infolist():
            if info.filename != member:
                z.writestr(info, good.read(info))
        with z.open(member, "w", force_zip64=True) as w:
            chunk = b"0" * (1 << 20)
            for _ in range(size // len(chunk)):
                w.write(chunk)
    return out.getvalue()


def test_it_refuses_a_workbook_that_unpacks_far_beyond_its_size() -> None:
    data = _bomb("xl/sharedStrings.xml", 64 << 20)
    assert len(data) < 1 << 20
    with pytest.raises(xlsx.SheetError) as caught:
        xlsx.check_archive(data)
    assert caught.value.code == "file_too_large"


def test_it_refuses_a_member_longer_than_it_declares() -> None:
    data = bytearray(_bomb("xl/sharedStrings.xml", 2 << 20))
    # Shrink the declared size of the member in its central directory entry: the content
    # is longer than the header says.
    at = data.rfind(b"PK\x01\x02")
    while data[at + 46 : at + 46 + 20] != b"xl/sharedStrings.xml":
        at = data.rfind(b"PK\x01\x02", 0, at)
    data[at + 24 : at + 28] = (1000).to_bytes(4, "little")
    with pytest.raises(xlsx.SheetError):
        xlsx.check_archive(bytes(data))


def test_it_still_reads_an_ordinary_workbook() -> None:
    xlsx.check_archive(residents_file([resident()]))


# ---------------------------------------------------------------- logs


def test_it_redacts_id_numbers_and_phones_but_not_grid_codes() -> None:
    assert redact("/r/?q=11010119900307123X&p=13912345678&t=0954-2349876") == (
        "/r/?q=[redacted]&p=[redacted]&t=[redacted]"
    )
    assert redact("/grids/640402001001001 /b/64040200100100100001") == (
        "/grids/640402001001001 /b/64040200100100100001"
    )


def test_it_installs_the_filter_on_every_handler() -> None:
    for handler in settings.LOGGING["handlers"].values():
        assert "personal" in handler.get("filters", []), handler


def test_it_logs_a_refused_request_without_the_number(
    cast: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(RedactPersonalData())
    client = Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens['admin']}")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/api/v1/registry/residents/110101199003071234")
        client.get("/registry/nowhere/13912345678/")
    assert "110101199003071234" not in caplog.text
    assert "13912345678" not in caplog.text
    assert "[redacted]" in caplog.text


def test_it_redacts_numbers_in_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    caplog.handler.addFilter(RedactPersonalData())
    try:
        raise ValueError("no resident 110101199003071234")
    except ValueError:
        logging.getLogger("gridgov").exception("failed for %s", "13912345678")
    assert "110101199003071234" not in caplog.text
    assert "13912345678" not in caplog.text


@pytest.mark.parametrize("host", ["", "evil.example"])
def test_it_answers_a_bad_host_in_json(cast: Any, host: str) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {cast.tokens['admin']}")
    r = client.get("/api/v1/grids", HTTP_HOST=host)
    assert (r.status_code, r["Content-Type"], r.json()["code"]) == (
        400,
        "application/json",
        "bad_request",
    )
