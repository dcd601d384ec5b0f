"""Pages of spreadsheet import and export (R-REG-5).

Thin: the upload becomes an ImportJob (registry.imports) run by the task queue
(registry.tasks); the job page polls a status fragment (htmx) until it is done. A job is its
owner's: other people get 404. Exports reuse each list's filters (registry.search for
residents, registry.lists for the others).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gridgov.core import uploads
from gridgov.core.errors import ServiceError
from gridgov.core.scope import scope_q
from gridgov.grids.models import Grid

from . import imports, lists, tasks, xlsx
from .models import ImportJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=ImportJob.Kind.choices,
        widget=forms.RadioSelect,
        initial=ImportJob.Kind.RESIDENTS,
    )
    mode = forms.ChoiceField(
        label=_("When some rows have problems"),
        choices=[
            (ImportJob.Mode.ALL, _("Save nothing and give me the error workbook")),
            (ImportJob.Mode.VALID, _("Save the valid rows and give me the rest back")),
        ],
        widget=forms.RadioSelect,
        initial=ImportJob.Mode.ALL,
    )
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX}"}),
    )

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > xlsx.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": xlsx.MAX_BYTES // (1024 * 1024)}
            )
        return f


def _importer(request: HttpRequest) -> None:
    if not imports.may_import(request.user):
        raise PermissionDenied


def _job(request: HttpRequest, public_id: Any) -> ImportJob:
    job = ImportJob.objects.filter(public_id=public_id).first()
    user: Any = request.user
    if job is None or (job.actor_id != user.pk and not user.is_superuser):
        raise Http404
    return job


def _download(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def _refused(e: ServiceError) -> HttpResponse:
    """An export's refusal: out of scope 404, no right 403, else the message as text."""
    if e.status == 404:
        raise Http404 from None
    if e.status == 403:
        raise PermissionDenied from None
    return HttpResponse(str(e.message), status=e.status, content_type="text/plain; charset=utf-8")


@login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    _importer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and uploads.too_large(request):
        # The file was not kept (core.uploads.SizeCap): say why rather than "required".
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", _("The file is larger than %(mb)s MB.")
                       % {"mb": xlsx.MAX_BYTES // (1024 * 1024)})  # fmt: skip
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.create_job(
                actor=request.user, kind=form.cleaned_data["kind"],
                mode=form.cleaned_data["mode"], filename=upload.name, data=upload.read(),
                language=getattr(request, "LANGUAGE_CODE", "zh-hans"),
            )  # fmt: skip
        except ServiceError as e:
            form.add_error("file", str(e.message))
        else:
            tasks.enqueue(job)
            return redirect("registry:import_job", public_id=job.public_id)
    jobs = ImportJob.objects.filter(actor_id=request.user.pk).only(
        "public_id", "kind", "status", "filename", "total_rows", "error_rows", "created_at"
    )[:10]
    status = 400 if form.errors else 200
    return render(
        request,
        "registry/import.html",
        {"form": form, "jobs": jobs, "max_mb": xlsx.MAX_BYTES // (1024 * 1024),
         "max_rows": f"{xlsx.MAX_ROWS:,}"},
        status=status,
    )  # fmt: skip


@login_required
@require_GET
def job(request: HttpRequest, public_id: Any) -> HttpResponse:
    job = _job(request, public_id)
    template = "registry/import_job.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#status"
    return render(request, template, {"job": job})


@login_required
@require_GET
def error_file(request: HttpRequest, public_id: Any) -> HttpResponse:
    job = _job(request, public_id)
    if not job.error_file_enc:
        raise Http404
    stem = job.filename.rsplit(".", 1)[0] or "import"
    return _download(imports.unseal(job.error_file_enc), f"{stem}-错误.xlsx")


@login_required
@require_GET
def template_file(request: HttpRequest, kind: str) -> HttpResponse:
    _importer(request)
    if kind not in xlsx.LAYOUTS:
        raise Http404
    name = {"households": "住户导入模板.xlsx", "residents": "居民导入模板.xlsx",
            "tags": "关注标签导入模板.xlsx"}[kind]  # fmt: skip
    return _download(xlsx.template(kind), name)


@login_required
@require_POST
def export_residents(request: HttpRequest) -> HttpResponse:
    """The resident list as xlsx, filtered as the list is; masked.

    POST only: an export is recorded in the audit trail, which a link or an image on
    another site must not do in someone's name (CSRF). A `reason` (kept out of the URL and
    so out of server logs) unmasks, for those who hold personal.reveal; each unmasked row
    writes an AccessLog.
    """
    if not Grid.objects.filter(scope_q(request.user, "code")).exists():
        raise PermissionDenied
    # Filters come in the POST body from the resident list (they may hold a full ID number
    # or phone) or in the query string; a `reason` field asks for the unmasked export.
    params = {**request.GET.dict(), **request.POST.dict()}
    unmask = request.method == "POST" and "reason" in request.POST
    reason = request.POST.get("reason", "") if unmask else ""
    if unmask and not reason.strip():
        return HttpResponse(
            str(_("Say why you need to see it.")), status=422,
            content_type="text/plain; charset=utf-8",
        )  # fmt: skip
    try:
        data, _rows = imports.export_residents(actor=request.user, params=params, reason=reason)
    except ServiceError as e:
        return _refused(e)
    return _download(data, f"居民-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_POST
def export_list(request: HttpRequest, kind: str) -> HttpResponse:
    """A registry list (registry.lists: households, buildings, places, components,
    organisations) as xlsx, filtered as the list page is (the filters come in the POST
    body; POST for the same reason as export_residents)."""
    if kind not in lists.LISTS:
        raise Http404
    try:
        data, _rows = lists.export(actor=request.user, kind=kind, params=request.POST)
    except ServiceError as e:
        return _refused(e)
    return _download(data, f"{lists.LISTS[kind].title}-{timezone.localdate():%Y%m%d}.xlsx")
