"""Meeting pages (/meetings/): a level's meetings with the regular ones due or missed, the
form that calls (or records) a meeting, a meeting's page — agenda, attendance one click per
person, minutes, decisions, tasks — and the task list with its xlsx export."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gridgov.accounts.models import User
from gridgov.cases.models import Case
from gridgov.core.errors import ServiceError, refuse_page
from gridgov.core.exports import xlsx_response
from gridgov.core.scope import in_scope

from . import queries, services
from .choices import Kind, Presence
from .forms import AttendanceForm, DoneForm, MeetingForm, MinutesForm, TaskFilterForm, TaskForm
from .models import Attendance, FollowUp, Meeting


def _level(request: HttpRequest, code: str) -> Any:
    try:
        return queries.level_for(request.user, code)
    except ServiceError as e:
        refuse_page(e, (None, "grid"))
        raise


# ---------------------------------------------------------------- the list


@require_GET
@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    """The meetings of a level (`?grid=`, default the person's outermost level) and the
    regular ones due or missed there; a person with no level sees those they are invited to."""
    code = request.GET.get("grid", "")
    kind = request.GET.get("kind", "")
    if kind not in Kind.values:
        kind = ""
    level = _level(request, code) if code else None
    if level is None and (home := queries.default_level(request.user)):
        level = _level(request, home)
    today = timezone.localdate()
    slots = queries.regular(level, today) if level else []
    # Chosen a level: its meetings. Opened plain: every meeting the person can see, those they
    # are invited to above their own level too (a grid worker at the community's meeting).
    rows = queries.meetings(request.user, grid=level.code if code and level else "", kind=kind)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    ctx = {
        "level": level,
        "chosen": bool(code),
        "kind": kind,
        "kinds": Kind.choices,
        "open_slots": [s for s in slots if s.state != "held"],
        "held_slots": sum(1 for s in slots if s.state == "held"),
        "page": page,
        "can_hold": level is not None and services.may_hold(request.user, level.code),
        "children": _children(request.user, level),
        # The level above, if the person may open it (a community head may not open the street).
        "parent": level.parent
        if level is not None
        and level.parent_id
        and in_scope(request.user, level.parent.code, "view")
        else None,
    }
    return render(request, "meetings/list.html", ctx)


def _children(user: Any, level: Any) -> list[Any]:
    if level is None:
        return []
    return list(level.children.current().order_by("code").only("code", "name"))


# ---------------------------------------------------------------- call a meeting


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    grid = _level(request, request.GET.get("grid", ""))
    if not services.may_hold(request.user, grid.code):
        raise PermissionDenied
    initial = {"chair": request.user.pk, "kind": request.GET.get("kind", Kind.WORKERS)}
    form = MeetingForm(request.POST or None, grid=grid, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        cases = list(Case.objects.visible_to(request.user).filter(number__in=d["cases"]))
        try:
            if len(cases) != len(set(d["cases"])):
                raise ServiceError("not_found", _("No such case."), field="cases", status=404)
            meeting = services.plan_meeting(
                actor=request.user, grid=grid, kind=d["kind"], title=d["title"],
                starts_at=d["starts_at"], place=d["place"], chair=d["chair"],
                agenda=d["agenda"], cases=cases,
            )  # fmt: skip
        except ServiceError as e:
            refuse_page(e, (None, "grid"))
            form.add_error(e.field if e.field in form.fields else None, str(e.message))
        else:
            messages.success(request, _("Meeting called; the people of the level are invited."))
            return redirect("meetings:detail", public_id=meeting.public_id)
    ctx = {"grid": grid, "form": form}
    return render(request, "meetings/form.html", ctx, status=400 if form.errors else 200)


# ---------------------------------------------------------------- one meeting


def _meeting(request: HttpRequest, public_id: uuid.UUID) -> Meeting:
    meeting = (
        Meeting.objects.visible_to(request.user)
        .select_related("grid", "grid__network", "chair")
        .filter(public_id=public_id)
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def _detail(
    request: HttpRequest, meeting: Meeting, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    now = timezone.now()
    today = timezone.localdate()
    can_run = services.may_run(user, meeting)
    attendance = list(meeting.attendances.select_related("user").order_by("user__username"))
    decisions = list(meeting.decisions.all())
    tasks = list(meeting.tasks.select_related("owner", "done_by").order_by("deadline", "id"))
    for t in tasks:
        t.overdue = t.is_overdue(today)  # type: ignore[attr-defined]
        t.may_close = t.status == "open" and services.may_complete(user, t)  # type: ignore[attr-defined]
    by_decision: dict[int, list[FollowUp]] = {}
    for t in tasks:
        by_decision.setdefault(t.decision_id, []).append(t)
    linked = list(meeting.cases.all().order_by("number"))
    visible = set(
        Case.objects.visible_to(user)
        .filter(pk__in=[c.pk for c in linked])
        .values_list("pk", flat=True)
    )
    counts = {p: sum(1 for a in attendance if a.presence == p) for p in Presence.values}
    ctx = {
        "meeting": meeting,
        "can_run": can_run,
        "started": meeting.has_started(now),
        "attendance": attendance,
        "counts": counts,
        "invited": len(attendance),
        "decisions": [(d, by_decision.get(d.pk, [])) for d in decisions],
        "cases": [c for c in linked if c.pk in visible],
        "hidden_cases": len(linked) - len(visible),
        "minutes_form": forms.get("minutes_form")
        or MinutesForm(initial={"minutes": meeting.minutes}),
        "task_form": forms.get("task_form") or (TaskForm(meeting=meeting) if can_run else None),
        "done_form": forms.get("done_form") or DoneForm(),
        "done_for": forms.get("done_for"),
        "error": forms.get("error"),
    }
    return render(request, "meetings/detail.html", ctx, status=status)


@require_GET
@login_required
def meeting_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _detail(request, _meeting(request, public_id))


def _run(request: HttpRequest, public_id: uuid.UUID) -> Meeting:
    meeting = _meeting(request, public_id)
    if not services.may_run(request.user, meeting):
        raise PermissionDenied
    return meeting


@require_POST
@login_required
def attendance(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One click per person: present, absent, or excused with the reason typed beside it.
    An htmx request gets the person's row back."""
    meeting = _run(request, public_id)
    form = AttendanceForm(request.POST)
    error = ""
    row = None
    if form.is_valid():
        d = form.cleaned_data
        person = User.objects.filter(pk=d["user"]).first()
        try:
            if person is None:
                raise ServiceError(
                    "not_found", _("This person is not invited."), field="user", status=404
                )
            row = services.mark_attendance(
                actor=request.user, meeting=meeting, user=person, presence=d["presence"],
                reason=d["reason"],
            )  # fmt: skip
        except ServiceError as e:
            refuse_page(e, (None, "grid"))
            error = str(e.message)
    else:
        error = " ".join(str(m) for errs in form.errors.values() for m in errs)
    if request.htmx:  # type: ignore[attr-defined]
        if row is None:
            who = form.cleaned_data.get("user") if form.is_valid() else None
            row = (
                Attendance.objects.select_related("user")
                .filter(meeting=meeting, user_id=who or 0)
                .first()
            )
        if row is None:
            return HttpResponse(error, status=422)
        rows = meeting.attendances.values_list("presence", flat=True)
        counts = {p: sum(1 for r in rows if r == p) for p in Presence.values}
        ctx = {
            "a": row, "meeting": meeting, "can_run": True, "started": True, "error": error,
            "counts": counts, "invited": len(rows), "oob": True,
        }  # fmt: skip
        return render(request, "meetings/_marked.html", ctx, status=422 if error else 200)
    if error:
        return _detail(request, meeting, status=422, error=error)
    return redirect(f"/meetings/{meeting.public_id}/#attendance")


@require_POST
@login_required
def minutes(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    meeting = _run(request, public_id)
    form = MinutesForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.record_minutes(
                actor=request.user, meeting=meeting, minutes=d["minutes"], decisions=d["decisions"]
            )
        except ServiceError as e:
            refuse_page(e, (None, "grid"))
            form.add_error(e.field if e.field in form.fields else None, str(e.message))
        else:
            messages.success(request, _("Minutes recorded."))
            return redirect(f"/meetings/{meeting.public_id}/#minutes")
    return _detail(request, meeting, status=422, minutes_form=form)


@require_POST
@login_required
def add_task(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    meeting = _run(request, public_id)
    form = TaskForm(request.POST, meeting=meeting)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.add_task(
                actor=request.user, meeting=meeting, decision=d["decision"], owner=d["owner"],
                deadline=d["deadline"], text=d["text"],
            )  # fmt: skip
        except ServiceError as e:
            refuse_page(e, (None, "grid"))
            form.add_error(e.field if e.field in form.fields else None, str(e.message))
        else:
            messages.success(request, _("Follow-up task set."))
            return redirect(f"/meetings/{meeting.public_id}/#decisions")
    return _detail(request, meeting, status=422, task_form=form)


# ---------------------------------------------------------------- tasks


@require_POST
@login_required
def task_done(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    task = (
        FollowUp.objects.visible_to(request.user)
        .select_related("meeting")
        .filter(public_id=public_id)
        .first()
    )
    if task is None:
        raise Http404
    if not services.may_complete(request.user, task):
        raise PermissionDenied
    form = DoneForm(request.POST)
    back = request.POST.get("next", "")
    if form.is_valid():
        try:
            services.complete_task(actor=request.user, task=task, note=form.cleaned_data["note"])
        except ServiceError as e:
            refuse_page(e, (None, "grid"))
            form.add_error("note", str(e.message))
        else:
            messages.success(request, _("Task recorded done."))
            if back == "tasks":
                return redirect("meetings:tasks")
            return redirect(f"/meetings/{task.meeting.public_id}/#decisions")
    meeting = _meeting(request, task.meeting.public_id)
    return _detail(request, meeting, status=422, done_form=form, done_for=task.pk)


def _filters(data: Any) -> TaskFilterForm:
    form = TaskFilterForm(data)
    form.is_valid()
    return form


@require_GET
@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    form = _filters(request.GET)
    d: dict[str, Any] = (
        form.cleaned_data if not form.errors else {"state": "", "grid": "", "mine": False}
    )
    if d["grid"]:
        _level(request, d["grid"])
    rows = queries.tasks(request.user, state=d["state"], grid=d["grid"], mine=d["mine"])
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for t in page:
        t.overdue = t.is_overdue(today)  # type: ignore[attr-defined]
        t.may_close = t.status == "open" and services.may_complete(request.user, t)  # type: ignore[attr-defined]
    ctx = {
        "form": form,
        "page": page,
        "export": {k: ("1" if v is True else v) for k, v in d.items() if v},
        "keep": "&".join(f"{k}={quote(str(v))}" for k, v in d.items() if v and v is not True)
        + ("&mine=1" if d["mine"] else ""),
        "done_form": DoneForm(),
    }
    return render(request, "meetings/tasks.html", ctx, status=400 if form.errors else 200)


@require_POST
@login_required
def task_export(request: HttpRequest) -> HttpResponse:
    form = TaskFilterForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Invalid input."), status=400)
    d = form.cleaned_data
    try:
        data, name = queries.export_tasks(
            actor=request.user, state=d["state"], grid=d["grid"], mine=d["mine"]
        )
    except ServiceError as e:
        refuse_page(e, (None, "grid"))
        raise
    return xlsx_response(data, name)
