"""The only code that changes meetings (STYLE "Services"): plan a meeting and invite its
people, mark attendance, record the minutes and decisions, set follow-up tasks and record
them done. Each checks scope and right first (404 out of scope, 403 without the right) and
writes an audit entry; nothing changes on a refusal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.models import Assignment, User
from gridgov.accounts.roles import Right
from gridgov.core import models as audit
from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.lib.codes import subtree_range
from gridgov.core.scope import in_scope
from gridgov.registry.services import number_in_text

from .choices import INVITED_ROLES, Kind, Presence, TaskStatus
from .models import Attendance, Decision, FollowUp, Meeting

HOLD = Right.HOLD_MEETINGS
NETWORK = "comprehensive"
# How far from today a meeting may be planned or recorded, and a task's deadline set.
REACH = dt.timedelta(days=366)


# ---------------------------------------------------------------- checks


def _invalid(field: str, message: Any, code: str = "invalid") -> ServiceError:
    # Well-formed input that breaks a rule the schema cannot say: 422, never 400.
    return ServiceError(code, message, field=field, status=422)


def clean_text(value: str, field: str, *, required: bool = True) -> str:
    """Free text about people is kept in clear: no phone or ID numbers (the registry's rule)."""
    value = value.strip()
    if required and not value:
        raise _invalid(field, _("This field is required."))
    if number_in_text(value):
        raise _invalid(
            field,
            _("Phone and ID numbers are not written here (this field is not encrypted)."),
            "number_in_text",
        )
    return value


def may_hold(user: Any, code: str) -> bool:
    return in_scope(user, code, HOLD)


def may_run(user: Any, meeting: Meeting) -> bool:
    """Whether the person may mark attendance, record minutes and set tasks: the chair, or
    whoever holds meetings at that level."""
    return meeting.chair_id == getattr(user, "pk", None) or may_hold(user, meeting.grid_code)


def may_see(user: Any, meeting: Meeting) -> bool:
    return Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists()


def guard_run(actor: Any, meeting: Meeting) -> None:
    if may_run(actor, meeting):
        return
    if not may_see(actor, meeting):
        raise NotFound(_("Not found."))
    raise Forbidden(_("Only the chair or the holder of this level may do this."))


def _ancestors(grid: Any) -> list[str]:
    return [grid.code[:n] for n in grid.network.code_lengths if n < len(grid.code)]


def people_for(grid: Any, on: dt.date | None = None) -> Any:
    """People who may chair a meeting of `grid` or own one of its tasks: those with a
    running assignment on the grid, under it, or on a level above it."""
    low, high = subtree_range(grid.code)
    running = Assignment.objects.active(on).filter(
        Q(grid_code__gte=low, grid_code__lt=high) | Q(grid_code__in=_ancestors(grid))
    )
    return User.objects.filter(is_active=True, pk__in=running.values("user_id")).order_by(
        "username"
    )


def invitees(grid: Any, kind: str, on: dt.date | None = None) -> list[int]:
    """Ids of the people invited to a meeting of `kind` held by `grid`: those holding one of
    the kind's roles in its subtree on the day (choices.INVITED_ROLES)."""
    low, high = subtree_range(grid.code)
    return sorted(
        set(
            Assignment.objects.active(on)
            .filter(grid_code__gte=low, grid_code__lt=high, role__in=INVITED_ROLES[kind])
            .values_list("user_id", flat=True)
        )
    )


def _in(people: Any, user: Any) -> bool:
    return user is not None and people.filter(pk=user.pk).exists()


# ---------------------------------------------------------------- meetings


def plan_meeting(
    *,
    actor: Any,
    grid: Any,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    place: str,
    chair: Any,
    agenda: Sequence[str] = (),
    cases: Sequence[Any] = (),
) -> Meeting:
    """Call a meeting of `grid` (or record one held already): the people of its kind's
    roles under the grid are invited. Cases are linked to a joint consultation only, and
    only cases the actor can see."""
    from gridgov.cases.models import Case

    if grid.network.slug != NETWORK or not in_scope(actor, grid.code):
        raise NotFound(_("No grid with code %(code)s.") % {"code": grid.code}, field="grid")
    if not may_hold(actor, grid.code):
        raise Forbidden(_("You may not hold meetings here."))
    if kind not in Kind.values:
        raise _invalid("kind", _("Unknown kind of meeting."))
    title = clean_text(title, "title")
    place = clean_text(place, "place")
    items = [clean_text(a, "agenda") for a in agenda if a.strip()]
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    now = timezone.now()
    if abs(starts_at - now) > REACH:
        raise _invalid("starts_at", _("A meeting is within a year of today."))
    day = timezone.localtime(starts_at).date()
    if grid.valid_from > day or (grid.valid_to is not None and grid.valid_to <= day):
        raise _invalid("grid", _("The grid is not in force on that day."))
    if not _in(people_for(grid, day), chair) and chair != actor:
        raise _invalid("chair", _("The chair is someone holding a role at this level."))
    linked = list(dict.fromkeys(cases))
    if linked and kind != Kind.CONSULTATION:
        raise _invalid("cases", _("Only a joint consultation discusses cases."))
    if linked:
        seen = Case.objects.visible_to(actor).filter(pk__in=[c.pk for c in linked]).count()
        if seen != len(linked):
            raise NotFound(_("No such case."), field="cases")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            kind=kind, grid=grid, grid_code=grid.code, title=title, starts_at=starts_at,
            place=place, chair=chair, agenda=items, created_by=actor,
        )  # fmt: skip
        if linked:
            meeting.cases.set(linked)
        people = set(invitees(grid, kind, day)) | {chair.pk}
        Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, user_id=pk) for pk in sorted(people)]
        )
        audit.record(
            actor=actor, action="meeting.plan", object_type="meeting",
            object_key=str(meeting.public_id),
            after={"grid": grid.code, "kind": kind, "starts_at": starts_at.isoformat(),
                   "chair": chair.pk, "invited": len(people),
                   "cases": [c.number for c in linked]},
        )  # fmt: skip
    return meeting


def mark_attendance(
    *, actor: Any, meeting: Meeting, user: Any, presence: str, reason: str = ""
) -> Attendance:
    """Mark one invited person present, absent, or excused (with a reason), once the
    meeting has begun; a second mark replaces the first."""
    guard_run(actor, meeting)
    if presence not in (Presence.PRESENT, Presence.ABSENT, Presence.EXCUSED):
        raise _invalid("presence", _("Present, absent or excused."))
    reason = clean_text(reason, "reason", required=presence == Presence.EXCUSED)
    if presence == Presence.PRESENT:
        reason = ""
    now = timezone.now()
    if not meeting.has_started(now):
        raise ServiceError(
            "not_started", _("Attendance is marked once the meeting has begun."), status=409
        )
    with transaction.atomic():
        row = Attendance.objects.select_for_update().filter(meeting=meeting, user=user).first()
        if row is None:
            raise NotFound(_("This person is not invited."), field="user")
        before = {"presence": row.presence, "reason": row.reason}
        row.presence, row.reason, row.marked_at, row.marked_by = presence, reason, now, actor
        row.save(update_fields=["presence", "reason", "marked_at", "marked_by"])
        audit.record(
            actor=actor, action="meeting.attendance", object_type="meeting",
            object_key=str(meeting.public_id), before={"user": user.pk, **before},
            after={"user": user.pk, "presence": presence, "reason": reason},
        )  # fmt: skip
    return row


def record_minutes(
    *, actor: Any, meeting: Meeting, minutes: str, decisions: Sequence[str] = ()
) -> Meeting:
    """Record (or correct) the minutes and add decisions, numbered after those recorded;
    the meeting counts as held from the first time."""
    guard_run(actor, meeting)
    minutes = clean_text(minutes, "minutes")
    new = [clean_text(d, "decisions") for d in decisions if d.strip()]
    if any(len(d) > 1000 for d in new):
        raise _invalid("decisions", _("Too long: at most %(limit)s characters.") % {"limit": 1000})
    now = timezone.now()
    if not meeting.has_started(now):
        raise ServiceError(
            "not_started", _("The minutes are recorded once the meeting has begun."), status=409
        )
    with transaction.atomic():
        # The meeting row is the lock: two recorders at once number their decisions in turn.
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        before = {"minutes": len(locked.minutes), "held": locked.held_at is not None}
        locked.minutes = minutes
        locked.held_at = locked.held_at or now
        locked.save(update_fields=["minutes", "held_at", "updated_at"])
        last = locked.decisions.aggregate(n=Max("number"))["n"] or 0
        Decision.objects.bulk_create(
            [Decision(meeting=locked, number=last + i, text=t) for i, t in enumerate(new, 1)]
        )
        audit.record(
            actor=actor, action="meeting.minutes", object_type="meeting",
            object_key=str(meeting.public_id), before=before,
            after={"minutes": len(minutes), "decisions_added": len(new)},
        )  # fmt: skip
    meeting.minutes, meeting.held_at = locked.minutes, locked.held_at
    return meeting


# ---------------------------------------------------------------- follow-up tasks


def add_task(
    *, actor: Any, meeting: Meeting, decision: Decision, owner: Any, deadline: dt.date, text: str
) -> FollowUp:
    """A follow-up task of one of the meeting's decisions (督辦事項), owned by someone of
    the level (or above it), due by `deadline`."""
    guard_run(actor, meeting)
    if decision.meeting_id != meeting.pk:
        raise NotFound(_("No such decision."), field="decision")
    text = clean_text(text, "text")
    day = timezone.localtime(meeting.starts_at).date()
    if deadline < day or deadline > timezone.localdate() + REACH:
        raise _invalid("deadline", _("The deadline is after the meeting and within a year."))
    if not _in(people_for(meeting.grid), owner):
        raise _invalid("owner", _("The owner is someone holding a role at this level."))
    with transaction.atomic():
        task = FollowUp.objects.create(
            meeting=meeting, decision=decision, grid_code=meeting.grid_code, owner=owner,
            text=text, deadline=deadline,
        )  # fmt: skip
        audit.record(
            actor=actor, action="meeting.task", object_type="meeting_task",
            object_key=str(task.public_id),
            after={"meeting": str(meeting.public_id), "decision": decision.number,
                   "owner": owner.pk, "deadline": deadline.isoformat()},
        )  # fmt: skip
    return task


def may_complete(user: Any, task: FollowUp) -> bool:
    uid = getattr(user, "pk", None)
    return uid is not None and uid in (task.owner_id, task.meeting.chair_id)


def complete_task(*, actor: Any, task: FollowUp, note: str) -> FollowUp:
    """Record a task done, with what was done: by its owner or the meeting's chair. Once."""
    if not may_complete(actor, task):
        if not FollowUp.objects.visible_to(actor).filter(pk=task.pk).exists():
            raise NotFound(_("Not found."))
        raise Forbidden(_("Only the task's owner or the chair records it done."))
    note = clean_text(note, "note")
    now = timezone.now()
    with transaction.atomic():
        # Compare-and-set: of two at once, one finds it open.
        done = FollowUp.objects.filter(pk=task.pk, status=TaskStatus.OPEN).update(
            status=TaskStatus.DONE, done_note=note, done_at=now, done_by=actor, updated_at=now
        )
        if not done:
            raise ServiceError("already_done", _("This task is recorded done already."), status=409)
        audit.record(
            actor=actor, action="meeting.task_done", object_type="meeting_task",
            object_key=str(task.public_id), before={"status": TaskStatus.OPEN},
            after={"status": TaskStatus.DONE, "late": task.deadline < timezone.localdate()},
        )  # fmt: skip
    task.status, task.done_note, task.done_at, task.done_by = TaskStatus.DONE, note, now, actor
    return task
