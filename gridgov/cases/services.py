"""The only code that changes a case: report it, then act on it by the transition table.

Shape of every action (STYLE "Services"): atomic → lock the row → check the version the
person saw, the stage and their right (transitions.TABLE) → mutate → append a CaseEvent →
side effects on commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.models import Assignment
from gridgov.accounts.roles import Role
from gridgov.core import rows
from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.lib import images
from gridgov.core.scope import in_scope
from gridgov.grids.models import Grid
from gridgov.registry.models import Organisation

from . import clock, rollup
from .choices import ENDED_STAGES, Action, Source, Stage
from .models import Case, CaseAttachment, CaseEvent, Category
from .transitions import TABLE, Transition

# Where `report` leaves the timeline it wrote (one event; no co-units yet), so that an answer
# about the new case need not read it back.
IN_HAND = "events_in_hand"


def _event(
    case: Case, actor: Any, action: str, before: str, note: str = "", due: Any = None
) -> CaseEvent:
    event = CaseEvent(
        case=case,
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_stage=before,
        to_stage=case.stage,
        holder_code=case.holder_code,
        note=note[:2000],
        due=due,
    )
    rows.insert(event)  # every report and action writes one: the statement is built once
    return event


PHOTO_SIDE = 1600  # evidence: enough to read a sign or a plate, small enough for a phone link
MAX_PHOTOS = 6


def prepare_photos(photos: list[bytes]) -> list[bytes]:
    """Re-encoded JPEGs (no metadata), before any lock is taken: the slow part."""
    if len(photos) > MAX_PHOTOS:
        raise ServiceError(
            "invalid", _("At most %(n)d photos.") % {"n": MAX_PHOTOS}, field="photos"
        )
    out = []
    for data in photos:
        try:
            out.append(images.reencode(data, PHOTO_SIDE))
        except images.PhotoRefused as e:
            raise ServiceError("invalid", e.message, field="photos") from None
    return out


def _saver(name: str, data: bytes) -> Callable[[], None]:
    def save() -> None:
        default_storage.save(name, ContentFile(data))

    return save


def _attach(case: Case, actor: Any, kind: str, photos: list[bytes], now: dt.datetime) -> None:
    """Rows now, files when the transaction commits (a refused action leaves no file)."""
    for data in photos:
        a = CaseAttachment.objects.create(
            case=case, kind=kind, at=now, by=actor if getattr(actor, "pk", None) else None
        )
        a.file = f"cases/{case.public_id}/{a.public_id}.jpg"
        CaseAttachment.objects.filter(pk=a.pk).update(file=a.file)
        transaction.on_commit(_saver(a.file, data))


def start_clock(case: Case, name: str | None, now: dt.datetime) -> None:
    case.clock_state = 0
    if name is None:
        case.deadline = case.warn_at = None
        return
    case.deadline, case.warn_at = clock.stage_deadline(case.category, name, now)


def locate(lon: float, lat: float) -> Grid:
    """The deepest current comprehensive grid at a point (intake resolves the grid from the
    location); a point outside every grid is refused."""
    from gridgov.grids import index
    from gridgov.grids.queries import network_by_slug

    found = index.for_slug("comprehensive")
    if found is None:
        network_by_slug("comprehensive")  # raises its error: no such network (yet)
    hits = [h for h in found.locate(lon, lat) if h.kind != "dedicated"] if found else []
    if found is None or not hits:
        raise ServiceError(
            "outside",
            _("This place lies outside the district's grids."),
            field="location",
            status=422,  # well-formed, but no grid takes it
        )
    # The case needs the grid's identity, not its shape: the index holds it (no query).
    return hits[-1].grid(found.network_id)


def _has_children(category: Category) -> bool:
    known = getattr(category, "has_children", None)  # set by the catalogue
    return category.children.exists() if known is None else bool(known)


def report(
    *,
    actor: Any,
    category: Category,
    grid: Grid,
    description: str,
    source: str = Source.PATROL,
    lon: float | None = None,
    lat: float | None = None,
    address: str = "",
    photos: list[bytes] | None = None,
) -> Case:
    """A new case on `grid` (信息收集). A person reporting needs the right on the grid; the
    public page and Open311 report with `actor=None` (their own checks apply)."""
    if actor is not None and not in_scope(actor, grid.code, "cases.report"):
        if not in_scope(actor, grid.code):
            raise NotFound(_("No grid with code %(code)s.") % {"code": grid.code}, field="grid")
        raise Forbidden(_("You may not report cases here."))
    if not category.active or _has_children(category):
        raise ServiceError(
            "invalid",
            _("Choose a category of the lowest level in use."),
            field="category",
            status=422,
        )
    if not description.strip():
        raise ServiceError("invalid", _("This field is required."), field="description")
    ready = prepare_photos(photos or [])
    now = timezone.now()
    with transaction.atomic():
        case = Case(
            category=category,
            grid=grid,
            grid_code=grid.code,
            holder_code=grid.code,
            lon=lon,
            lat=lat,
            address=address,
            description=description,
            source=source,
            reporter=actor if getattr(actor, "pk", None) else None,
            stage=Stage.REPORTED,
        )
        start_clock(case, "file", now)
        # Intake's hot path: the statements are built once (core.rows). The number shows
        # the day and the id: where the id can be known first, the row is written once.
        case.pk = rows.next_id(Case)
        day = f"{timezone.localtime(now):%Y%m%d}"
        if case.pk is not None:
            case.number = f"{day}{case.pk:06d}"
        rows.insert(case)
        if not case.number:
            case.number = f"{day}{case.pk:06d}"
            with connection.cursor() as cursor:
                cursor.execute(
                    f'UPDATE "{Case._meta.db_table}" SET "number" = %s WHERE "id" = %s',
                    [case.number, case.pk],
                )
        # The new case's whole timeline, for a caller that answers with it (the API).
        setattr(case, IN_HAND, [_event(case, actor, "report", "")])
        rollup.reported(case)
        _attach(case, actor, CaseAttachment.Kind.BEFORE, ready, now)
    return case


def handled_units(user: Any) -> set[int]:
    """The units `user` handles cases for (running department-handler assignments), read
    once per request and kept on the user object, as scope keeps its assignments: a list of
    cases asks this for every row."""
    cached = getattr(user, "_gridgov_handled_units", None)
    if cached is None:
        cached = set(
            Assignment.objects.active()
            .filter(user=user, role=Role.DEPARTMENT_HANDLER, unit__isnull=False)
            .values_list("unit_id", flat=True)
        )
        user._gridgov_handled_units = cached
    return cached


def is_assignee(actor: Any, case: Case) -> bool:
    """Whether `actor` is to handle the case: a department handler of its unit, or grid staff
    of the level it was dispatched to."""
    if actor is None or not actor.is_authenticated:
        return False
    if actor.is_superuser:
        return True
    if case.unit_id is not None:
        return case.unit_id in handled_units(actor)
    return bool(case.assignee_code) and in_scope(actor, case.assignee_code, "cases.report")


def may(actor: Any, case: Case, t: Transition) -> bool:
    """Whether `actor` may take transition `t` on `case` now (stage and right)."""
    if case.stage not in t.sources or actor is None or not actor.is_authenticated:
        return False
    if t.who == "holder":
        return in_scope(actor, case.holder_code, t.right)
    if t.who == "grid":
        return in_scope(actor, case.grid_code, t.right)
    if t.who == "assignee":
        return is_assignee(actor, case)
    if t.who == "reporter":
        return actor.pk == case.reporter_id and in_scope(actor, case.grid_code, t.right)
    return False


def allowed(actor: Any, case: Case) -> list[Transition]:
    """The actions `actor` may take on `case` now, in the table's order (the page's buttons)."""
    return [t for t in TABLE.values() if may(actor, case, t)]


def act(
    *,
    case: Case,
    actor: Any,
    action: str,
    note: str = "",
    version: int | None = None,
    unit: Organisation | None = None,
    level: str = "",
    co_units: list[Organisation] | None = None,
    duplicate_of: Case | None = None,
    satisfaction: int | None = None,
    photos: list[bytes] | None = None,
) -> Case:
    """Take `action` on `case` (transitions.TABLE). 409 when the case changed since the
    person saw it (`version`) or its stage no longer allows the action; 403 without the
    right; nothing changes on a refusal."""
    t = TABLE.get(action)
    if t is None:
        raise ServiceError("invalid", _("Unknown action."), field="action")
    note = note.strip()
    ready = prepare_photos(photos or [])
    if "note" in t.needs and not note:
        raise ServiceError("invalid", _("Say why, or what was done."), field="note")
    now = timezone.now()
    with transaction.atomic():
        # The lock makes two people acting at once take turns; the second then finds the
        # stage or version changed and is refused with 409 (SQLite: the IMMEDIATE
        # transaction does the same by taking the write lock first).
        # The case's row only: locking its grid and category too (what select_related
        # would) makes every report in that grid wait for this action, and deadlock with
        # one that holds the indicators' day row this action is about to add to (foreign
        # keys are checked at commit).
        c = (
            Case.objects.select_for_update(of=("self",))
            .select_related("category", "grid")
            .get(pk=case.pk)
        )
        if version is not None and version != c.version:
            raise ServiceError(
                "conflict", _("Someone else acted on this case meanwhile; look again."),
                status=409,
            )  # fmt: skip
        if c.stage not in t.sources:
            raise ServiceError(
                "not_allowed_now",
                _("This cannot be done at the stage %(stage)s.") % {"stage": c.get_stage_display()},
                status=409,
            )
        if not may(actor, c, t):
            if not in_scope(actor, c.grid_code) and not in_scope(actor, c.holder_code):
                raise NotFound(_("Not found."))
            raise Forbidden(_("You may not do this on this case."))
        before, due = c.stage, c.deadline
        fields = ["stage", "deadline", "warn_at", "clock_state", "version", "updated_at"]
        EFFECTS[action](
            c, t, now, fields, note=note, unit=unit, level=level, duplicate_of=duplicate_of,
            satisfaction=satisfaction, actor=actor, co_units=co_units or [],
        )  # fmt: skip
        if t.target is not None:
            c.stage = t.target
        if t.clock is not None or t.target in (*ENDED_STAGES, Stage.SUSPENDED):
            start_clock(c, t.clock, now)
        c.version = F("version") + 1
        c.save(update_fields=sorted(set(fields)))
        c.refresh_from_db(fields=["version"])
        _event(c, actor, action, before, note, due)
        rollup.refresh([c.pk])
        _tell(c, actor, action)
        # Photos with a result are "after" photos; with anything else, more "before" ones.
        kind = "after" if action in (Action.HANDLE, Action.SETTLE) else "before"
        _attach(c, actor, kind, ready, now)
    return c


# Who hears of a change, and what: those who must act next (people.responsible gives the
# level holding the case and those to handle it); the one who acted is not told.
TOLD: dict[str, Any] = {
    Action.DISPATCH: gettext_lazy("Case %(number)s is yours to handle"),
    Action.ESCALATE: gettext_lazy("Case %(number)s was reported up to your level"),
    Action.HANDLE: gettext_lazy("Case %(number)s is handled: verify it"),
    Action.SETTLE: gettext_lazy("Case %(number)s was settled on the spot: verify it"),
    Action.REWORK: gettext_lazy("Case %(number)s came back for rework"),
    Action.RETURN: gettext_lazy("Case %(number)s was returned: dispatch it again"),
}


def _tell(c: Case, actor: Any, action: str) -> None:
    subject = TOLD.get(action)
    if subject is None:
        return
    from gridgov.notices.services import notify

    from .people import responsible

    recipients = [u for u in responsible(c) if u.pk != getattr(actor, "pk", None)]
    notify(
        recipients=recipients,
        kind=f"case.{action}",
        subject=str(subject) % {"number": c.number},
        body=str(Stage(c.stage).label),
        link=f"/cases/{c.number}/",
        key=f"case:{c.pk}:v{c.version}:{action}",
    )


# ---------------------------------------------------------------- what each action does


def _nothing(c: Case, t: Transition, now: dt.datetime, fields: list[str], **kw: Any) -> None:
    return None


def _merge(c: Case, t: Transition, now: dt.datetime, fields: list[str], **kw: Any) -> None:
    other = kw["duplicate_of"]
    if other is None or other.pk == c.pk or other.stage in (Stage.MERGED, Stage.NOT_FILED):
        raise ServiceError("invalid", _("Name an open case to merge into."), field="duplicate_of")
    if not in_scope(kw["actor"], other.grid_code):
        raise NotFound(_("Not found."), field="duplicate_of")
    c.duplicate_of = other
    fields.append("duplicate_of")


def _dispatch(c: Case, t: Transition, now: dt.datetime, fields: list[str], **kw: Any) -> None:
    unit, level = kw["unit"], kw["level"]
    if (unit is None) == (not level):
        raise ServiceError(
            "invalid", _("Dispatch to a handling unit or to a grid level, one of the two."),
            field="unit",
        )  # fmt: skip
    if level and not (
        level.startswith(c.holder_code)
        and Grid.objects.current().filter(network_id=c.grid.network_id, code=level).exists()
    ):
        raise ServiceError(
            "invalid", _("Dispatch to a grid within the level holding the case."), field="level"
        )
    co = [u for u in kw["co_units"] if u != unit]
    if co and unit is None:
        raise ServiceError(
            "invalid", _("Co-handling units work with a lead unit: choose one."), field="unit"
        )
    c.unit, c.assignee_code = unit, level
    fields += ["unit", "assignee_code"]
    c.co_units.set(co)


def _settle(c: Case, t: Transition, now: dt.datetime, fields: list[str], **kw: Any) -> None:
    c.settled_on_spot = True
    c.assignee_code = c.grid_code
    fields += ["settled_on_spot", "assignee_code"]


def _verify(c: Case, t: Transition, now: dt.datetime, fields: list[str], **kw: Any) -> None:
    c.closed_at = now
    fields.append("closed_at")


def _rework(c: Case, t: Transition, now: dt.datetime, fields: list[str], **kw: Any) -> None:
    c.rework_count = F("rework_count") + 1
    fields.append("rework_count")


def _escalate(c: Case, t: Transition, now: dt.datetime, fields: list[str], **kw: Any) -> None:
    parent = (
        Grid.objects.filter(network_id=c.grid.network_id, code=c.holder_code)
        .values_list("parent__code", flat=True)
        .first()
    )
    if parent is None:
        raise ServiceError("top_level", _("There is no level above this one."), status=409)
    c.holder_code = parent
    c.escalations = F("escalations") + 1
    # The level above files and dispatches it anew; a case not yet filed stays "reported".
    if c.stage != Stage.REPORTED:
        c.stage = Stage.FILED
        c.unit, c.assignee_code = None, ""
        c.co_units.clear()
        start_clock(c, "dispatch", now)
        fields += ["unit", "assignee_code"]
    fields += ["holder_code", "escalations"]


def _return(c: Case, t: Transition, now: dt.datetime, fields: list[str], **kw: Any) -> None:
    c.unit, c.assignee_code = None, ""
    c.co_units.clear()
    fields += ["unit", "assignee_code"]


def _suspend(c: Case, t: Transition, now: dt.datetime, fields: list[str], **kw: Any) -> None:
    c.stage_before = c.stage
    fields.append("stage_before")


def _resume(c: Case, t: Transition, now: dt.datetime, fields: list[str], **kw: Any) -> None:
    c.stage, c.stage_before = c.stage_before, ""
    start_clock(c, {"filed": "dispatch"}.get(c.stage, "handle"), now)
    fields.append("stage_before")


def _feedback(c: Case, t: Transition, now: dt.datetime, fields: list[str], **kw: Any) -> None:
    value = kw["satisfaction"]
    if value is None or not 1 <= value <= 5:
        raise ServiceError("invalid", _("Satisfaction is 1 to 5."), field="satisfaction")
    if c.satisfaction is not None:
        raise ServiceError("already_done", _("The feedback is recorded already."), status=409)
    c.satisfaction = value
    fields.append("satisfaction")


EFFECTS: dict[str, Callable[..., None]] = {
    Action.FILE: _nothing,
    Action.REJECT: _nothing,
    Action.MERGE: _merge,
    Action.DISPATCH: _dispatch,
    Action.ACCEPT: _nothing,
    Action.HANDLE: _nothing,
    Action.SETTLE: _settle,
    Action.VERIFY: _verify,
    Action.REWORK: _rework,
    Action.ESCALATE: _escalate,
    Action.RETURN: _return,
    Action.SUSPEND: _suspend,
    Action.RESUME: _resume,
    Action.FEEDBACK: _feedback,
}
