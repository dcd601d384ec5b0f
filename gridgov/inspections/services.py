"""The only code that records inspections and patrols (STYLE "Services"): check → lock →
write → the cases findings open (cases.services.report, same transaction) → photos stored
on commit. Nothing changes on a refusal."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import RIGHTS
from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.lib import worktime
from gridgov.core.scope import _assignments, in_scope
from gridgov.registry.services import number_in_text

from . import occurrences
from .choices import Outcome, Targets
from .models import (
    Finding,
    Inspection,
    Patrol,
    PatrolCase,
    PatrolPoint,
    Photo,
    PointEntry,
    Result,
    Schedule,
    Template,
)  # fmt: skip

# Heads (the right to assess) may inspect anywhere in their scope, on a schedule or not; the
# others carry out the schedules of the role they hold there (ADR 0025).
SUPERVISE = "assess"
# Patrolling is finding and reporting: the right to report cases on the grid.
PATROL = "cases.report"
BACKDATE = dt.timedelta(days=7)
MAX_FINDINGS = 10


def _invalid(message: Any, field: str | None = None) -> ServiceError:
    return ServiceError("invalid", message, field=field, status=422)


def _text(value: str, field: str, *, required: bool) -> str:
    value = value.strip()
    if required and not value:
        raise _invalid(_("This field is required."), field)
    if number_in_text(value):
        raise ServiceError(
            "number_in_text",
            _("Phone and ID numbers are not written here (this field is not encrypted)."),
            field=field, status=422,
        )  # fmt: skip
    return value


def holds_role(user: Any, code: str, role: str) -> bool:
    """Whether the user holds `role` on `code` or on a grid above it."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return any(code.startswith(c) and r == role for c, r in _assignments(user))


def may_inspect(user: Any, code: str, schedule: Schedule | None) -> bool:
    if in_scope(user, code, SUPERVISE):
        return True
    return schedule is not None and holds_role(user, code, schedule.role)


def targets(schedule: Schedule, under: str = "") -> list[str]:
    """The target codes of a schedule's occurrences (under `under`, if given): every grid
    in force at the grid level under its node, or the node itself for a spot check."""
    from gridgov.grids.models import Grid

    if schedule.targets == Targets.ONCE:
        return [schedule.grid_code] if schedule.grid_code.startswith(under) else []
    low = max(schedule.grid_code, under, key=len)
    if not (low.startswith(schedule.grid_code) and low.startswith(under)):
        return []
    from gridgov.core.lib.codes import subtree_range

    lo, hi = subtree_range(low)
    grids = Grid.objects.current().filter(
        network_id=schedule.grid.network_id, code__gte=lo, code__lt=hi,
        depth=schedule.grid.network.grid_depth,
    )  # fmt: skip
    return list(grids.order_by("code").values_list("code", flat=True))


@dataclass
class FindingIn:
    text: str
    rectify_by: dt.date


def _saver(name: str, data: bytes) -> Callable[[], None]:
    def save() -> None:
        default_storage.save(name, ContentFile(data))

    return save


def record_inspection(
    *,
    actor: Any,
    grid: Any,
    template: Template | None = None,
    schedule: Schedule | None = None,
    outcomes: dict[int, str],
    notes: str = "",
    findings: Sequence[FindingIn] = (),
    photos: list[bytes] | None = None,
    person: Any = None,
    inspected_at: dt.datetime | None = None,
) -> Inspection:
    """Record an inspection of `grid`, on `schedule` (the occurrence of the period holding
    the day; 409 if done already) or of `template` alone. `outcomes` maps every check-list
    item's id to pass / fail / na; each finding opens a case of the template's category with
    its rectification deadline; the items' points are written to the ledger for the grid and
    `person`. 404 out of scope, 403 without the right."""
    from gridgov.cases import services as cases
    from gridgov.cases.choices import Source
    from gridgov.cases.models import Category

    template = schedule.template if schedule is not None else template
    if template is None:
        raise _invalid(_("Choose a template."), "template")
    if not may_inspect(actor, grid.code, schedule):
        if not in_scope(actor, grid.code):
            raise NotFound(_("Not found."), field="grid")
        raise Forbidden(_("You may not carry out this inspection here."))
    now = timezone.now()
    at = inspected_at or now
    if at > now + dt.timedelta(minutes=5) or at < now - BACKDATE:
        raise _invalid(
            _("An inspection is recorded within a week of it, not ahead."), "inspected_at"
        )
    day = timezone.localtime(at).date()
    occurrence: dict[str, Any] = {"target_code": ""}
    if schedule is not None:
        # A spot check's target is its node: any grid under it may be the one inspected.
        if schedule.targets == Targets.ONCE:
            on = grid.code.startswith(schedule.grid_code)
        else:
            on = grid.code in targets(schedule, grid.code)
        if not schedule.active or not on:
            raise _invalid(_("This grid is not on the schedule."), "grid")
        found = occurrences.period_of(schedule, day, worktime.is_working_day)
        if (
            found is None
            or day < schedule.starts_on
            or (schedule.ends_on and day > schedule.ends_on)
        ):
            raise _invalid(_("The schedule has no inspection due on that day."), "inspected_at")
        period_start, due_on = found
        target = schedule.grid_code if schedule.targets == Targets.ONCE else grid.code
        occurrence = {"period_start": period_start, "due_on": due_on, "target_code": target,
                      "on_time": day <= due_on}  # fmt: skip
    items = {i.pk: i for i in template.items.all()}
    if set(outcomes) != set(items):
        raise _invalid(_("Give every item of the check list an outcome."), "outcomes")
    if any(o not in Outcome.values for o in outcomes.values()):
        raise _invalid(_("Pass, fail or not applicable."), "outcomes")
    notes = _text(notes, "notes", required=False)
    if len(findings) > MAX_FINDINGS:
        raise _invalid(_("At most %(n)d findings.") % {"n": MAX_FINDINGS}, "findings")
    today = timezone.localdate()
    for f in findings:
        f.text = _text(f.text, "findings", required=True)
        if not today <= f.rectify_by <= today + dt.timedelta(days=366):
            raise _invalid(
                _("The rectification deadline is from today to a year ahead."), "findings"
            )
    if person is not None and not in_scope(person, grid.code):
        raise _invalid(_("The person responsible holds a role on this grid."), "person")
    category = Category.objects.filter(code=template.category_code).first()
    if findings and category is None:
        raise _invalid(_("The template's case category is not in use."), "template")
    ready = cases.prepare_photos(photos or [])
    points = {pk: items[pk].points_for(o) for pk, o in outcomes.items()}
    try:
        with transaction.atomic():
            inspection = Inspection.objects.create(
                schedule=schedule, template=template, grid=grid, grid_code=grid.code,
                inspector=actor, person=person, inspected_at=at, notes=notes,
                score=sum(points.values()), **occurrence,
            )  # fmt: skip
            Result.objects.bulk_create(
                Result(inspection=inspection, item_id=pk, outcome=o, points=points[pk])
                for pk, o in outcomes.items()
            )
            PointEntry.objects.bulk_create(
                PointEntry(inspection=inspection, item_id=pk, grid_code=grid.code,
                           person=person, day=day, points=p)
                for pk, p in points.items() if p
            )  # fmt: skip
            for f in findings:
                assert category is not None  # checked above, before the transaction
                case = cases.report(
                    actor=actor, category=category, grid=grid, description=f.text,
                    source=Source.INSPECTION, address=grid.name,
                )  # fmt: skip
                Finding.objects.create(
                    inspection=inspection, grid_code=grid.code, text=f.text,
                    rectify_by=f.rectify_by, case=case,
                )  # fmt: skip
            for data in ready:
                photo = Photo.objects.create(inspection=inspection)
                photo.file = f"inspections/{inspection.public_id}/{photo.public_id}.jpg"
                Photo.objects.filter(pk=photo.pk).update(file=photo.file)
                transaction.on_commit(_saver(photo.file, data))
    except IntegrityError:
        # The occurrence's unique constraint: someone recorded it a moment before.
        raise ServiceError(
            "conflict", _("This inspection is recorded already."), status=409
        ) from None
    return inspection


# ---------------------------------------------------------------- patrols

EARTH_M = 6_371_008.8


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) points, in metres (haversine)."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_M * math.asin(math.sqrt(h))


def patrol_grids(user: Any) -> list[str]:
    """The codes of the grids a person patrols: those they hold the right on."""
    if user.is_superuser:
        return [""]
    return sorted({c for c, role in _assignments(user) if PATROL in RIGHTS.get(role, ())})


def start_patrol(*, actor: Any, grid: Any) -> Patrol:
    """Start a patrol on one of the actor's grids (409 if one is running)."""
    if not in_scope(actor, grid.code, PATROL):
        if not in_scope(actor, grid.code):
            raise NotFound(_("Not found."), field="grid")
        raise Forbidden(_("You may not patrol here."))
    try:
        with transaction.atomic():
            return Patrol.objects.create(
                worker=actor, grid=grid, grid_code=grid.code, started_at=timezone.now()
            )
    except IntegrityError:
        raise ServiceError(
            "conflict", _("You are on a patrol already: end it first."), status=409
        ) from None


def _own(actor: Any, patrol: Patrol) -> None:
    if patrol.worker_id != actor.pk:
        if not in_scope(actor, patrol.grid_code, SUPERVISE):
            raise NotFound(_("Not found."))
        raise Forbidden(_("Only the worker on the patrol records it."))


def _inside(actor: Any, patrol: Patrol, lon: float, lat: float) -> bool:
    """Whether the point lies in one of the worker's grids (the grids' spatial index)."""
    from gridgov.grids import index

    codes = patrol_grids(actor) or [patrol.grid_code]
    hits = index.for_network(patrol.grid.network_id).locate(lon, lat)
    return any(h.code.startswith(c) for h in hits for c in codes)


def add_points(
    *,
    actor: Any,
    patrol: Patrol,
    points: Sequence[tuple[dt.datetime | None, float, float, float | None]],
) -> list[PatrolPoint]:
    """Points passed, in the order taken: each checked against the worker's grids (one
    outside is kept, flagged), the patrol's length grown by the distance from the last."""
    _own(actor, patrol)
    now = timezone.now()
    with transaction.atomic():
        locked = Patrol.objects.select_for_update().select_related("grid").get(pk=patrol.pk)
        if locked.ended_at is not None:
            raise ServiceError("ended", _("This patrol has ended."), status=409)
        last = locked.points.order_by("-at", "-id").values_list("lon", "lat").first()
        made, length, outside = [], 0.0, 0
        for at, lon, lat, accuracy in points:
            at = min(at or now, now)
            if at < locked.started_at - dt.timedelta(minutes=5):
                raise _invalid(_("A point is taken during the patrol."), "points")
            inside = _inside(actor, locked, lon, lat)
            outside += not inside
            if last is not None:
                length += distance_m(last, (lon, lat))
            last = (lon, lat)
            made.append(PatrolPoint(patrol=locked, at=at, lon=lon, lat=lat,
                                    accuracy=accuracy, inside=inside))  # fmt: skip
        PatrolPoint.objects.bulk_create(made)
        Patrol.objects.filter(pk=locked.pk).update(
            length_m=F("length_m") + length, points_count=F("points_count") + len(made),
            outside_count=F("outside_count") + outside,
        )  # fmt: skip
    return made


def end_patrol(*, actor: Any, patrol: Patrol) -> Patrol:
    _own(actor, patrol)
    with transaction.atomic():
        done = Patrol.objects.filter(pk=patrol.pk, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
        if not done:
            raise ServiceError("ended", _("This patrol has ended."), status=409)
    patrol.refresh_from_db()
    return patrol


def report_on_patrol(
    *, actor: Any, patrol: Patrol, category: Any, description: str, lon: float, lat: float,
    photos: list[bytes] | None = None,
) -> Any:  # fmt: skip
    """A finding on the way becomes a case (cases.services.report, source patrol) in the
    grid where it lies, linked to the patrol, in one step."""
    from gridgov.cases import services as cases
    from gridgov.grids import index
    from gridgov.grids.models import Grid

    _own(actor, patrol)
    if patrol.ended_at is not None:
        raise ServiceError("ended", _("This patrol has ended."), status=409)
    description = _text(description, "description", required=True)
    hits = [h for h in index.for_network(patrol.grid.network_id).locate(lon, lat)]
    deepest = max(hits, key=lambda h: len(h.code), default=None)
    if deepest is None:
        raise _invalid(_("This place lies outside the grids."), "location")
    grid = Grid.objects.get(network_id=patrol.grid.network_id, code=deepest.code)
    ready = cases.prepare_photos(photos or [])
    with transaction.atomic():
        case = cases.report(
            actor=actor, category=category, grid=grid, description=description, lon=lon,
            lat=lat, photos=ready,
        )  # fmt: skip
        PatrolCase.objects.create(patrol=patrol, case=case)
    return case
