"""The import page, job status (htmx), error workbook and templates; the CLI import and the
`gridgov import|export` aliases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from gridgov import cli
from gridgov.registry import imports
from gridgov.registry.models import ImportJob, Resident
from gridgov.registry.tests.sheets import (
    id_number,
    opened,
    resident,
    residents_file,
    wrong_check_digit,
)

pytestmark = pytest.mark.django_db
URL = "/registry/imports/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client(user: Any = None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def upload(data: bytes, mode: str = "all", kind: str = "residents") -> dict[str, Any]:
    return {"kind": kind, "mode": mode, "file": SimpleUploadedFile("居民.xlsx", data, XLSX)}


def good() -> bytes:
    return residents_file([
        resident(number=id_number(1)),
        resident(name="李四", relation="配偶", number=id_number(2)),
    ])  # fmt: skip


def test_it_shows_the_page_to_those_who_may_change_the_registry(cast: Any) -> None:
    assert client().get(URL)["Location"] == f"/login/?next={URL}"
    for who in (cast.nobody, cast.dispatcher, cast.auditor, cast.admin_a):
        assert client(who).get(URL).status_code == 403
    page = client(cast.worker_a1).get(URL)
    assert page.status_code == 200
    assert b'name="file"' in page.content and b'value="valid"' in page.content


def test_it_refuses_uploads_without_the_right_and_saves_no_job(cast: Any) -> None:
    assert client().post(URL, upload(good())).status_code == 302
    assert client(cast.dispatcher).post(URL, upload(good())).status_code == 403
    assert not ImportJob.objects.exists() and not Resident.objects.exists()


def test_it_runs_an_upload_in_the_background_and_shows_the_summary(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c = client(cast.worker_a1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = c.post(URL, upload(good()))
    job = ImportJob.objects.get()
    assert response["Location"] == f"{URL}{job.public_id}/"
    assert len(callbacks) == 1  # the task is queued once the job is committed
    job.refresh_from_db()
    assert (job.status, job.counts["created"], job.actor) == ("done", 2, cast.worker_a1)
    fragment = c.get(response["Location"], headers={"HX-Request": "true"})
    assert b"<html" not in fragment.content and b'data-status="done"' in fragment.content
    assert b"hx-trigger" not in fragment.content  # finished: the polling stops
    assert Resident.objects.count() == 2


def test_it_polls_while_a_job_waits(cast: Any) -> None:
    job = imports.create_job(actor=cast.worker_a1, kind="residents", mode="all",
                             filename="a.xlsx", data=good())  # fmt: skip
    page = client(cast.worker_a1).get(f"{URL}{job.public_id}/")
    assert (
        b'hx-trigger="every 1s"' in page.content and b'<progress id="job-progress"' in page.content
    )


def test_it_gives_the_error_workbook_to_the_owner_only(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    bad = residents_file([resident(number=wrong_check_digit(id_number(1)))])
    with django_capture_on_commit_callbacks(execute=True):
        client(cast.worker_a1).post(URL, upload(bad))
    job = ImportJob.objects.get()
    assert job.status == "rejected" and Resident.objects.count() == 0
    url = f"{URL}{job.public_id}/errors.xlsx"
    for who in (cast.worker_b1, cast.head_a):
        assert client(who).get(url).status_code == 404
        assert client(who).get(f"{URL}{job.public_id}/").status_code == 404
    response = client(cast.worker_a1).get(url)
    assert response["Content-Type"] == XLSX and response["Cache-Control"] == "no-store"
    sheet = opened(response.content).worksheets[0]
    assert sheet["I2"].comment.text == job.errors[0]["message"]
    page = client(cast.worker_a1).get(f"{URL}{job.public_id}/")
    assert job.errors[0]["message"].encode() in page.content and b"errors.xlsx" in page.content


def test_it_refuses_a_file_that_is_not_a_workbook_at_once(cast: Any) -> None:
    response = client(cast.worker_a1).post(URL, upload(b"id,name\n1,2\n"))
    assert response.status_code == 400
    assert b'id="file-error"' in response.content
    assert not ImportJob.objects.exists()


def test_it_offers_the_templates_to_importers(cast: Any) -> None:
    url = f"{URL}templates/residents.xlsx"
    assert client().get(url).status_code == 302
    assert client(cast.nobody).get(url).status_code == 403
    response = client(cast.worker_a1).get(url)
    assert response["Content-Type"] == XLSX
    assert opened(response.content).sheetnames == ["居民", "说明"]
    assert client(cast.worker_a1).get(f"{URL}templates/cars.xlsx").status_code == 404


def test_it_imports_from_the_command_line(cast: Any, tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(good())
    call_command("import_registry", "residents", str(path), "--user", "worker_a1", "--quiet")
    assert Resident.objects.count() == 2
    job = ImportJob.objects.get()
    assert (job.actor, job.status) == (cast.worker_a1, "done")

    path.write_bytes(residents_file([resident(number=wrong_check_digit(id_number(3)))]))
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("import_registry", "residents", str(path), "--quiet")
    errors = tmp_path / "r.errors.xlsx"
    assert opened(errors.read_bytes()).worksheets[0]["I2"].comment is not None
    assert Resident.objects.count() == 2


def test_it_maps_the_import_and_export_words_of_the_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", seen.append)
    cli.main(["import", "residents", "f.xlsx"])
    cli.main(["export", "residents", "-o", "x.xlsx"])
    cli.main(["help", "import"])
    cli.main(["migrate"])
    assert seen == [
        ["gridgov", "import_registry", "residents", "f.xlsx"],
        ["gridgov", "export_registry", "residents", "-o", "x.xlsx"],
        ["gridgov", "help", "import_registry"],
        ["gridgov", "migrate"],
    ]
