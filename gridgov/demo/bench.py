"""Benchmarks behind `gridgov bench`: seeding the demo district and point → grid lookup.

Each prints plain lines "name: value unit", so that runs can be compared and grepped. Both
are reproducible: fixed seeds, and the sizes and the machine (cores, load, database) are
printed with the figures. On a shared machine the wall-clock rates move with the load:
`load_average` and `cpu_time` say how much.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Max, Min

from gridgov.grids import index
from gridgov.grids.choices import GridKind, NetworkKind
from gridgov.grids.models import Grid, Network
from gridgov.registry.models import Household

from . import generate

Write = Callable[[str], None]


class BenchError(Exception):
    """Something the user can fix (an unsuitable database); the message says what."""


def _line(write: Write, name: str, value: Any, unit: str = "") -> None:
    write(f"{name}: {value} {unit}".rstrip())


def _machine(write: Write) -> None:
    db = connection.settings_dict
    where = db["NAME"] if connection.vendor == "sqlite" else f"{db.get('HOST') or 'local'}"
    _line(write, "database", f"{connection.vendor} ({where})")
    _line(write, "cores", os.cpu_count())
    _line(write, "load_average", f"{os.getloadavg()[0]:.2f}")


# ---------------------------------------------------------------- seed


def seed_in_temporary_sqlite(households: int, seed: int, write: Write) -> None:
    """Seed into a new SQLite file under the system's temporary folder, then delete it.

    Runs `gridgov bench seed` again in a child process whose DATABASE_URL names the new
    file: settings are read once per process, so this is how the benchmark gets exactly
    the SQLite configuration (WAL, pragmas) that gridgov uses, without touching the
    configured database. The child runs alone; the seed itself is single-process.
    """
    with tempfile.TemporaryDirectory(prefix="gridgov-bench-") as folder:
        path = Path(folder) / "bench.sqlite3"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
        command = [
            sys.executable, "-m", "gridgov.cli", "bench", "seed", "--use-configured-db",
            "--temporary-db", str(path), "--households", str(households), "--seed", str(seed),
        ]  # fmt: skip
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        for text in done.stdout.splitlines():
            write(text)
        if done.returncode:
            raise BenchError(f"the seed benchmark failed:\n{done.stderr.strip()}")


def seed_here(households: int, seed: int, write: Write, temporary: str | None = None) -> None:
    """Seed into the configured database, which must be migrated and hold no district."""
    if temporary is not None:
        # Only ever migrate the file this command created for itself.
        if connection.vendor != "sqlite" or str(connection.settings_dict["NAME"]) != temporary:
            raise BenchError(
                "DATABASE_URL did not reach the settings; the temporary database is not in use"
            )
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    if Grid.objects.exists() or Household.objects.exists():
        raise BenchError(
            "bench seed needs an empty database: this one already holds a district. Leave out"
            " --use-configured-db to use a temporary SQLite file, or point DATABASE_URL at an"
            " empty, migrated database."
        )
    _line(write, "bench", "seed")
    _machine(write)
    _line(write, "seed", seed)
    cpu = time.process_time()
    result = generate.seed(households=households, seed=seed)
    cpu = time.process_time() - cpu
    rows = result.buildings + result.households + result.residents
    _line(write, "households", result.households, "households")
    _line(write, "residents", result.residents, "residents")
    _line(write, "buildings", result.buildings, "buildings")
    _line(write, "grids", result.grids, "grids")
    _line(write, "rows", rows, "rows")  # buildings + households + residents
    _line(write, "plan_time", f"{result.plan_seconds:.2f}", "s")
    _line(write, "people_time", f"{result.people_seconds:.2f}", "s")
    _line(write, "seconds", f"{result.seconds:.2f}", "s")
    _line(write, "cpu_time", f"{cpu:.2f}", "s")
    # Rates of the people phase (generation, inserts and commit), the part that grows
    # with the size; the overall rate includes planning the district.
    people = max(result.people_seconds, 1e-9)
    _line(write, "households_rate", f"{result.households / people:.0f}", "households/s")
    _line(write, "residents_rate", f"{result.residents / people:.0f}", "residents/s")
    _line(write, "rows_rate", f"{rows / people:.0f}", "rows/s")
    overall = result.households / max(result.seconds, 1e-9)
    _line(write, "overall_households_rate", f"{overall:.0f}", "households/s")


# ---------------------------------------------------------------- lookup


def lookup(points: int, seed: int, single: int, write: Write) -> None:
    """Time point → grid lookups against the comprehensive network in the database."""
    network = (
        Network.objects.filter(kind=NetworkKind.COMPREHENSIVE, grids__isnull=False)
        .order_by("id")
        .first()
    )
    if network is None:
        raise BenchError(
            "no comprehensive grids in the database: seed a district first, e.g."
            " `gridgov seed --households 1000000 --reset`"
        )
    box = Grid.objects.filter(network=network, depth=0, valid_to__isnull=True).aggregate(
        Min("min_lon"), Min("min_lat"), Max("max_lon"), Max("max_lat")
    )
    if box["min_lon__min"] is None:
        raise BenchError("the comprehensive network has no current root grid with a boundary")
    _line(write, "bench", "lookup")
    _machine(write)
    _line(write, "network", network.slug)
    _line(write, "households", Household.objects.count(), "households")

    rng = np.random.default_rng(seed)
    lon = rng.uniform(box["min_lon__min"], box["max_lon__max"], points)
    lat = rng.uniform(box["min_lat__min"], box["max_lat__max"], points)
    _line(write, "seed", seed)
    _line(write, "points", points, "points")

    index.drop_all()
    started = time.perf_counter()
    grid_index = index.for_network(network.id)
    build = time.perf_counter() - started
    _line(write, "build_time", f"{build:.3f}", "s")
    _line(write, "grids", len(grid_index.hits), "grids")
    _line(write, "current_grids", len(grid_index.current), "grids")

    # Warm up (first calls pay for imports and caches), then time.
    grid_index.locate_many(lon[:1000], lat[:1000])
    grid_index.locate(float(lon[0]), float(lat[0]))
    started = time.perf_counter()
    found = grid_index.locate_many(lon, lat)
    batch = time.perf_counter() - started
    _line(write, "batch_time", f"{batch:.3f}", "s")
    _line(write, "batch_rate", f"{points / max(batch, 1e-9):.0f}", "points/s")
    share = float((found >= 0).mean()) * 100 if points else 0.0
    _line(write, "resolved", f"{share:.1f}", "%")  # inside some grid (the rest: outside)

    n = min(single, points)
    xs, ys = lon[:n].tolist(), lat[:n].tolist()  # plain floats, as a request would give
    locate = grid_index.locate
    started = time.perf_counter()
    hits = [locate(x, y) for x, y in zip(xs, ys, strict=True)]
    one = time.perf_counter() - started
    _line(write, "single_points", n, "points")
    _line(write, "single_rate", f"{n / max(one, 1e-9):.0f}", "points/s")

    # As a request does it: re-read the boundary version, then locate.
    network_id = network.id
    started = time.perf_counter()
    for x, y in zip(xs, ys, strict=True):
        index.for_network(network_id).locate(x, y)
    checked = time.perf_counter() - started
    _line(write, "single_checked_rate", f"{n / max(checked, 1e-9):.0f}", "points/s")

    # The two paths must agree: the deepest comprehensive hit is what locate_many gives.
    agree = 0
    for found_one, hit_list in zip(found[:n].tolist(), hits, strict=True):
        comprehensive = [h for h in hit_list if h.kind != GridKind.DEDICATED]
        deepest = comprehensive[-1].code if comprehensive else None
        agree += deepest == (grid_index.hits[found_one].code if found_one >= 0 else None)
    _line(write, "agreement", f"{agree / n * 100 if n else 100:.2f}", "%")
