"""The only code that records a visit (STYLE "Services"): check → lock the household's
schedule row → write the visit (and the case it opens) → move the household's due date on →
photos stored when the transaction commits. Nothing changes on a refusal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.scope import in_scope
from gridgov.registry.models import Household, Resident
from gridgov.registry.services import number_in_text

from . import schedule
from .choices import Kind
from .models import Schedule, Visit, VisitPhoto

# Visiting is keeping the registry's picture of a household true (人員清、居住情況清): the
# right to record one is the right to change the registry there (ADR 0023).
RECORD = "registry.change"
# A visit recorded afterwards (no signal on the way, the phone flat) may be dated back this far.
BACKDATE = dt.timedelta(days=7)


def may_record(user: Any, household: Household) -> bool:
    return in_scope(user, household.grid_code, RECORD)


def _check_place(household: Household, lon: float, lat: float) -> None:
    """The point lies in the household's grid (its boundary, as the case intake locates a
    report: the grids' spatial index)."""
    from gridgov.grids import index

    hits = index.for_network(household.grid.network_id).locate(lon, lat)
    if not any(h.code == household.grid_code for h in hits):
        raise ServiceError(
            "outside",
            _("This place lies outside the household's grid: record the visit where it is."),
            field="location",
        )


def _saver(name: str, data: bytes) -> Callable[[], None]:
    def save() -> None:
        default_storage.save(name, ContentFile(data))

    return save


def record_visit(
    *,
    actor: Any,
    household: Household,
    findings: str,
    lon: float,
    lat: float,
    residents: Sequence[Resident] = (),
    photos: list[bytes] | None = None,
    visited_at: dt.datetime | None = None,
    open_case: bool = False,
    category: Any = None,
) -> Visit:
    """Record a visit to `household` by `actor`; with `open_case`, the findings become a case
    report of `category` (same place, same photos) linked from the visit. 404 out of scope,
    403 without the right (or, to open a case, without the right to report there)."""
    from gridgov.cases import services as cases

    if not may_record(actor, household):
        if not in_scope(actor, household.grid_code):
            raise NotFound(_("Not found."), field="household")
        raise Forbidden(_("You may not record visits here."))
    findings = findings.strip()
    if not findings:
        raise ServiceError("invalid", _("This field is required."), field="findings")
    if number_in_text(findings):
        raise ServiceError(
            "number_in_text",
            _("Phone and ID numbers are not written here (this field is not encrypted)."),
            field="findings",
        )
    now = timezone.now()
    at = visited_at or now
    if at > now + dt.timedelta(minutes=5) or at < now - BACKDATE:
        raise ServiceError(
            "invalid", _("A visit is recorded within a week of it, not ahead."),
            field="visited_at",
        )  # fmt: skip
    if open_case and category is None:
        raise ServiceError("invalid", _("Choose the case's category."), field="category")
    _check_place(household, lon, lat)
    met = list(residents)
    if any(r.household_id != household.pk or r.status != "active" for r in met):
        raise ServiceError("invalid", _("Choose residents of this household."), field="residents")
    ready = cases.prepare_photos(photos or [])
    day = timezone.localtime(at).date()
    with transaction.atomic():
        # One visit at a time per household: two at once would both read the same due date.
        row = Schedule.objects.select_for_update().filter(household=household).first()
        if row is None:
            schedule.compute({"__in": [household.pk]})
            row = Schedule.objects.select_for_update().get(household=household)
        case = None
        if open_case:
            case = cases.report(
                actor=actor, category=category, grid=household.grid, description=findings,
                lon=lon, lat=lat, address=household.address, photos=ready,
            )  # fmt: skip
        follow = row.follow_up_case_id
        visit = Visit.objects.create(
            household=household, grid=household.grid, grid_code=household.grid_code,
            worker=actor, visited_at=at, lon=lon, lat=lat, findings=findings, case=case,
            kind=Kind.FOLLOW_UP if follow else Kind.REGULAR, follow_up_of_id=follow,
            due_on=row.next_due, on_time=day <= row.next_due, must_visit=row.must_visit,
            next_due=row.next_due,
        )  # fmt: skip
        if met:
            visit.residents.set(met)
        if follow:
            Schedule.objects.filter(pk=row.pk).update(follow_up_case=None)
        schedule.compute({"__in": [household.pk]})
        visit.next_due = Schedule.objects.values_list("next_due", flat=True).get(pk=row.pk)
        Visit.objects.filter(pk=visit.pk).update(next_due=visit.next_due)
        for data in ready:
            photo = VisitPhoto.objects.create(visit=visit, at=now)
            photo.file = f"visits/{visit.public_id}/{photo.public_id}.jpg"
            VisitPhoto.objects.filter(pk=photo.pk).update(file=photo.file)
            transaction.on_commit(_saver(photo.file, data))
    return visit


# ---------------------------------------------------------------- people's sentiment diary

# Writing a diary entry is the visiting workers' duty (plan 1): the right that records visits.
# Reading others' entries is oversight of people (their heads): the right to assess them.
DIARY_WRITE = RECORD
DIARY_READ = "assess"


def _clean_text(value: str, field: str, *, required: bool) -> str:
    value = value.strip()
    if required and not value:
        raise ServiceError("invalid", _("This field is required."), field=field, status=422)
    if number_in_text(value):
        raise ServiceError(
            "number_in_text",
            _("Phone and ID numbers are not written here (this field is not encrypted)."),
            field=field, status=422,
        )  # fmt: skip
    return value


def _diary_links(actor: Any, households: Sequence[Any], cases: Sequence[Any]) -> None:
    """Linked households and cases lie in the writer's scope (404 otherwise: the writer
    learns nothing of what they may not see)."""
    for h in households:
        if not in_scope(actor, h.grid_code, "view"):
            raise NotFound(_("No such household."), field="households")
    for c in cases:
        if not in_scope(actor, c.grid_code, "view"):
            raise NotFound(_("No such case."), field="cases")


def write_diary(
    *,
    actor: Any,
    grid: Any,
    day: dt.date,
    heard: str,
    mood: str,
    follow_up: str = "",
    households: Sequence[Any] = (),
    cases: Sequence[Any] = (),
) -> Any:
    """A new entry in `actor`'s diary, on one of their grids (404 out of scope, 403 without
    the right to record visits there)."""
    from .models import DiaryEntry

    if not in_scope(actor, grid.code, DIARY_WRITE):
        if not in_scope(actor, grid.code):
            raise NotFound(_("Not found."), field="grid")
        raise Forbidden(_("You may not keep a diary here."))
    values = _diary_values(actor, day, heard, mood, follow_up, households, cases)
    with transaction.atomic():
        entry = DiaryEntry.objects.create(worker=actor, grid=grid, grid_code=grid.code, **values)
        entry.households.set(households)
        entry.cases.set(cases)
    return entry


def _diary_values(
    actor: Any, day: dt.date, heard: str, mood: str, follow_up: str,
    households: Sequence[Any], cases: Sequence[Any],
) -> dict[str, Any]:  # fmt: skip
    from .choices import Mood

    today = timezone.localdate()
    if day > today or day < today - BACKDATE:
        raise ServiceError(
            "invalid", _("An entry is for a day of the last week, not ahead."),
            field="day", status=422,
        )  # fmt: skip
    if mood not in Mood.values:
        raise ServiceError("invalid", _("Choose the mood."), field="mood", status=422)
    _diary_links(actor, households, cases)
    return {
        "day": day,
        "heard": _clean_text(heard, "heard", required=True),
        "mood": mood,
        "follow_up": _clean_text(follow_up, "follow_up", required=False),
    }


def edit_diary(
    *,
    actor: Any,
    entry: Any,
    day: dt.date,
    heard: str,
    mood: str,
    follow_up: str = "",
    households: Sequence[Any] = (),
    cases: Sequence[Any] = (),
) -> Any:
    """Change an entry: its author only, on the day it was written (409 after: it stands as
    written, a correction is a new entry; ADR 0025)."""
    from .models import DiaryEntry

    if entry.worker_id != actor.pk:
        if not in_scope(actor, entry.grid_code, DIARY_READ):
            raise NotFound(_("Not found."))
        raise Forbidden(_("Only its author changes a diary entry."))
    values = _diary_values(actor, day, heard, mood, follow_up, households, cases)
    with transaction.atomic():
        locked = DiaryEntry.objects.select_for_update().get(pk=entry.pk)
        if not locked.editable_on(timezone.localdate()):
            raise ServiceError(
                "closed",
                _("An entry is changed on the day it was written only: write a new one."),
                status=409,
            )  # fmt: skip
        for name, value in values.items():
            setattr(locked, name, value)
        locked.edits += 1
        locked.save(update_fields=[*values, "edits", "updated_at"])
        locked.households.set(households)
        locked.cases.set(cases)
    return locked
