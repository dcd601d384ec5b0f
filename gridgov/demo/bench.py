"""Benchmarks behind `gridgov bench`: seeding the demo district, point → grid lookup and
the registry (search latency, xlsx import rate).

Each prints plain lines "name: value unit", so that runs can be compared and grepped. All
are reproducible: fixed seeds, and the sizes and the machine (cores, load, database) are
printed with the figures. On a shared machine the wall-clock rates move with the load:
`load_average` and `cpu_time` say how much.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import F, Max, Min

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


def _children_cpu() -> float:
    """CPU seconds of this process's ended child processes (the seed's sealing worker)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


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
    cpu, workers = time.process_time(), _children_cpu()
    result = generate.seed(households=households, seed=seed)
    cpu, workers = time.process_time() - cpu, _children_cpu() - workers
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
    # The process that encrypts and hashes beside the seed (generate.SEAL_IN_WORKER_FROM).
    _line(write, "worker_cpu_time", f"{workers:.2f}", "s")
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


# ---------------------------------------------------------------- registry search

# What a person types in the registry's search box, one kind per branch of
# registry.search.text_query.
SEARCH_KINDS = ("name", "pinyin", "initials", "tail", "id_number", "phone")
_SAMPLE_FIELDS = (
    "id", "grid_code", "name", "name_pinyin", "name_initials", "id_tail", "phone_tail",
    "id_number_enc", "phone_enc",
)  # fmt: skip


@dataclass(frozen=True)
class SearchCase:
    kind: str
    user: str  # "superuser" or "community"
    params: dict[str, str]


def _bench_user(community: str | None) -> Any:
    """A user that is never saved: nothing is written to the database being measured.

    A superuser, or the grid head of one community. The community head's assignments are
    put where `core.scope` caches them for a request, as if read from the database.
    """
    from gridgov.accounts.models import User
    from gridgov.accounts.roles import Role

    if community is None:
        return User(username="bench-superuser", is_superuser=True, is_active=True)
    user = User(username="bench-community", is_active=True)
    user._gridgov_assignments = [(community, Role.GRID_HEAD)]  # type: ignore[attr-defined]
    return user


def _sample_residents(rng: np.random.Generator, n: int, low: str, high: str) -> list[dict]:
    """`n` active residents with grid codes in [low, high), drawn by id (deterministic)."""
    from gridgov.registry.models import Resident

    active = Resident.objects.filter(status="active", grid_code__gte=low, grid_code__lt=high)
    bounds = active.aggregate(Min("id"), Max("id"))
    first, last = bounds["id__min"], bounds["id__max"]
    if first is None:
        return []
    out: list[dict] = []
    for start in rng.integers(first, last + 1, size=n).tolist():
        row = active.filter(id__gte=start).order_by("id").values(*_SAMPLE_FIELDS).first()
        out.append(row or active.order_by("id").values(*_SAMPLE_FIELDS).first())
    return out


def _typed(kind: str, r: dict, rng: np.random.Generator) -> str | None:
    """What someone looking for resident `r` types, for this kind of query."""
    from gridgov.core.lib import crypto

    if kind == "name":  # the surname, or more of the name
        return str(r["name"][: int(rng.integers(1, len(r["name"]) + 1))])
    if kind == "pinyin":  # at least three letters of the full pinyin
        full = r["name_pinyin"]
        return str(full[: int(rng.integers(min(3, len(full)), len(full) + 1))]) or None
    if kind == "initials":
        return str(r["name_initials"]) or None
    if kind == "tail":
        tails = [t for t in (r["id_tail"], r["phone_tail"]) if t]
        return str(tails[int(rng.integers(len(tails)))])
    token = r["id_number_enc"] if kind == "id_number" else r["phone_enc"]
    if not token:
        return None
    try:
        return crypto.decrypt(token)
    except crypto.DecryptionError:
        raise BenchError(
            "cannot decrypt the residents' ID numbers: run the benchmark with the field keys"
            " the district was seeded with (GRIDGOV_FIELD_KEYS or GRIDGOV_VAR_DIR)"
        ) from None


def search_cases(per_kind: int, seed: int) -> tuple[str, list[SearchCase]]:
    """The fixed mix: per kind, `per_kind` queries taken from randomly drawn residents,
    a quarter each as superuser / community head, with / without a grid filter.

    The filter is the street, community or grid of the resident looked for (never wider
    than the user's scope). Returns the community chosen and the cases, in a shuffled
    but fixed order.
    """
    from gridgov.core.lib.codes import subtree_range

    rng = np.random.default_rng(seed)
    communities = list(
        Grid.objects.filter(
            network__kind=NetworkKind.COMPREHENSIVE,
            network__slug="comprehensive",
            valid_to__isnull=True,
            depth=2,
            kind=GridKind.COMPREHENSIVE,
        )
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not communities:
        raise BenchError("the comprehensive network has no current community")
    community = communities[int(rng.integers(len(communities)))]
    pools = {
        "superuser": _sample_residents(rng, per_kind * 4, "", "\uffff"),
        "community": _sample_residents(rng, per_kind * 4, *subtree_range(community)),
    }
    if not pools["superuser"] or not pools["community"]:
        raise BenchError(f"no residents in community {community}")
    cases: list[SearchCase] = []
    for kind in SEARCH_KINDS:
        for i in range(per_kind):
            user = ("superuser", "community")[i % 2]
            with_grid = (i // 2) % 2 == 1
            pool = pools[user]
            typed = None
            while typed is None:  # (some residents have no phone)
                r = pool[int(rng.integers(len(pool)))]
                typed = _typed(kind, r, rng)
            params = {"q": typed}
            if with_grid:
                lengths = (9, 12, 15) if user == "superuser" else (12, 15)
                params["grid"] = r["grid_code"][: lengths[int(rng.integers(len(lengths)))]]
            cases.append(SearchCase(kind, user, params))
    order = rng.permutation(len(cases))
    return community, [cases[i] for i in order]


def _percentiles(write: Write, name: str, ms: list[float]) -> None:
    if not ms:
        return
    p50, p95, p99 = np.percentile(np.array(ms), [50, 95, 99], method="higher")
    _line(write, f"{name}_p50", f"{p50:.2f}", "ms")
    _line(write, f"{name}_p95", f"{p95:.2f}", "ms")
    _line(write, f"{name}_p99", f"{p99:.2f}", "ms")


def _analyzed() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT coalesce(last_analyze, last_autoanalyze) IS NOT NULL"
                " FROM pg_stat_user_tables WHERE relname = 'registry_resident'"
            )
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) > 0 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        else:
            return False
        row = cursor.fetchone()
    return bool(row and row[0])


def registry_search(per_kind: int, seed: int, write: Write) -> None:
    """Time `registry.search.residents_for(user, params)[:50]`, evaluated to a list, for a
    fixed mix of queries against the district in the configured database."""
    from gridgov.registry import search
    from gridgov.registry.models import Resident

    residents = Resident.objects.count()
    if not residents:
        raise BenchError(
            "no residents in the database: seed a district first, e.g."
            " `gridgov seed --households 340000 --reset` (about 1,000,000 residents)"
        )
    _line(write, "bench", "registry")
    _machine(write)
    _line(write, "residents", residents, "residents")
    _line(write, "households", Household.objects.count(), "households")
    # Plans on PostgreSQL depend on ANALYZE having run (autovacuum may be off, and a fresh
    # seed has none): without it, pinyin prefixes took 90-130 ms at p95 instead of 20.
    _line(write, "table_statistics", "yes" if _analyzed() else "no")
    _line(write, "seed", seed)
    community, cases = search_cases(per_kind, seed)
    users = {"superuser": _bench_user(None), "community": _bench_user(community)}
    _line(write, "community", community)
    _line(write, "queries", len(cases), "queries")

    def run(case: SearchCase) -> int:
        return len(list(search.residents_for(users[case.user], case.params)[:50]))

    for case in cases[:30]:  # warm-up: imports, caches, the database's page cache
        run(case)
    by_kind: dict[str, list[float]] = {k: [] for k in SEARCH_KINDS}
    by_user: dict[str, list[float]] = {"superuser": [], "community": []}
    by_filter: dict[bool, list[float]] = {True: [], False: []}
    empty = 0
    cpu, started = time.process_time(), time.perf_counter()
    for case in cases:
        t = time.perf_counter()
        found = run(case)
        ms = (time.perf_counter() - t) * 1000
        by_kind[case.kind].append(ms)
        by_user[case.user].append(ms)
        by_filter["grid" in case.params].append(ms)
        empty += found == 0
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    for kind in SEARCH_KINDS:
        _percentiles(write, f"search_{kind}", by_kind[kind])
    for user, times in by_user.items():
        _percentiles(write, f"search_as_{user}", times)
    _percentiles(write, "search_with_grid_filter", by_filter[True])
    _percentiles(write, "search_without_grid_filter", by_filter[False])
    _percentiles(write, "search_all", [m for ms in by_kind.values() for m in ms])
    # Every query is taken from a resident the user may see: none may come back empty.
    _line(write, "empty_results", empty, "queries")
    _line(write, "seconds", f"{seconds:.2f}", "s")
    _line(write, "cpu_time", f"{cpu:.2f}", "s")
    _line(write, "load_average_after", f"{os.getloadavg()[0]:.2f}")


# ---------------------------------------------------------------- registry import

# Households of the generated workbook are registered under this (Beijing) address code,
# which the demo district never uses: no row meets a seeded person.
_IMPORT_ADDRESS = "110105"
_IMPORT_MEMBERS = ("户主", "配偶", "子女")


def resident_workbook(rows: int, grid_codes: list[str], seed: int, bad_every: int = 0) -> bytes:
    """An xlsx of `rows` residents in households of three, with the import template's
    headers (registry.xlsx): new households in the given grids, valid unique ID numbers —
    but for every `bad_every`-th row (from the first), whose check digit is wrong."""
    import io

    from openpyxl import Workbook

    from gridgov.core.lib import idnumbers
    from gridgov.registry import xlsx

    from . import names

    rng = np.random.default_rng(seed)
    headers = [c.header for c in xlsx.RESIDENT_COLUMNS]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(xlsx.SHEET_TITLES["residents"])
    ws.append(headers)
    first_birth = dt.date(1950, 1, 1)
    for i in range(rows):
        household, slot = divmod(i, len(_IMPORT_MEMBERS))
        surname = names.SURNAMES[int(rng.integers(len(names.SURNAMES)))]
        given = "".join(
            names.GIVEN_CHARS[int(g)]
            for g in rng.integers(len(names.GIVEN_CHARS), size=int(rng.integers(1, 3)))
        )
        # Sequence i % 999 + 1 of the day i // 999 after the first: unique for every row.
        birth = first_birth + dt.timedelta(days=i // 999)
        row = {
            "网格编码": grid_codes[household % len(grid_codes)],
            "地址": f"导入测试路{household + 1}号",
            "户类型": "物业小区" if slot == 0 else "",
            "姓名": surname + given,
            "与户主关系": _IMPORT_MEMBERS[slot],
            "证件号码": idnumbers.make(_IMPORT_ADDRESS, birth, i % 999 + 1),
            "联系电话": f"15{int(rng.integers(10**8, 10**9)):09d}",
            "党员": "否",
        }
        if bad_every and i % bad_every == 0:
            number = row["证件号码"]
            row["证件号码"] = number[:-1] + ("0" if number[-1] != "0" else "1")
        ws.append([row.get(h, "") for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def import_in_temporary_sqlite(rows: int, seed: int, write: Write) -> None:
    """Run the import benchmark in a child process on a new SQLite file (see
    `seed_in_temporary_sqlite` for why a child process), then delete the file."""
    with tempfile.TemporaryDirectory(prefix="gridgov-bench-") as folder:
        path = Path(folder) / "bench.sqlite3"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
        command = [
            sys.executable, "-m", "gridgov.cli", "bench", "registry", "--queries", "0",
            "--import-rows", str(rows), "--seed", str(seed), "--temporary-db", str(path),
        ]  # fmt: skip
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        for text in done.stdout.splitlines():
            write(text)
        if done.returncode:
            raise BenchError(f"the import benchmark failed:\n{done.stderr.strip()}")


def import_here(rows: int, seed: int, write: Write, temporary: str) -> None:
    """Time `registry.imports.run_import` of a generated residents workbook (all rows or
    nothing), then the same file again (nothing to write), then the same rows with 1 % of
    them bad (the file is rejected and comes back as the error workbook), in the temporary
    database."""
    from django.core.management import call_command

    from gridgov.registry import imports, xlsx

    if connection.vendor != "sqlite" or str(connection.settings_dict["NAME"]) != temporary:
        raise BenchError(
            "DATABASE_URL did not reach the settings; the temporary database is not in use"
        )
    call_command("migrate", verbosity=0, interactive=False)
    # A small district for the grids the rows are filed under (not timed).
    generate.seed(households=2000, seed=seed)
    grid_codes = list(
        Grid.objects.current()
        .filter(
            network__slug="comprehensive",
            kind=GridKind.COMPREHENSIVE,
            depth=F("network__grid_depth"),
        )
        .order_by("code")
        .values_list("code", flat=True)
    )
    data = resident_workbook(rows, grid_codes, seed)
    bad_every = 100
    with_errors = resident_workbook(rows, grid_codes, seed, bad_every=bad_every)
    _line(write, "bench", "registry import")
    _machine(write)
    _line(write, "seed", seed)
    _line(write, "rows", rows, "rows")
    _line(write, "grids", len(grid_codes), "grids")
    _line(write, "file_size", f"{len(data) / 1e6:.2f}", "MB")

    runs = (("import", data, "done"), ("reimport", data, "done"),
            ("errors", with_errors, "rejected"))  # fmt: skip
    for label, upload, expected in runs:
        phases: dict[str, float] = {}

        def progress(phase: str, done: int, total: int, phases: dict[str, float] = phases) -> None:
            phases.setdefault(phase, time.perf_counter())

        cpu, started = time.process_time(), time.perf_counter()
        outcome = imports.run_import(
            actor=imports.SYSTEM, kind="residents", mode="all", data=upload, progress=progress
        )
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        bad_rows = len(range(0, rows, bad_every)) if expected == "rejected" else 0
        if outcome.status != expected or outcome.error_rows != bad_rows:
            first = outcome.problems[0] if outcome.problems else None
            raise BenchError(
                f"the generated workbook was {outcome.status}: {outcome.message}"
                f" {first.row if first else ''} {first.message if first else ''}".strip()
            )
        _line(write, f"{label}_status", outcome.status)
        counts = ", ".join(f"{k} {v}" for k, v in sorted(outcome.counts.items()) if v)
        _line(write, f"{label}_counts", counts or "none")
        if bad_rows:
            _line(write, f"{label}_bad_rows", outcome.error_rows, "rows")
        # Phases as run_import reports them: reading the file, checking every row, then
        # checking against the registry and writing (one transaction; for a rejected file,
        # rolling back and making the error workbook).
        ends = [phases.get("checking", started), phases.get("writing", started), started + seconds]
        for name, begin, end in (
            ("reading", started, ends[0]),
            ("checking", ends[0], ends[1]),
            ("writing", ends[1], ends[2]),
        ):
            _line(write, f"{label}_{name}_time", f"{end - begin:.2f}", "s")
        _line(write, f"{label}_seconds", f"{seconds:.2f}", "s")
        _line(write, f"{label}_cpu_time", f"{cpu:.2f}", "s")
        _line(write, f"{label}_rate", f"{rows / max(seconds, 1e-9):.0f}", "rows/s")
    # The error workbook alone: run_import makes it after the rollback, inside the last
    # phase above, so it is made (and timed) once more here.
    sheet = xlsx.read(with_errors, "residents")
    cpu, started = time.process_time(), time.perf_counter()
    error_file = xlsx.error_workbook(with_errors, sheet, outcome.problems, only_bad_rows=False)
    _line(write, "error_workbook_time", f"{time.perf_counter() - started:.2f}", "s")
    _line(write, "error_workbook_cpu_time", f"{time.process_time() - cpu:.2f}", "s")
    _line(write, "error_workbook_size", f"{len(error_file) / 1e6:.2f}", "MB")
    _line(write, "load_average_after", f"{os.getloadavg()[0]:.2f}")
