"""gridgov bench cases: case intake over HTTP, the deadline sweep over many open cases, and
the indicators of a street (issue 9's targets: ≥ 300 cases/s on 2 cores, < 2 s, < 200 ms).

Each database (a temporary SQLite one, and a scratch PostgreSQL database with `--postgres`)
gets a small demo district (`gridgov demo --no-serve`). Then:
1. intake: `gridgov serve` on a free loopback port; the load generator (demo.loadgen) POSTs
   /api/v1/cases with a grid worker's API token at points of their grid for a bounded time;
   the parts of one report (point lookup, deadline, insert with its event) are timed in
   a child process beside it;
2. sweep: open cases are bulk-inserted (executemany, COPY on PostgreSQL) with deadlines
   spread so that a share is due this minute, the sweep's selection is EXPLAINed and one
   `sweep.sweep()` run is timed;
3. indicators: `cases.indicators.for_node` for the busiest street over those cases, if the
   module is there.
Steps 2 and 3 run in a child process whose DATABASE_URL names the database: settings are
read once per process. Requests go to 127.0.0.1 only; seeds are fixed.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from . import bench_http, loadgen
from .bench_http import HOST, BenchError

Write = Callable[[str], None]


def _machine(write: Write) -> None:
    write(f"cores: {os.cpu_count()}")
    write(f"load_average: {os.getloadavg()[0]:.2f}")


# ---------------------------------------------------------------- databases


@contextmanager
def _sqlite() -> Iterator[dict[str, str]]:
    folder = tempfile.mkdtemp(prefix="gridgov-bench-cases-")
    env = _base_env()
    env.pop("DATABASE_URL", None)
    env.update(GRIDGOV_VAR_DIR=folder, GRIDGOV_FIELD_KEYS="", GRIDGOV_LOOKUP_KEY="")
    try:
        yield env
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _postgres(url: str) -> Iterator[dict[str, str]]:
    """A scratch database on the server of `url`, dropped afterwards."""
    import psycopg

    name = f"gridgov_bench_cases_{os.getpid()}"
    parts = urlsplit(url)
    folder = tempfile.mkdtemp(prefix="gridgov-bench-cases-")
    admin = psycopg.connect(url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    env = _base_env()
    env.update(
        DATABASE_URL=urlunsplit(parts._replace(path=f"/{name}")),
        GRIDGOV_VAR_DIR=folder, GRIDGOV_FIELD_KEYS="", GRIDGOV_LOOKUP_KEY="",
    )  # fmt: skip
    try:
        yield env
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        shutil.rmtree(folder, ignore_errors=True)


def _base_env() -> dict[str, str]:
    env = dict(os.environ)
    # Plain HTTP on loopback: whatever the deployment's proxy settings, not here.
    for name in ("GRIDGOV_BEHIND_HTTPS_PROXY", "GRIDGOV_SSL_REDIRECT", "GRIDGOV_SECURE_COOKIES"):
        env[name] = "false"
    env.pop("GRIDGOV_TESTING", None)
    return env


# ---------------------------------------------------------------- intake


@contextmanager
def _server(env: dict[str, str], workers: int) -> Iterator[int]:
    """`gridgov serve` on a free loopback port. Its log goes to a file: a pipe nobody reads
    fills up after a few error tracebacks and then blocks every worker. No collectstatic:
    the API serves no static files, and compressing them takes a minute on a busy machine."""
    port = bench_http._free_port()
    cmd = [sys.executable, "-m", "gridgov.cli", "serve", f"--bind={HOST}:{port}",
           f"--workers={workers}", "--no-access-log", "--no-collectstatic"]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with socket.create_connection((HOST, port), timeout=1):
                        break
                except OSError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise BenchError(f"the server did not start: {_tail(log)}")
                time.sleep(0.3)
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


def _tail(log: Any) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")[-2000:]


PREPARE = "from gridgov.demo.bench_cases import prepare_intake; prepare_intake({probes})"


def prepare_intake(probes: int = 100) -> None:
    """(Child process.) An API token of a grid worker, points inside their grid and the
    categories, as JSON; then the parts of one report, timed `probes` times each."""
    import numpy as np
    import shapely
    from django.db import connection, transaction
    from django.utils import timezone
    from shapely.geometry import shape

    from gridgov.accounts.models import ApiToken, Assignment
    from gridgov.cases import clock, services
    from gridgov.cases.models import Case, Category

    worker = (
        Assignment.objects.filter(role="grid_worker", user__username__startswith="staff")
        .select_related("user", "grid")
        .order_by("grid_code")
        .first()
    )
    if worker is None:
        raise SystemExit("no grid worker in the demo district")
    _token, key = ApiToken.issue(worker.user, f"bench {time.time_ns()}")
    poly = shape(worker.grid.boundary)
    rng = np.random.default_rng(5)
    minx, miny, maxx, maxy = poly.bounds
    x, y = rng.uniform(minx, maxx, 4000), rng.uniform(miny, maxy, 4000)
    inside = shapely.contains_xy(poly, x, y)
    points = list(zip(x[inside].round(6).tolist(), y[inside].round(6).tolist(), strict=True))
    codes = list(
        Category.objects.filter(active=True, children__isnull=True).values_list("code", flat=True)
    )
    print(json.dumps({"token": key, "points": points[:1000], "categories": codes}))
    # Where the time of one report goes (no HTTP, no authentication): a mean per part.
    category = Category.objects.get(code="0101")
    lon, lat = points[0]
    services.locate(lon, lat)  # builds the spatial index once, as a server worker does
    parts: dict[str, list[float]] = {"locate": [], "deadline": [], "report": []}
    for i in range(probes):
        lon, lat = points[i % len(points)]
        t0 = time.perf_counter()
        grid = services.locate(lon, lat)
        t1 = time.perf_counter()
        clock.stage_deadline(category, "file", timezone.now())
        t2 = time.perf_counter()
        services.report(
            actor=worker.user, category=category, grid=grid, description="bench", lon=lon,
            lat=lat,
        )  # fmt: skip
        t3 = time.perf_counter()
        parts["locate"].append(t1 - t0)
        parts["deadline"].append(t2 - t1)
        parts["report"].append(t3 - t2)
    # The report's share that is the database: its statements, timed by the connection.
    with transaction.atomic():
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as q:
            services.report(actor=worker.user, category=category, grid=grid, description="x")
        transaction.set_rollback(True)
    for name, values in parts.items():
        print(f"intake_part_{name}: {statistics.mean(values) * 1000:.2f} ms")
    print(f"intake_part_report_queries: {len(q.captured_queries)}")
    print(f"probe_cases: {Case.objects.count()}")


def _drive(
    port: int, token: str, bodies: Callable[[], bytes], concurrency: int, seconds: float
) -> tuple[loadgen.Tally, float]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def one() -> bytes:
        return loadgen.request("POST", "/api/v1/cases", headers, bodies())

    return loadgen.run(port, one, 201, concurrency, seconds)


def intake(
    write: Write, env: dict[str, str], label: str, *, workers: int, concurrency: int,
    seconds: float, probes: int,
) -> None:  # fmt: skip
    prepared = bench_http._gridgov(
        "shell", "--no-imports", "-c", PREPARE.format(probes=probes), env=env
    )
    first, *parts = prepared.strip().splitlines()
    data = json.loads(first)
    rng = random.Random(5)

    def body() -> bytes:
        lon, lat = rng.choice(data["points"])
        return json.dumps({
            "category": rng.choice(data["categories"]), "lon": lon, "lat": lat,
            "description": "巡查发现：道路旁垃圾堆放", "address": "bench",
        }).encode()  # fmt: skip

    with _server(env, workers) as port:
        write(f"server: gunicorn (gridgov serve), {workers} sync workers, {HOST}:{port}")
        write(f"load_generator: {loadgen.NAME}, {concurrency} connections")
        _drive(port, data["token"], body, concurrency, 1.0)  # warm the workers
        _machine(write)
        tally, elapsed = _drive(port, data["token"], body, concurrency, seconds)
    ms = sorted(tally.ms)

    def pct(p: float) -> str:
        return f"{ms[min(len(ms) - 1, int(p * len(ms)))]:.1f}" if ms else "-"

    write(f"{label}_intake_cases: {len(ms)} in {elapsed:.1f} s")
    write(f"{label}_intake_errors: {tally.errors}")
    write(f"{label}_intake_rate: {(len(ms) - tally.errors) / elapsed:.0f} cases/s")
    write(f"{label}_intake_latency: p50 {pct(0.5)} ms, p95 {pct(0.95)} ms, p99 {pct(0.99)} ms")
    for line in parts:
        if line.startswith("intake_part"):
            write(f"{label}_{line}")


# ---------------------------------------------------------------- sweep and indicators


def open_cases(n: int, now: dt.datetime, warn_share: float, overdue_share: float) -> dict[str, int]:
    """(Child process.) Insert n open cases, each with its report event, spread over 120
    days and the district's grids; `warn_share` of them reach their warning this minute,
    `overdue_share` their deadline (those were warned already). Returns the counts."""
    import numpy as np
    from django.db import connection, transaction

    from gridgov.cases.choices import Stage
    from gridgov.cases.models import Case, CaseEvent, Category
    from gridgov.grids.models import Grid

    from . import cases as demo_cases
    from . import generate

    rng = np.random.default_rng(9)
    grids = list(
        Grid.objects.current()
        .filter(network__slug="comprehensive", depth=3, kind="comprehensive")
        .values_list("id", "code")
    )
    categories = list(
        Category.objects.filter(active=True, children__isnull=True).values_list("id", flat=True)
    )
    stages = [Stage.REPORTED, Stage.FILED, Stage.DISPATCHED, Stage.IN_PROGRESS, Stage.HANDLED]
    adapt = connection.ops.adapt_datetimefield_value
    first, first_event = generate._next_id(Case), generate._next_id(CaseEvent)
    kind = rng.random(n)
    warn, late = kind < warn_share, (kind >= warn_share) & (kind < warn_share + overdue_share)
    # Seconds from now: the warning and the deadline of each case's current clock.
    span = rng.uniform(3600, 10 * 86400, n)
    warn_s = np.where(warn, -rng.uniform(0, 59, n), rng.uniform(60, 5 * 86400, n))
    warn_s = np.where(late, -span * 0.2, warn_s)
    due_s = np.where(late, -rng.uniform(0, 59, n), np.maximum(warn_s, 0) + span * 0.25)
    born_s = -rng.uniform(0, 120 * 86400, n)
    g = rng.integers(len(grids), size=n)
    c = rng.integers(len(categories), size=n)
    st = rng.integers(len(stages), size=n)
    public = generate._uuid_hex(n)
    base = now.timestamp()
    utc = dt.UTC

    def at(s: float) -> Any:
        return adapt(dt.datetime.fromtimestamp(base + s, utc))

    step = 100_000
    started = time.perf_counter()
    with transaction.atomic():
        for lo in range(0, n, step):
            rows, events = [], []
            for i in range(lo, min(n, lo + step)):
                pk = first + i
                grid_id, code = grids[g[i]]
                born = at(born_s[i])
                rows.append((
                    pk, born, born, public[i], f"20260101{pk:06d}", categories[c[i]], grid_id,
                    code, code, None, None, "", "bench", "patrol", None, stages[st[i]], "", None,
                    "", at(due_s[i]), at(warn_s[i]), int(late[i]), False, 0, 0, None, None,
                    None, 1,
                ))  # fmt: skip
                events.append((first_event + i, pk, born, None, "report", "", "reported", code,
                               "", None))  # fmt: skip
            generate._insert(Case._meta.db_table, demo_cases.CASE_COLUMNS, rows)
            generate._insert(CaseEvent._meta.db_table, demo_cases.EVENT_COLUMNS, events)
        with connection.cursor() as cursor:
            from django.core.management.color import no_style

            for sql in connection.ops.sequence_reset_sql(no_style(), [Case, CaseEvent]):
                cursor.execute(sql)
    loaded = time.perf_counter() - started
    # Rows written here, not by the services: the indicators' roll-up is worked out anew.
    from gridgov.cases import rollup

    started = time.perf_counter()
    rollup.rebuild()
    rolled = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "postgresql" else "PRAGMA optimize")
    return {
        "cases": n,
        "warn": int(warn.sum()),
        "overdue": int(late.sum()),
        "load_ms": int(loaded * 1000),
        "rollup_ms": int(rolled * 1000),
    }


def sweep_and_indicators(n: int, warn_share: float, overdue_share: float) -> None:
    """(Child process.) Steps 2 and 3 against the configured database; prints the figures."""
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from gridgov.cases import sweep
    from gridgov.cases.models import RUNNING_SQL, Case

    now = timezone.now().replace(second=30, microsecond=0)
    made = open_cases(n, now, warn_share, overdue_share)
    print(f"database: {connection.vendor}")
    print(f"cases_loaded: {made['cases']} in {made['load_ms'] / 1000:.1f} s")
    print(f"indicators_rollup_rebuilt: in {made['rollup_ms'] / 1000:.1f} s")
    print(f"cases_due: {made['warn']} to warn, {made['overdue']} overdue")
    # The sweep's selections (sweep._due), to EXPLAIN and time: each must read its partial
    # index (SQLite uses one only when the query repeats its condition as literals).
    running = Case.objects.extra(where=[RUNNING_SQL])
    selections = {
        "red": running.filter(clock_state__in=(0, 1), deadline__lte=now),
        "yellow": running.filter(clock_state=0, warn_at__lte=now, deadline__gt=now),
    }
    for name, qs in selections.items():
        field = "warn_at" if name == "yellow" else "deadline"
        selection = qs.order_by(field).values_list("pk", flat=True)[: sweep.BATCH]
        plan = selection.explain()
        print(f"sweep_{name}_plan: " + " | ".join(plan.splitlines()))
        index = "case_running_warn_idx" if name == "yellow" else "case_running_deadline_idx"
        print(f"sweep_{name}_uses_partial_index: {index in plan}")
        t0 = time.perf_counter()
        list(selection)
        took_ms = (time.perf_counter() - t0) * 1000
        print(f"sweep_{name}_selection_time: {took_ms:.1f} ms (one batch of {sweep.BATCH})")
    print(f"load_average: {os.getloadavg()[0]:.2f}")
    t0 = time.perf_counter()
    run = sweep.sweep(now)
    took = time.perf_counter() - t0
    assert run is not None
    print(f"sweep_time: {took:.2f} s")
    print(f"sweep_counts: warned {run.warned}, overdue {run.overdue}, escalated {run.escalated}")
    if run.warned + run.overdue:
        print(f"sweep_per_due_case: {took / (run.warned + run.overdue) * 1000:.2f} ms")
    if importlib.util.find_spec("gridgov.cases.indicators") is None:
        print("indicators: not available")
        return
    from gridgov.cases import indicators

    street = (
        Case.objects.values("grid_code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("grid_code", flat=True)
        .first()
    ) or ""
    code = street[:9]
    total = Case.objects.filter(grid_code__startswith=code).count()
    # The period as the page and the API take it: whole days (the roll-up's), all 121.
    today = timezone.localdate(now)
    start, end = indicators.period(today - dt.timedelta(days=120), today)
    times = []
    for by in ("grid", "grid", "grid", "month", "month", "unit", "unit", "worker", "worker"):
        t0 = time.perf_counter()
        rows = indicators.for_node(code, start, end, by=by)
        times.append((by, (time.perf_counter() - t0) * 1000, len(rows)))
    print(f"indicators_street: {code} ({total} cases of {Case.objects.count()})")
    for by, ms, count in times:
        print(f"indicators_time_by_{by}: {ms:.0f} ms ({count} rows)")
    # The same from the cases and their events, without the roll-up (ADR 0019's first way).
    t0 = time.perf_counter()
    indicators.for_node(code, start, end, by="grid", live=True)
    print(f"indicators_time_without_rollup_by_grid: {(time.perf_counter() - t0) * 1000:.0f} ms")


def _child_sweep(
    write: Write, env: dict[str, str], label: str, n: int, warn: float, late: float
) -> None:
    code = (
        "from gridgov.demo.bench_cases import sweep_and_indicators;"
        f"sweep_and_indicators({n}, {warn}, {late})"
    )
    out = bench_http._gridgov("shell", "--no-imports", "-c", code, env=env)
    for line in out.strip().splitlines():
        write(f"{label}_{line}")


def run(
    write: Write, *, workers: int, concurrency: int, seconds: float, households: int,
    cases: int, postgres: str = "", warn_share: float = 0.01, overdue_share: float = 0.005,
    probes: int = 100,
) -> None:  # fmt: skip
    write(f"sizes: district {households} households, {cases} open cases for the sweep")
    due = f"{warn_share:.1%} warn, {overdue_share:.1%} overdue"
    write(f"limits: intake {seconds:g} s; due this minute {due}")
    _machine(write)
    targets: list[tuple[str, Any]] = [("sqlite", _sqlite())]
    if postgres:
        targets.append(("postgresql", _postgres(postgres)))
    for label, database in targets:
        with database as env:
            started = time.perf_counter()
            bench_http._gridgov("demo", "--no-serve", f"--households={households}", env=env)
            write(f"{label}_district_ready: {time.perf_counter() - started:.1f} s")
            if seconds > 0:
                intake(
                    write, env, label, workers=workers, concurrency=concurrency,
                    seconds=seconds, probes=probes,
                )  # fmt: skip
            if cases > 0:
                _child_sweep(write, env, label, cases, warn_share, overdue_share)


__all__ = ["BenchError", "run"]
