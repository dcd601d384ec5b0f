"""The case pages: report on the phone page (with a photo), the list and a case in scope,
acting through the buttons the transition table gives; refusals change nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from gridgov.cases.models import Case, CaseAttachment, CaseEvent, Category
from gridgov.conftest import log_in

pytestmark = pytest.mark.django_db


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2400, 1800), "olive").save(out, "JPEG", exif=b"Exif\x00\x00MM")
    return out.getvalue()


def report(client: Client, **change: Any) -> Any:
    data = {
        "category": Category.objects.get(code="0402").pk, "description": "消防通道被占",
        "lon": "106.05", "lat": "36.2", "address": "幸福路 3 号", "source": "patrol",
        **change,
    }  # fmt: skip
    return client.post("/m/report/", data)


def test_it_asks_anonymous_people_to_log_in(cast: Any) -> None:
    assert Client().get("/m/report/")["Location"].startswith("/login/")
    assert Client().get("/cases/")["Location"].startswith("/login/")


def test_it_reports_with_a_photo_and_opens_the_case(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = log_in(Client(), cast.worker_a1)
    page = client.get("/m/report/")
    assert page.status_code == 200
    assert page.context["grid_code"] == cast.a1.code
    photo = SimpleUploadedFile("p.jpg", jpeg(), "image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        r = report(client, photos=[photo])
    case = Case.objects.get(description="消防通道被占")
    assert r["Location"] == f"/cases/{case.number}/"
    a = CaseAttachment.objects.get(case=case)
    assert a.kind == "before"
    shown = client.get(f"/cases/photos/{a.public_id}/")
    image = Image.open(io.BytesIO(b"".join(shown.streaming_content)))
    assert (image.format, max(image.size), "exif" in image.info) == ("JPEG", 1600, False)
    assert log_in(Client(), cast.worker_b1).get(f"/cases/photos/{a.public_id}/").status_code == 404
    detail = client.get(f"/cases/{case.number}/")
    assert [t.action for t in detail.context["actions"]] == ["settle", "escalate"]


def test_it_says_which_field_is_wrong_and_saves_nothing(cast: Any) -> None:
    client = log_in(Client(), cast.worker_a1)
    before = Case.objects.count()
    r = report(client, lon="120.0", lat="30.0")
    assert r.status_code == 400 and r.context["form"].errors["lon"]
    r = report(client, description="")
    assert r.context["form"].errors["description"]
    r = report(client, photos=[SimpleUploadedFile("x.jpg", b"not a picture", "image/jpeg")])
    assert r.context["form"].errors["photos"]
    assert Case.objects.count() == before


def test_it_lists_only_cases_in_scope_and_acts_with_the_version_seen(cast: Any) -> None:
    report(log_in(Client(), cast.worker_a1))
    case = Case.objects.get()
    head = log_in(Client(), cast.head_a)
    assert [c.number for c in head.get("/cases/").context["page"].object_list] == [case.number]
    assert list(log_in(Client(), cast.worker_b1).get("/cases/").context["page"].object_list) == []
    assert log_in(Client(), cast.worker_b1).get(f"/cases/{case.number}/").status_code == 404
    events = CaseEvent.objects.count()
    r = log_in(Client(), cast.worker_a1).post(f"/cases/{case.number}/file/", {"version": 1})
    assert r.status_code == 403
    assert (
        log_in(Client(), cast.worker_b1)
        .post(f"/cases/{case.number}/file/", {"version": 1})
        .status_code
        == 404
    )
    assert CaseEvent.objects.count() == events
    r = head.post(f"/cases/{case.number}/file/", {"version": 1})
    assert r["Location"] == f"/cases/{case.number}/"
    stale = head.post(f"/cases/{case.number}/reject/", {"version": 1, "note": "重复"})
    assert stale.status_code == 409
    assert Case.objects.get().stage == "filed"
