"""gridgov bench visits: due visits and coverage over a district (issue 10's targets: due
visits for a county of 1,000,000 residents < 2 s, coverage of a street < 200 ms).

A district is seeded (`--households`; 340,000 gives about 1,000,000 residents) into a new
temporary SQLite file (a child process, as `bench seed`), or the configured database is
used (`--use-configured-db`: it must hold a district). The demo's team, attention tags and
a year of visits are added if missing (demo/visits.py). Then, each timed:
- rebuild: every household's next due date from scratch (visits.schedule.rebuild);
- due_county: the households due this week and overdue per grid over the whole county, read
  off the kept due dates (the sweep's and a county dashboard's query);
- due_worker: one grid worker's list (visits.queries.due, first 200), p50/p95 over grids;
- coverage_street: visits.queries.for_node for the busiest street over the last 30 days;
- record_visit: the service, one visit at a time (rolled back).
Fixed seeds; sizes, cores and load printed with the figures.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from .bench import BenchError, _line, _machine

Write = Callable[[str], None]


def in_temporary_sqlite(households: int, seed: int, write: Write) -> None:
    with tempfile.TemporaryDirectory(prefix="gridgov-bench-visits-") as folder:
        path = Path(folder) / "bench.sqlite3"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "GRIDGOV_VAR_DIR": folder}
        command = [
            sys.executable, "-m", "gridgov.cli", "bench", "visits", "--use-configured-db",
            "--temporary-db", str(path), "--households", str(households), "--seed", str(seed),
        ]  # fmt: skip
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        for text in done.stdout.splitlines():
            write(text)
        if done.returncode:
            raise BenchError(f"the visits benchmark failed:\n{done.stderr.strip()}")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def here(households: int, seed: int, write: Write, temporary: str | None = None) -> None:
    from django.core.management import call_command

    from gridgov.accounts.models import Assignment
    from gridgov.accounts.roles import Role
    from gridgov.core.errors import ServiceError
    from gridgov.demo import generate
    from gridgov.demo.teams import ensure_demo_team
    from gridgov.demo.visits import ensure_demo_visits
    from gridgov.grids.models import Grid
    from gridgov.registry.models import Household, Resident, Tag
    from gridgov.visits import queries, schedule
    from gridgov.visits.models import Schedule, Visit
    from gridgov.visits.services import record_visit

    if temporary is not None:
        if connection.vendor != "sqlite" or str(connection.settings_dict["NAME"]) != temporary:
            raise BenchError("DATABASE_URL did not reach the settings")
        call_command("migrate", verbosity=0, interactive=False)
        seconds, _ = _timed(lambda: generate.seed(households=households, seed=seed))
        _line(write, "seed_seconds", f"{seconds:.1f}")
    if not Household.objects.exists():
        raise BenchError("no district in the database: seed one, or leave out --use-configured-db")
    _line(write, "bench", "visits")
    _machine(write)
    ensure_demo_team(seed)
    seconds, made = _timed(lambda: ensure_demo_visits(seed))
    if made:
        _line(write, "demo_visits_seconds", f"{seconds:.1f}")
    today = timezone.localdate()
    county = Grid.objects.filter(network__slug="comprehensive", parent__isnull=True).first()
    assert county is not None
    _line(write, "households", Household.objects.count())
    _line(write, "residents", Resident.objects.count())
    _line(write, "tags", Tag.objects.count())
    _line(write, "visits", Visit.objects.count())
    _line(write, "schedules", Schedule.objects.count())

    seconds, _written = _timed(lambda: schedule.rebuild(today))
    _line(write, "rebuild_seconds", f"{seconds:.2f}")
    _line(write, "rebuild_households_per_second", f"{Household.objects.count() / seconds:.0f}")

    def due_county() -> tuple[int, int]:
        week = today + dt.timedelta(days=7)
        rows = list(
            Schedule.objects.filter(grid_code__gte=county.code, grid_code__lt=county.code + ":")
            .filter(next_due__lte=week)
            .values("grid_code")
            .annotate(
                due=Count("household_id"), late=Count("household_id", filter=Q(next_due__lt=today))
            )
            .order_by()
        )  # fmt: skip
        return sum(r["due"] for r in rows), sum(r["late"] for r in rows)

    runs = [_timed(due_county) for _ in range(5)]
    due, late = runs[0][1]
    _line(write, "due_this_week", due)
    _line(write, "overdue", late)
    _line(write, "due_county_ms_p50", _ms(statistics.median(s for s, _ in runs)))
    _line(write, "due_county_ms_max", _ms(max(s for s, _ in runs)))

    workers = list(
        Assignment.objects.filter(role=Role.GRID_WORKER).select_related("user").order_by("id")[:50]
    )
    times = []
    for a in workers:
        started = time.perf_counter()
        list(queries.due(a.user, today=today, right="registry.change")[:200])
        times.append(time.perf_counter() - started)
    if times:
        times.sort()
        _line(write, "due_worker_ms_p50", _ms(statistics.median(times)))
        _line(write, "due_worker_ms_p95", _ms(times[int(0.95 * (len(times) - 1))]))

    streets = (
        Household.objects.filter(grid_code__startswith=county.code)
        .values_list("grid_code", flat=True)
    )  # fmt: skip
    counts: dict[str, int] = {}
    for code in streets.iterator(chunk_size=20_000):
        counts[code[:9]] = counts.get(code[:9], 0) + 1
    busiest = max(counts, key=lambda c: counts[c])
    street = Grid.objects.select_related("network").get(network=county.network, code=busiest)
    start = today - dt.timedelta(days=29)
    runs2 = [_timed(lambda: queries.for_node(street, start, today)) for _ in range(5)]
    rows = runs2[0][1]
    total = queries.total(rows)
    _line(write, "coverage_street", f"{street.code} ({counts[busiest]} households)")
    _line(write, "coverage_street_visited_share", total.visited_share)
    _line(write, "coverage_street_on_time_share", total.on_time_share)
    _line(write, "coverage_street_ms_p50", _ms(statistics.median(s for s, _ in runs2)))
    _line(write, "coverage_street_ms_max", _ms(max(s for s, _ in runs2)))
    runs3 = [_timed(lambda: queries.for_node(street, start, today, by="worker")) for _ in range(3)]
    _line(write, "coverage_street_by_worker_ms_p50", _ms(statistics.median(s for s, _ in runs3)))

    # One visit at a time through the service (each rolled back: the district stays as it was).
    samples = []
    for a in workers[:20]:
        h = (
            Household.objects.filter(grid_code=a.grid_code, building__isnull=False)
            .select_related("grid", "building")
            .first()
        )
        if h is None or h.building is None:
            continue
        try:
            with transaction.atomic():
                s, _ = _timed(
                    lambda h=h, a=a: record_visit(  # type: ignore[misc]
                        actor=a.user, household=h, findings="情况正常", lon=h.building.lon,
                        lat=h.building.lat,
                    )
                )  # fmt: skip
                samples.append(s)
                transaction.set_rollback(True)
        except ServiceError as e:  # a building off its grid's edge: say so, go on
            write(f"record_visit_refused: {e}")
    if samples:
        _line(write, "record_visit_ms_p50", _ms(statistics.median(samples)))
