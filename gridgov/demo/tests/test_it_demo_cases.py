"""The demo district's cases: every stage, timelines that follow the transition table,
rows the services would have written (a replay through them), once, inside their grids."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.cases import services, sweep
from gridgov.cases.choices import Stage
from gridgov.cases.models import Case, CaseEvent
from gridgov.cases.transitions import TABLE
from gridgov.demo import cases as demo_cases
from gridgov.demo import generate
from gridgov.demo.teams import ensure_demo_team
from gridgov.registry.models import Organisation

pytestmark = pytest.mark.django_db
# A fixed "today" (a Wednesday) so that the district's cases are the same on any day.
NOW = dt.datetime(2026, 11, 18, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SWEEP_ACTIONS = ("urge", "escalate")


@pytest.fixture(scope="module")
def made(django_db_setup: Any, django_db_blocker: Any) -> Iterator[int]:
    with django_db_blocker.unblock(), transaction.atomic():
        generate.seed(households=6_000, seed=11)
        ensure_demo_team()
        yield demo_cases.ensure_demo_cases(now=NOW)
        transaction.set_rollback(True)


def test_it_gives_the_district_cases_in_every_stage(made: int) -> None:
    stages = Counter(Case.objects.values_list("stage", flat=True))
    assert made == Case.objects.count() > 1_000
    assert set(stages) == set(Stage.values)
    actions = set(CaseEvent.objects.values_list("action", flat=True))
    # Every action the demo plays (not yet a unit's return, 退回), and nothing outside the table.
    played = {"report", "urge", *TABLE} - {"return"}
    assert played <= actions <= {"report", "urge", *TABLE}
    open_ = Case.objects.filter(stage__in=demo_cases.RUNNING)
    assert set(open_.values_list("clock_state", flat=True)) == {0, 1, 2}
    assert Case.objects.filter(settled_on_spot=True, stage=Stage.CLOSED).exists()
    assert Case.objects.filter(rework_count__gt=0).exists()
    assert Case.objects.filter(escalations__gt=0).exists()
    assert Case.objects.filter(satisfaction__isnull=False).count() > made / 3


def test_it_follows_the_transition_table_in_every_timeline(made: int) -> None:
    by_case: dict[int, list[CaseEvent]] = {}
    for e in CaseEvent.objects.order_by("at", "id"):
        by_case.setdefault(e.case_id, []).append(e)
    stages = dict(Case.objects.values_list("id", "stage"))
    assert set(by_case) == set(stages)
    for case_id, events in by_case.items():
        assert (events[0].action, events[0].to_stage) == ("report", Stage.REPORTED)
        for before, after in pairwise(events):
            assert after.from_stage == before.to_stage, (case_id, before, after)
            if after.action not in SWEEP_ACTIONS or after.actor_id is not None:
                assert after.from_stage in TABLE[after.action].sources, (case_id, after)
        assert events[-1].to_stage == stages[case_id]


def test_it_reports_at_points_inside_the_grids_by_their_workers(made: int) -> None:
    from gridgov.accounts.models import Assignment

    sample = list(Case.objects.order_by("id")[::97])
    for case in sample:
        assert case.lon is not None and case.lat is not None
        assert services.locate(case.lon, case.lat).code == case.grid_code
        assert case.number.endswith(f"{case.pk:06d}")
    workers = set(Assignment.objects.filter(role="grid_worker").values_list("user_id", "grid_code"))
    patrols = Case.objects.filter(source="patrol").values_list("reporter_id", "grid_code")
    assert set(patrols) <= workers


def test_it_makes_the_cases_once(made: int) -> None:
    assert demo_cases.ensure_demo_cases(now=NOW) == 0


def test_it_plans_the_same_cases_for_a_seed(made: int) -> None:
    def digest(seed: int) -> list[tuple[Any, ...]]:
        stories = demo_cases.plan_cases(seed=seed, now=NOW, days=10)
        return [(s.public_id, s.stage, s.lon, tuple(s.events)) for s in stories]

    assert digest(3) == digest(3)
    assert digest(3) != digest(4)


def _sweep_until(case: Case, until: dt.datetime) -> None:
    """Run the real sweep at the moments the demo's player says it acted before `until`."""
    while True:
        case.refresh_from_db()
        if case.stage not in demo_cases.RUNNING or case.clock_state > 1:
            return
        if case.deadline is None or case.warn_at is None:
            return
        warned = demo_cases.Player._run_at(case.warn_at)
        late = demo_cases.Player._run_at(case.deadline)
        if case.clock_state == 0 and warned < case.deadline and warned < until:
            with time_machine.travel(warned, tick=False):
                sweep.sweep(warned)
            continue
        if late >= until:
            return
        with time_machine.travel(late, tick=False):
            sweep.sweep(late)


def _dispatched_to(c: Case) -> tuple[Organisation | None, str]:
    """Where the demo dispatched the case: its unit or level now, else (it was escalated
    since) the department of its category."""
    if c.unit_id or c.assignee_code:
        return c.unit, c.assignee_code
    for name, kinds in demo_cases.DEPARTMENTS.items():
        if c.category.default_unit in kinds:
            return Organisation.objects.get(name=name, grid__depth=0), ""
    raise AssertionError(c)


FIELDS = (
    "stage", "stage_before", "holder_code", "unit_id", "assignee_code", "deadline", "warn_at",
    "clock_state", "settled_on_spot", "rework_count", "escalations", "satisfaction",
    "closed_at", "version", "created_at", "updated_at", "lon", "lat", "source", "reporter_id",
)  # fmt: skip


def test_it_stores_the_rows_the_services_would_have_written(made: int) -> None:
    # One generated case of each final stage (and an escalated and a reworked one), played
    # again through services.report/act and the real sweep at the same moments.
    picks: dict[str, Case] = {}
    for c in Case.objects.filter(duplicate_of__isnull=True).order_by("id"):
        key = "escalated" if c.escalations else "reworked" if c.rework_count else c.stage
        picks.setdefault(key, c)
    assert len(picks) >= 9
    expected = {
        key: (
            {f: getattr(c, f) for f in FIELDS},
            [
                (e.at, e.actor_id, e.action, e.from_stage, e.to_stage, e.holder_code, e.note, e.due)
                for e in c.events.order_by("at", "id")
            ],
        )
        for key, c in picks.items()
    }
    with transaction.atomic():
        Case.objects.update(duplicate_of=None)
        CaseEvent.objects.all().delete()
        Case.objects.all().delete()
        for key, c in picks.items():
            fields, events = expected[key]
            first = events[0]
            with time_machine.travel(first[0], tick=False):
                replay = services.report(
                    actor=User.objects.get(pk=first[1]) if first[1] else None,
                    category=c.category, grid=c.grid, description=c.description,
                    source=c.source, lon=c.lon, lat=c.lat, address=c.address,
                )  # fmt: skip
            for at, actor, action, _f, _t, _h, note, _due in events[1:]:
                if actor is None:  # the sweep's: played by the real sweep
                    continue
                _sweep_until(replay, at)
                replay.refresh_from_db()
                unit, level = _dispatched_to(c) if action == "dispatch" else (None, "")
                with time_machine.travel(at, tick=False):
                    services.act(
                        case=replay, actor=User.objects.get(pk=actor), action=action, note=note,
                        unit=unit, level=level, satisfaction=c.satisfaction,
                    )  # fmt: skip
            _sweep_until(replay, NOW)
            replay.refresh_from_db()
            got = [
                (e.at, e.actor_id, e.action, e.from_stage, e.to_stage, e.holder_code, e.note, e.due)
                for e in replay.events.order_by("at", "id")
            ]
            assert got == events, key
            assert {f: getattr(replay, f) for f in FIELDS} == fields, key
        transaction.set_rollback(True)


def test_it_stores_every_column_of_a_case_and_an_event() -> None:
    # The bulk insert names its columns: a field added to the models must be added there.
    assert set(demo_cases.CASE_COLUMNS) == {f.column for f in Case._meta.concrete_fields}
    assert set(demo_cases.EVENT_COLUMNS) == {f.column for f in CaseEvent._meta.concrete_fields}
    assert connection.vendor in ("sqlite", "postgresql")
    assert timezone.is_aware(NOW)


def test_it_benches_the_sweep_and_the_indicators_on_a_small_load(
    made: int, capsys: pytest.CaptureFixture[str]
) -> None:
    # The bench's in-process half (`gridgov bench cases` runs it in a child per database).
    from gridgov.demo import bench_cases

    with transaction.atomic():
        bench_cases.sweep_and_indicators(2_000, 0.01, 0.005)
        transaction.set_rollback(True)
    out = dict(line.split(": ", 1) for line in capsys.readouterr().out.splitlines())
    assert out["cases_loaded"].startswith("2000 in ")
    assert out["sweep_counts"].startswith("warned ")
    assert out["sweep_red_plan"]
    assert "indicators_time_by_grid" in out or out.get("indicators") == "not available"
