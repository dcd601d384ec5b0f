"""/api/v1/meetings: the meetings in your scope, call one, read one, mark attendance, record
the minutes and decisions, the follow-up tasks (one filter with the task page), set one,
record one done."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from gridgov.accounts.models import User
from gridgov.cases.models import Case
from gridgov.core.errors import NotFound
from gridgov.core.schemas import ERRORS

from . import queries, services
from .choices import Kind
from .models import FollowUp, Meeting
from .schemas import (
    AttendanceIn,
    AttendanceOut,
    DoneIn,
    MeetingDetailOut,
    MeetingIn,
    MeetingOut,
    MinutesIn,
    TaskIn,
    TaskOut,
)

router = Router(tags=["meetings"])


def _name(u: Any) -> str:
    return u.get_full_name() or u.username


def _meeting(m: Meeting) -> dict[str, Any]:
    return {
        "public_id": m.public_id, "kind": m.kind, "grid": m.grid_code, "title": m.title,
        "starts_at": m.starts_at, "place": m.place, "chair": m.chair.username,
        "agenda": m.agenda, "held": m.held_at is not None,
    }  # fmt: skip


def _task(t: FollowUp, today: Any) -> dict[str, Any]:
    return {
        "public_id": t.public_id, "meeting": t.meeting.public_id, "decision": t.decision.number,
        "grid": t.grid_code, "owner": t.owner.username, "text": t.text, "deadline": t.deadline,
        "status": t.status, "overdue": t.is_overdue(today), "done_note": t.done_note,
        "done_at": t.done_at, "done_by": t.done_by.username if t.done_by else None,
    }  # fmt: skip


def _detail(m: Meeting, user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    tasks = m.tasks.select_related("meeting", "decision", "owner", "done_by").order_by(
        "deadline", "id"
    )
    return {
        **_meeting(m),
        "minutes": m.minutes,
        "cases": list(
            Case.objects.visible_to(user)
            .filter(pk__in=m.cases.values("pk"))
            .order_by("number")
            .values_list("number", flat=True)
        ),
        "attendance": [
            {
                "user": a.user.username,
                "name": _name(a.user),
                "presence": a.presence,
                "reason": a.reason,
            }
            for a in m.attendances.select_related("user").order_by("user__username")
        ],
        "decisions": [{"number": d.number, "text": d.text} for d in m.decisions.all()],
        "tasks": [_task(t, today) for t in tasks],
    }


def _get(request: HttpRequest, public_id: Any) -> Meeting:
    m = (
        Meeting.objects.visible_to(request.user)
        .select_related("grid", "grid__network", "chair")
        .filter(public_id=public_id)
        .first()
    )
    if m is None:
        raise NotFound(_("Not found."))
    return m


def _user(username: str, field: str) -> Any:
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        raise NotFound(_("No such person."), field=field)
    return found


@router.get("", response={200: list[MeetingOut], **ERRORS}, summary="Meetings you can see")
def list_meetings(
    request: HttpRequest,
    grid: str = Query("", max_length=32),  # type: ignore[type-arg]
    kind: Literal["", "workers", "party_building", "work", "consultation"] = "",
    limit: int = Query(50, ge=1, le=200),  # type: ignore[type-arg]
    offset: int = Query(0, ge=0, le=1_000_000),  # type: ignore[type-arg]
):
    """Newest first: those held in your scope, and those you chair or are invited to;
    `grid` keeps those at or under a code."""
    rows = queries.meetings(request.user, grid=grid, kind=kind)
    return [_meeting(m) for m in rows[offset : offset + limit]]


@router.post("", response={201: MeetingDetailOut, **ERRORS}, summary="Call a meeting")
def create(request: HttpRequest, payload: MeetingIn):
    """Held by the level `grid`; the people of its kind's roles under it are invited (ADR
    0024). A time in the past records a meeting held; its minutes follow."""
    grid = queries.level_for(request.user, payload.grid)
    chair = _user(payload.chair, "chair") if payload.chair else request.user
    numbers = list(dict.fromkeys(payload.cases))
    cases = list(Case.objects.visible_to(request.user).filter(number__in=numbers))
    if len(cases) != len(numbers):
        raise NotFound(_("No such case."), field="cases")
    meeting = services.plan_meeting(
        actor=request.user, grid=grid, kind=Kind(payload.kind), title=payload.title,
        starts_at=payload.starts_at, place=payload.place, chair=chair,
        agenda=payload.agenda, cases=cases,
    )  # fmt: skip
    return Status(201, _detail(meeting, request.user))


@router.get("/tasks", response={200: list[TaskOut], **ERRORS}, summary="Follow-up tasks")
def list_tasks(
    request: HttpRequest,
    state: Literal["", "open", "overdue", "done"] = "",
    grid: str = Query("", max_length=32),  # type: ignore[type-arg]
    mine: bool = False,
    limit: int = Query(100, ge=1, le=500),  # type: ignore[type-arg]
    offset: int = Query(0, ge=0, le=1_000_000),  # type: ignore[type-arg]
):
    """The tasks you can see (the level's, yours, those of meetings you chair), soonest
    deadline first, open before done; the same filter as the task page."""
    today = timezone.localdate()
    rows = queries.tasks(request.user, state=state, grid=grid, mine=mine)
    return [_task(t, today) for t in rows.select_related("done_by")[offset : offset + limit]]


@router.post("/tasks/{public_id}/done", response={200: TaskOut, **ERRORS}, summary="Task done")
def task_done(request: HttpRequest, public_id: uuid.UUID, payload: DoneIn):
    """By the task's owner or the meeting's chair, once (409 after)."""
    task = (
        FollowUp.objects.visible_to(request.user)
        .select_related("meeting", "decision", "owner")
        .filter(public_id=public_id)
        .first()
    )
    if task is None:
        raise NotFound(_("Not found."))
    services.complete_task(actor=request.user, task=task, note=payload.note)
    return _task(task, timezone.localdate())


@router.get("/{public_id}", response={200: MeetingDetailOut, **ERRORS}, summary="One meeting")
def read(request: HttpRequest, public_id: uuid.UUID):
    return _detail(_get(request, public_id), request.user)


@router.post(
    "/{public_id}/attendance", response={200: AttendanceOut, **ERRORS}, summary="Attendance"
)
def attendance(request: HttpRequest, public_id: uuid.UUID, payload: AttendanceIn):
    """Mark one invited person, once the meeting has begun (409 before); by the chair or
    the holder of the level."""
    meeting = _get(request, public_id)
    services.guard_run(request.user, meeting)
    person = _user(payload.user, "user")
    row = services.mark_attendance(
        actor=request.user, meeting=meeting, user=person, presence=payload.presence,
        reason=payload.reason,
    )  # fmt: skip
    return {"user": person.username, "name": _name(person), "presence": row.presence,
            "reason": row.reason}  # fmt: skip


@router.post("/{public_id}/minutes", response={200: MeetingDetailOut, **ERRORS}, summary="Minutes")
def minutes(request: HttpRequest, public_id: uuid.UUID, payload: MinutesIn):
    """Record (or correct) the minutes; `decisions` are added, numbered after those there."""
    meeting = _get(request, public_id)
    services.record_minutes(
        actor=request.user, meeting=meeting, minutes=payload.minutes, decisions=payload.decisions
    )
    return _detail(meeting, request.user)


@router.post(
    "/{public_id}/tasks", response={201: TaskOut, **ERRORS}, summary="Set a follow-up task"
)
def add_task(request: HttpRequest, public_id: uuid.UUID, payload: TaskIn):
    """A task of one of the meeting's decisions, owned by someone holding a role at the
    level, above or below it."""
    meeting = _get(request, public_id)
    services.guard_run(request.user, meeting)
    decision = meeting.decisions.filter(number=payload.decision).first()
    if decision is None:
        raise NotFound(_("No such decision."), field="decision")
    owner = _user(payload.owner, "owner")
    task = services.add_task(
        actor=request.user, meeting=meeting, decision=decision, owner=owner,
        deadline=payload.deadline, text=payload.text,
    )  # fmt: skip
    task.meeting, task.decision, task.owner = meeting, decision, owner
    return Status(201, _task(task, timezone.localdate()))
