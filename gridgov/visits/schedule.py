"""When is a household next due for a visit (ADR 0023).

A household owes a visit for each of its obligations: one for being a household (the rule
"everyone"), one per attention tag kind of the household or of a resident living there. Each
obligation with a rule in force on the household's grid gives a due date:
- visited before: the last visit + the rule's interval, but never before the obligation
  began (a household tagged today, last visited half a year ago, is due today, not half a
  year ago);
- never visited: the day the obligation began, but not before the household was registered
  (due now, in effect).
The household's next due date is the soonest of these; must-visit (必訪) when one of its
obligations' rules says so. A case opened on a visit here and since closed makes it due at
once for the follow-up visit (回訪).

The result is kept per household in `Schedule` by `compute` (called by the visit service for
one household, by the refresh task for the households whose registry rows changed, and by
the nightly rebuild for all), so that the due list and the sweep are index range reads.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from gridgov.cases.models import Case
from gridgov.core.lib import frequency
from gridgov.registry.models import Household, Tag

from .choices import EVERYONE
from .models import RefreshMark, Schedule, Visit, VisitRule

# Due "never": no rule in force for any of the household's obligations.
NEVER = dt.date(9999, 12, 31)
BATCH = 20_000


@dataclass(frozen=True)
class Rule:
    kind: str
    every: int
    unit: str
    must_visit: bool

    def after(self, day: dt.date) -> dt.date:
        return frequency.add(day, self.every, self.unit)


class Rules:
    """The rules in force on each grid: per kind, the rule of the longest code that is a
    prefix of the grid's (an inactive one switches the kind off there)."""

    def __init__(self, rows: Iterable[Any]) -> None:
        self.by_kind: dict[str, list[tuple[str, Rule | None]]] = defaultdict(list)
        for r in rows:
            rule = Rule(r.kind, r.every, r.unit, r.must_visit) if r.active else None
            self.by_kind[r.kind].append((r.grid_code, rule))
        for entries in self.by_kind.values():
            entries.sort(key=lambda e: -len(e[0]))
        self._cache: dict[str, dict[str, Rule]] = {}

    @classmethod
    def load(cls) -> Rules:
        return cls(VisitRule.objects.all())

    def on(self, grid_code: str) -> dict[str, Rule]:
        found = self._cache.get(grid_code)
        if found is None:
            found = {}
            for kind, entries in self.by_kind.items():
                for code, rule in entries:
                    if grid_code.startswith(code):
                        if rule is not None:
                            found[kind] = rule
                        break
            self._cache[grid_code] = found
        return found


def next_due(
    *,
    rules: dict[str, Rule],
    registered: dt.date,
    tags: Iterable[tuple[str, dt.date]],
    last: dt.date | None,
) -> tuple[dt.date, bool]:
    """(next due date, must visit) of a household: `tags` are the (kind, start) of the
    active tags of it and its residents; `last` the day of its last visit."""
    obligations: list[tuple[Rule, dt.date]] = []
    if EVERYONE in rules:
        obligations.append((rules[EVERYONE], registered))
    for kind, start in tags:
        if kind in rules:
            obligations.append((rules[kind], start))
    due = NEVER
    for rule, began in obligations:
        owed = max(began, registered) if last is None else max(rule.after(last), began)
        due = min(due, owed)
    return due, any(rule.must_visit for rule, _began in obligations)


# ---------------------------------------------------------------- kept per household


def _local_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def _active_tags(select: dict[str, Any], today: dt.date) -> Iterator[tuple[int, str, dt.date]]:
    """(household id, kind, start) of the tags in force today on the households `q` selects
    and on the residents living in them."""
    running = Q(start__lte=today) & (Q(end__isnull=True) | Q(end__gte=today))
    own = Tag.objects.filter(running, q_on(select, "household_id"))
    yield from own.values_list("household_id", "kind", "start")
    theirs = Tag.objects.filter(
        running, q_on(select, "resident__household_id"), resident__status="active"
    )
    yield from theirs.values_list("resident__household_id", "kind", "start")


def q_on(select: dict[str, Any], field: str) -> Q:
    """The household selection `select` ({"__in": ids} or {"__gte": a, "__lt": b}) as a
    filter on `field`."""
    return Q(**{field + lookup: value for lookup, value in select.items()})


COMPARED = ("grid_code", "next_due", "last_visit_on", "must_visit", "tags")


def compute(
    select: dict[str, Any], today: dt.date | None = None, rules: Rules | None = None
) -> int:
    """Recompute and store the schedules of the households `select`ed by id ({"__in": ids}
    or {"__gte": 1, "__lt": 20001}); returns the rows written. Reads households, tags, last
    visits and the current rows in one query each (tags: two)."""
    today = today or timezone.localdate()
    rules = rules or Rules.load()
    households = list(
        Household.objects.filter(q_on(select, "id")).values_list("id", "grid_code", "created_at")
    )
    if not households:
        return 0
    tags: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    kinds: dict[int, set[str]] = defaultdict(set)
    for h, kind, start in _active_tags(select, today):
        tags[h].append((kind, start))
        kinds[h].add(kind)
    last = {
        h: _local_day(at)
        for h, at in Visit.objects.filter(q_on(select, "household_id"))
        .values("household_id")
        .annotate(at=Max("visited_at"))
        .values_list("household_id", "at")
    }
    # Plain tuples, not model instances: a rebuild reads every row (ADR 0023, the bench).
    existing = {
        row[0]: row[1:]
        for row in Schedule.objects.filter(q_on(select, "household_id")).values_list(
            "household_id", *COMPARED, "follow_up_case_id"
        )
    }
    follow_ups = [row[-1] for row in existing.values() if row[-1] is not None]
    closed = {
        pk: _local_day(at)
        for pk, at in Case.objects.filter(pk__in=follow_ups, closed_at__isnull=False).values_list(
            "pk", "closed_at"
        )
        if at is not None
    }
    create, update = [], []
    for h, grid_code, created_at in households:
        due, must = next_due(
            rules=rules.on(grid_code), registered=_local_day(created_at), tags=tags.get(h, ()),
            last=last.get(h),
        )  # fmt: skip
        old = existing.get(h)
        if old is not None and old[-1] in closed:
            due = min(due, closed[old[-1]])
        values = (grid_code, due, last.get(h), must, ",".join(sorted(kinds.get(h, ()))))
        if old is None:
            create.append(Schedule(household_id=h, **dict(zip(COMPARED, values, strict=True))))
        elif old[:-1] != values:
            changed = dict(zip(COMPARED, values, strict=True))
            update.append(Schedule(household_id=h, follow_up_case_id=old[-1], **changed))
    with transaction.atomic():
        Schedule.objects.bulk_create(create, batch_size=2000)
        # Changed rows are replaced, not updated: Django's bulk_update writes one CASE per
        # field and row, which SQLite runs in quadratic time (4,000 rows took 8 s).
        ids = [s.household_id for s in update]
        for i in range(0, len(ids), 500):
            Schedule.objects.filter(household_id__in=ids[i : i + 500]).delete()
        Schedule.objects.bulk_create(update, batch_size=2000)
    return len(create) + len(update)


def rebuild(today: dt.date | None = None) -> int:
    """Every household's schedule anew (after the rules change, and nightly: it also catches
    what the refresh cannot see, such as a tagged resident moving out). In id ranges of
    BATCH households, each its own transaction."""
    rules = Rules.load()
    ids = Household.objects.order_by("id").values_list("id", flat=True)
    first, top = ids.first(), ids.last()
    if first is None or top is None:
        return 0
    written = 0
    for low in range(first, top + 1, BATCH):
        written += compute({"__gte": low, "__lt": low + BATCH}, today, rules)
    return written


MARK = "refresh"


def refresh(now: dt.datetime | None = None) -> int:
    """The schedules of the households whose registry rows changed since the last run (the
    household itself, or a tag on it or a resident of it), whose tags began or ended since,
    or for which a case opened on a visit was closed since (due at once for the follow-up
    visit, 回訪). Returns the households recomputed."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    mark = RefreshMark.objects.filter(name=MARK).first()
    if mark is None:
        # The first run: every household, once.
        done = rebuild(today)
        RefreshMark.objects.create(name=MARK, at=now)
        return done
    since = mark.at
    since_day = timezone.localtime(since).date()
    changed = set(Household.objects.filter(updated_at__gte=since).values_list("id", flat=True))
    touched = Tag.objects.filter(
        Q(updated_at__gte=since)
        | Q(start__gt=since_day, start__lte=today)
        | Q(end__gte=since_day - dt.timedelta(days=1), end__lt=today)
    )
    for own, theirs in touched.values_list("household_id", "resident__household_id"):
        changed.add(own or theirs)
    closed = (
        Case.objects.filter(closed_at__gte=since, stage="closed")
        .filter(pk__in=Visit.objects.filter(case__isnull=False).values("case_id"))
        .values_list("pk", flat=True)
    )
    for case_id, household_id in Visit.objects.filter(case_id__in=list(closed)).values_list(
        "case_id", "household_id"
    ):
        Schedule.objects.filter(household_id=household_id).update(follow_up_case_id=case_id)
        changed.add(household_id)
    changed.discard(None)  # type: ignore[arg-type]
    ordered = sorted(changed)
    rules = Rules.load()
    for i in range(0, len(ordered), 500):
        compute({"__in": ordered[i : i + 500]}, today, rules)
    RefreshMark.objects.update_or_create(name=MARK, defaults={"at": now})
    return len(ordered)
