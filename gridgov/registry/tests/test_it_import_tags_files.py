"""The tags import's files and doors: its template (what `read` accepts, the tag form's
labels as headers), the import page and the command line."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import translation

from gridgov.registry import imports, services, xlsx
from gridgov.registry.choices import DETAIL_LABELS
from gridgov.registry.forms import TagForm
from gridgov.registry.models import Household, ImportJob, Resident, Tag
from gridgov.registry.tests.sheets import A1, id_number, opened, tag, tags_file

pytestmark = pytest.mark.django_db
URL = "/registry/imports/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def a_resident(cast: Any) -> Resident:
    home = Household.objects.get(grid_code=A1, address="甲社区第1网格0号")
    data = services.ResidentIn(name="张老", id_number=id_number(700), relation="head")
    return services.add_resident(actor=cast.admin, household=home, data=data)


def test_it_reads_back_its_own_template_filled_in(cast: Any) -> None:
    person = a_resident(cast)
    template = xlsx.template("tags")
    empty = xlsx.read(template, "tags")
    assert (empty.title, empty.rows) == ("关注标签", [])
    assert set(empty.positions) == {c.key for c in xlsx.TAG_COLUMNS}
    book = opened(template)
    assert book.sheetnames == ["关注标签", "说明"]
    listed = [
        row[0].value for row in book["说明"].iter_rows(min_row=2, max_row=1 + len(xlsx.TAG_COLUMNS))
    ]
    assert listed == [c.header for c in xlsx.TAG_COLUMNS]
    sheet = book.worksheets[0]
    sheet.append(tag(number=id_number(700), kind="残疾人", 残疾类别="视力", 残疾等级="一级"))
    out = io.BytesIO()
    book.save(out)

    job = imports.create_job(actor=cast.worker_a1, kind="tags", mode="all", filename="t.xlsx",
                             data=out.getvalue())  # fmt: skip
    job = imports.run_job(job.pk)

    assert (job.status, job.counts["created"]) == ("done", 1)
    assert Tag.objects.get(resident=person).details == {"category": "visual", "grade": "1"}


def test_it_heads_the_detail_columns_with_the_tag_forms_labels() -> None:
    with translation.override("zh-hans"):
        assert {k: str(v) for k, v in DETAIL_LABELS.items()} == xlsx.DETAIL_HEADERS
        form = TagForm(data={"kind": "disability"})
        assert str(form.fields["detail_grade"].label) == xlsx.DETAIL_HEADERS["grade"]
    fields = {key for details in services.TAG_DETAILS.values() for key in details}
    assert fields == set(xlsx.DETAIL_HEADERS)


def test_it_offers_the_tags_import_on_the_page(cast: Any) -> None:
    page = client(cast.worker_a1).get(URL)
    assert b'value="tags"' in page.content
    assert b'href="/registry/imports/templates/tags.xlsx"' in page.content
    response = client(cast.worker_a1).get(f"{URL}templates/tags.xlsx")
    assert response.status_code == 200
    assert "%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx" in response["Content-Disposition"]
    assert opened(response.content).sheetnames == ["关注标签", "说明"]
    assert client(cast.nobody).get(f"{URL}templates/tags.xlsx").status_code == 403


def test_it_imports_an_upload_of_tags_from_the_page(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person = a_resident(cast)
    data = tags_file([tag(number=id_number(700), kind="空巢老人", 紧急联系人="李某")])
    upload = {"kind": "tags", "mode": "all",
              "file": SimpleUploadedFile("标签.xlsx", data, XLSX)}  # fmt: skip
    c = client(cast.worker_a1)

    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(URL, upload)

    job = ImportJob.objects.get()
    assert response["Location"] == f"{URL}{job.public_id}/"
    assert (job.kind, job.status, job.counts["created"]) == ("tags", "done", 1)
    assert Tag.objects.get().resident == person
    page = c.get(response["Location"])
    assert b'data-status="done"' in page.content


def test_it_imports_tags_from_the_command_line(cast: Any, tmp_path: Path) -> None:
    person = a_resident(cast)
    path = tmp_path / "t.xlsx"
    path.write_bytes(tags_file([tag(number=id_number(700), kind="独居老人")]))

    call_command("import_registry", "tags", str(path), "--user", "worker_a1", "--quiet")
    call_command("import_registry", "tags", str(path), "--quiet")

    assert Tag.objects.get().resident == person
    first, second = ImportJob.objects.order_by("id")
    assert (first.actor, first.kind, first.counts["created"]) == (cast.worker_a1, "tags", 1)
    assert (second.actor, second.counts["unchanged"]) == (None, 1)

    path.write_bytes(tags_file([tag(number=id_number(701))]))
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("import_registry", "tags", str(path), "--quiet")
    errors = tmp_path / "t.errors.xlsx"
    assert opened(errors.read_bytes()).worksheets[0]["A2"].comment is not None
    assert Tag.objects.count() == 1
