"""The people's sentiment diary (民情日記): the worker's phone page to write and correct
their entries (/m/diary/), and the heads' search of their workers' diaries (/visits/diary/)."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gridgov.cases.models import Case
from gridgov.core.errors import ServiceError
from gridgov.core.scope import holds_anywhere, scope_q
from gridgov.registry.models import Household

from . import queries, services
from .forms import DiaryForm, DiarySearchForm
from .models import DiaryEntry, Visit

MINE = 20  # the worker's own entries under the form: the last few weeks


def _recent(user: Any) -> Any:
    """The households the worker visited in the last 30 days: what the form offers to link,
    beside those asked for (?household=…) and those already linked."""
    since = timezone.now() - dt.timedelta(days=30)
    return Visit.objects.filter(worker=user, visited_at__gte=since).values_list(
        "household_id", flat=True
    )


def _form(request: HttpRequest, entry: DiaryEntry | None) -> DiaryForm:
    extra: list[Any] = list(entry.households.all()) if entry else []
    asked = request.GET.get("household", "")
    with contextlib.suppress(ValueError):
        extra += list(Household.objects.filter(public_id=uuid.UUID(asked))) if asked else []
    ids = {h.pk for h in extra} | set(_recent(request.user))
    homes = Household.objects.filter(scope_q(request.user, "grid_code", "view"), pk__in=ids)
    initial: dict[str, Any] = {"day": timezone.localdate(), "mood": "calm"}
    if entry is not None:
        initial = {
            "grid": entry.grid_id, "day": entry.day, "heard": entry.heard, "mood": entry.mood,
            "follow_up": entry.follow_up, "households": [h.pk for h in extra],
            "cases": ", ".join(c.number for c in entry.cases.all()),
        }  # fmt: skip
    elif asked:
        initial["households"] = [h.pk for h in extra]
    return DiaryForm(
        request.POST or None, initial=initial, grids=queries.writer_grids(request.user),
        households=homes.order_by("address"),
    )  # fmt: skip


def _save(request: HttpRequest, form: DiaryForm, entry: DiaryEntry | None) -> DiaryEntry | None:
    d = form.cleaned_data
    numbers = form.case_numbers()
    cases = list(Case.objects.filter(number__in=numbers))
    if len({c.number for c in cases}) != len(numbers):
        form.add_error("cases", _("No such case."))
        return None
    values = {
        "actor": request.user, "day": d["day"], "heard": d["heard"], "mood": d["mood"],
        "follow_up": d["follow_up"], "households": list(d["households"]), "cases": cases,
    }  # fmt: skip
    try:
        if entry is None:
            return services.write_diary(grid=d["grid"], **values)
        return services.edit_diary(entry=entry, **values)
    except ServiceError as e:
        if e.status == 403:
            raise PermissionDenied from None
        form.add_error(e.field if e.field in form.fields else None, str(e.message))
        return None


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The worker's diary: today's entry written at the top, their recent entries below."""
    if not holds_anywhere(request.user, services.DIARY_WRITE):
        raise PermissionDenied
    form = _form(request, None)
    if request.method == "POST" and form.is_valid() and _save(request, form, None):
        messages.success(request, _("Diary entry saved."))
        return redirect("m_diary:mine")
    today = timezone.localdate()
    entries = list(
        DiaryEntry.objects.filter(worker_id=request.user.pk)
        .prefetch_related("households", "cases")
        .order_by("-day", "-id")[:MINE]
    )
    ctx = {"form": form, "entries": entries, "today": today}
    return render(request, "visits/diary_mine.html", ctx, status=400 if form.errors else 200)


@login_required
def edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Correct one's own entry on the day it was written."""
    entry = queries.diary(request.user).filter(public_id=public_id).first()
    if entry is None:
        raise Http404
    if entry.worker_id != request.user.pk:
        raise PermissionDenied
    if not entry.editable_on(timezone.localdate()):
        messages.error(
            request, _("An entry is changed on the day it was written only: write a new one.")
        )
        return redirect("m_diary:mine")
    form = _form(request, entry)
    if request.method == "POST" and form.is_valid() and _save(request, form, entry):
        messages.success(request, _("Diary entry saved."))
        return redirect("m_diary:mine")
    ctx = {"form": form, "entry": entry}
    return render(request, "visits/diary_edit.html", ctx, status=400 if form.errors else 200)


@require_GET
@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The heads' search: their workers' entries by text, days, grid, worker and mood."""
    if not holds_anywhere(request.user, services.DIARY_READ):
        raise PermissionDenied
    form = DiarySearchForm(request.GET or None)
    page: Any = None
    if not request.GET or form.is_valid():
        d = form.cleaned_data if request.GET else {}
        qs = queries.search_diary(
            request.user, text=d.get("q", ""), start=d.get("start"), end=d.get("end"),
            grid=d.get("grid", ""), worker=d.get("worker", ""), mood=d.get("mood", ""),
        ).prefetch_related("households", "cases")  # fmt: skip
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    ctx = {"form": form, "page": page, "keep": keep.urlencode()}
    return render(request, "visits/diary_search.html", ctx, status=200 if page else 400)
