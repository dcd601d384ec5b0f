"""The indicators' roll-up (ADR 0019, "Roll-up") against the cases and their timelines: after
many random transitions over a few weeks, the figures read from the day rows are those of
the two aggregate queries over the cases and events, for every grouping, node, period
(whole days or not) and time of asking; and a rebuild finds the rows the services kept."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import random
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from gridgov.cases import indicators, rollup, services, sweep
from gridgov.cases.choices import Action, Stage
from gridgov.cases.models import ROLLUP_SUMS, Case, CaseDay, CaseEvent, CaseFacts
from gridgov.cases.tests.indicator_data import SHANGHAI
from gridgov.core.errors import ServiceError

pytestmark = pytest.mark.django_db
BEGIN = dt.datetime(2025, 5, 5, 8, 0, tzinfo=SHANGHAI)


def _take(case: Case, cast: Any, dept: Any, rng: random.Random) -> None:
    """One action the administrator may take on `case` now, chosen at random."""
    choices = [t.action for t in services.allowed(cast.admin, case)]
    if not choices:
        return
    action = rng.choice(choices)
    kw: dict[str, Any] = {"note": "随机操作"}
    if action == Action.DISPATCH:
        if rng.random() < 0.6:
            kw["unit"] = dept.unit
        else:
            kw["level"] = case.holder_code
    elif action == Action.MERGE:
        others = Case.objects.exclude(pk=case.pk).exclude(stage__in=("merged", "not_filed"))
        kw["duplicate_of"] = rng.choice(list(others)) if others else None
    elif action == Action.FEEDBACK:
        kw["satisfaction"] = rng.randint(1, 5)
    # Escalating at the top, say, is refused and changes nothing.
    with contextlib.suppress(ServiceError):
        services.act(case=case, actor=cast.admin, action=action, **kw)


@pytest.fixture(scope="module")
def played(cast: Any, dept: Any, django_db_blocker: Any) -> Iterator[dt.datetime]:
    """About 50 cases and 350 steps over two weeks, at random times of day and night, and
    the deadline sweep now and then."""
    rng = random.Random(19)
    grids = [cast.a1, cast.a2, cast.b1]
    reporters = [cast.admin, cast.worker_a1, None]
    with django_db_blocker.unblock(), transaction.atomic():
        cases: list[Case] = []
        with time_machine.travel(BEGIN, tick=False) as clock:
            for _step in range(400):
                clock.shift(dt.timedelta(minutes=rng.randint(1, 90)))
                if not cases or rng.random() < 0.12:
                    grid = rng.choice(grids)
                    reporter = rng.choice(reporters)
                    category = dept.fire if rng.random() < 0.2 else dept.litter
                    cases.append(
                        services.report(
                            actor=reporter if reporter != cast.worker_a1 or grid == cast.a1
                            else cast.admin,
                            category=category, grid=grid, description="随机",
                        )
                    )  # fmt: skip
                    continue
                if rng.random() < 0.05:
                    sweep.sweep()  # urges, and escalates overdue emergencies
                    continue
                case = rng.choice(cases)
                case.refresh_from_db()
                _take(case, cast, dept, rng)
            # Last, an emergency dispatched, and a sweep after a quiet weekend: it escalates
            # the case (back to "filed", at the level above), which nobody acts on again.
            fire = services.report(
                actor=cast.admin, category=dept.fire, grid=cast.a1, description="起火"
            )
            fire = services.act(case=fire, actor=cast.admin, action=Action.FILE)
            services.act(case=fire, actor=cast.admin, action=Action.DISPATCH, unit=dept.unit)
            clock.shift(dt.timedelta(days=3))
            assert sweep.sweep() is not None
            fire.refresh_from_db()
            assert (fire.stage, fire.escalations) == (Stage.FILED, 1)
            now = dt.datetime.now(tz=dt.UTC)
        yield now
        transaction.set_rollback(True)


def _figures(row: indicators.Row) -> dict[str, Any]:
    out: dict[str, Any] = {name: getattr(row, name) for name in indicators.COUNTS}
    out.update({f"n_{s}": row.stage_spells.get(s, 0) for s in indicators.TIMED_STAGES})
    # Milliseconds: the roll-up keeps whole ones.
    out.update({f"s_{s}": round(row.stage_seconds.get(s, 0.0)) for s in indicators.TIMED_STAGES})
    return out


def _same(node: str, start: dt.datetime, end: dt.datetime, by: str, as_of: dt.datetime) -> int:
    kw = {"as_of": as_of, "labels": False}
    rolled = {r.key: _figures(r) for r in indicators.for_node(node, start, end, by, **kw)}
    live = {r.key: _figures(r) for r in indicators.for_node(node, start, end, by, live=True, **kw)}
    assert rolled == live, (node, start, end, by, as_of)
    return sum(r["reported"] for r in live.values())


def test_it_played_a_varied_history(played: Any) -> None:
    stages = set(Case.objects.values_list("stage", flat=True))
    assert {Stage.CLOSED, Stage.DISPATCHED, Stage.SUSPENDED, Stage.NOT_FILED} <= stages
    assert Case.objects.filter(rework_count__gt=0).exists()
    assert Case.objects.filter(escalations__gt=0).exists()
    # The sweep escalated some (an emergency past its deadline), and urged others.
    actions = set(CaseEvent.objects.filter(actor=None).values_list("action", flat=True))
    assert {"urge", "escalate"} <= actions
    assert CaseFacts.objects.count() == Case.objects.count()


@pytest.mark.parametrize("by", indicators.GROUPINGS)
def test_it_reads_from_the_days_what_the_timeline_says(cast: Any, played: Any, by: str) -> None:
    first = dt.datetime(2025, 5, 1, tzinfo=SHANGHAI)
    periods = [
        (first, first + dt.timedelta(days=60)),  # everything
        (first + dt.timedelta(days=7), first + dt.timedelta(days=15)),  # whole days
        # Parts of days at either end, and less than a day.
        (BEGIN + dt.timedelta(days=3, hours=5), BEGIN + dt.timedelta(days=12, minutes=7)),
        (BEGIN + dt.timedelta(days=2, hours=1), BEGIN + dt.timedelta(days=2, hours=20)),
    ]
    as_ofs = [BEGIN + dt.timedelta(days=9), played, played + dt.timedelta(days=30)]
    seen = 0
    for node in (cast.county.code, cast.street_a.code, cast.a1.code, cast.b1.code):
        for start, end in periods:
            for as_of in as_ofs:
                seen += _same(node, start, end, by, as_of)
    assert seen > 100


def _days() -> set[tuple[Any, ...]]:
    return set(CaseDay.objects.filter(reported__gt=0).values_list(*rollup.FIELDS))


def test_it_rebuilds_the_rows_the_services_kept(played: Any) -> None:
    kept = _days()
    facts = set(CaseFacts.objects.values_list("case_id", *rollup.FIELDS))
    assert rollup.rebuild() == Case.objects.count()
    assert _days() == kept
    assert set(CaseFacts.objects.values_list("case_id", *rollup.FIELDS)) == facts
    # Refreshing unchanged cases changes nothing.
    assert rollup.refresh(Case.objects.values_list("pk", flat=True)) == 0
    assert len(ROLLUP_SUMS) == len(rollup.FIELDS) - 4


def test_it_checks_the_roll_up_from_the_command_line(played: Any) -> None:
    out = io.StringIO()
    call_command("rebuild_indicators", "--check", stdout=out)
    assert out.getvalue().startswith("exact: ")
    # A day row changed around the services: found, and put right by a rebuild.
    row = CaseDay.objects.filter(reported__gt=0).first()
    assert row is not None
    CaseDay.objects.filter(pk=row.pk).update(closed=row.closed + 1)
    with pytest.raises(CommandError, match="2 day rows differ"):
        call_command("rebuild_indicators", "--check", stdout=out)
    call_command("rebuild_indicators", stdout=out)
    assert "2 rows changed" in out.getvalue()
    call_command("rebuild_indicators", "--check", stdout=out)
