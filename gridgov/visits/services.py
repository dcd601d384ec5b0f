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
