"""gridgov bench: time seeding, point → grid lookup and the registry (figures as
"name: value unit")."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridgov.demo import bench, bench_cases, bench_divide, bench_http, bench_visits


class Command(BaseCommand):
    help = (
        "Benchmarks. `bench seed` times generating and storing the demo district;"
        " `bench lookup` times point-to-grid lookup against the district in the database;"
        " `bench registry` times resident search against it;"
        " `bench http` drives the production server (`gridgov serve`) over loopback;"
        " `bench cases` times case intake over HTTP, the deadline sweep and the indicators;"
        " `bench visits` times due visits and coverage;"
        " `bench divide` times the grid partitioner on synthetic blocks."
        " All use fixed seeds and print sizes, cores and load with the figures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(
            dest="bench", required=True, metavar="{seed,lookup,registry,http,cases,visits,divide}"
        )

        seed = subcommands.add_parser(
            "seed",
            help="time `gridgov seed` into a new temporary SQLite database",
            description=(
                "Seed the demo district into a new SQLite file in the temporary folder (with"
                " gridgov's own SQLite settings), print the figures and delete the file. The"
                " rates are those of the people phase (buildings, households, residents:"
                " generation, inserts and commit); overall_households_rate includes planning"
                " the district. With --use-configured-db, seed into the configured database"
                " instead (DATABASE_URL, e.g. PostgreSQL): it must be migrated and empty, and"
                " keeps the district afterwards."
            ),
        )
        seed.add_argument("--households", type=int, default=100_000)
        seed.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
        seed.add_argument(
            "--use-configured-db",
            action="store_true",
            help="seed into the configured database, which must be migrated and empty",
        )
        # Internal: set by the parent process for the child that uses the temporary file.
        seed.add_argument("--temporary-db", help=argparse.SUPPRESS)

        lookup = subcommands.add_parser(
            "lookup",
            help="time point-to-grid lookup against the district in the database",
            description=(
                "Build the spatial index of the comprehensive network in the configured"
                " database and locate random points (deterministic for --seed) in the"
                " bounding box of its root grid: all at once (locate_many), one at a time"
                " (locate), and one at a time with the per-call version check"
                " (for_network(id).locate). Seed first, e.g."
                " `gridgov seed --households 1000000 --reset`."
            ),
        )
        lookup.add_argument("--points", type=int, default=200_000)
        lookup.add_argument("--seed", type=int, default=1, help="seed for the points (default 1)")
        lookup.add_argument(
            "--single",
            type=int,
            default=20_000,
            help="how many of the points to locate one at a time (default 20000)",
        )

        registry = subcommands.add_parser(
            "registry",
            help="time resident search against the district in the database",
            description=(
                "Time registry search (registry.search.residents_for(user, params)[:50],"
                " evaluated to a list) against the district in the configured database:"
                " a fixed mix of queries taken from randomly drawn residents (deterministic"
                " for --seed) - names, pinyin prefixes, initials, last 4 digits of ID"
                " numbers and phones, full ID numbers, phones - each with and without a grid"
                " filter, as a superuser and as the grid head of one community. Prints p50,"
                " p95 and p99 in ms per kind and overall. Nothing is written to the"
                " database. Seed first; the target size, about 1,000,000 residents, is"
                " `gridgov seed --households 340000 --reset`. Run with the field keys the"
                " district was seeded with (GRIDGOV_FIELD_KEYS, or the same GRIDGOV_VAR_DIR):"
                " full ID numbers and phones are taken from the stored, encrypted ones."
            ),
        )
        registry.add_argument(
            "--queries",
            type=int,
            default=200,
            help="queries per kind (default 200; six kinds)",
        )
        registry.add_argument(
            "--seed", type=int, default=3, help="seed for the mix and the workbook (default 3)"
        )
        registry.add_argument(
            "--import-rows",
            type=int,
            default=0,
            help=(
                "also time the xlsx import (registry.imports.run_import) of a generated"
                " residents workbook of this many rows (at most 100000) into a new temporary"
                " SQLite database, then its re-import; --queries 0 leaves out the search"
            ),
        )
        # Internal: set by the parent process for the child that uses the temporary file.
        registry.add_argument("--temporary-db", help=argparse.SUPPRESS)

        http = subcommands.add_parser(
            "http",
            help="requests per second of a list page and the lookup API under `gridgov serve`",
            description=(
                "Seed a demo district into a temporary SQLite database (or use the configured"
                " one with --use-configured-db, creating the demo district and users if"
                " missing), start `gridgov serve` on a free 127.0.0.1 port, log in as the demo"
                " grid worker and drive /registry/residents/ and /api/v1/grids/lookup (random"
                " points of the county) with a one-thread client, each for --seconds or"
                " --max-requests, whichever comes first. Prints requests/s, p50/p95/p99"
                " latency and errors with the core count."
            ),
        )
        http.add_argument("--workers", type=int, default=0, help="server workers (as serve)")
        http.add_argument("--concurrency", type=int, default=8, help="connections (default 8)")
        http.add_argument("--seconds", type=float, default=15.0, help="per target (default 15)")
        http.add_argument("--max-requests", type=int, default=20_000, help="per target")
        http.add_argument("--households", type=int, default=5_000, help="temporary district size")
        http.add_argument("--use-configured-db", action="store_true")

        cases = subcommands.add_parser(
            "cases",
            help="case intake over HTTP, the deadline sweep over many open cases, indicators",
            description=(
                "In a temporary SQLite database (and a scratch PostgreSQL database created and"
                " dropped on the server of --postgres URL), set up a small demo district, then:"
                " POST /api/v1/cases under `gridgov serve` on 127.0.0.1 with a grid worker's"
                " API token at points of their grid for --seconds (cases/s, p50/p95/p99,"
                " errors, and the parts of one report timed beside it); bulk-insert --cases"
                " open cases, a share of them due this minute, EXPLAIN the sweep's selection"
                " and time one sweep; time cases.indicators.for_node for the busiest street."
            ),
        )
        cases.add_argument("--seconds", type=float, default=10.0, help="intake time (default 10)")
        cases.add_argument("--concurrency", type=int, default=8, help="connections (default 8)")
        cases.add_argument("--workers", type=int, default=0, help="server workers (as serve)")
        cases.add_argument("--households", type=int, default=2_000, help="district size")
        cases.add_argument("--cases", type=int, default=1_000_000, help="open cases for the sweep")
        cases.add_argument("--warn-share", type=float, default=0.01)
        cases.add_argument("--overdue-share", type=float, default=0.005)
        cases.add_argument("--postgres", default="", help="also on this PostgreSQL server (URL)")

        visits = subcommands.add_parser(
            "visits",
            help="due visits for a county and coverage of a street",
            description=(
                "Seed a district of --households into a new temporary SQLite file (340000 is"
                " about 1,000,000 residents), add the demo's team, attention tags and a year of"
                " visits, then time rebuilding every household's due date, the households due"
                " and overdue over the county, grid workers' due lists, the coverage of the"
                " busiest street over 30 days and recording a visit. With --use-configured-db,"
                " use the district in the configured database (adding tags and visits if"
                " missing)."
            ),
        )
        visits.add_argument("--households", type=int, default=340_000)
        visits.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
        visits.add_argument("--use-configured-db", action="store_true")
        visits.add_argument("--temporary-db", help=argparse.SUPPRESS)

        divide = subcommands.add_parser(
            "divide",
            help="the grid partitioner on synthetic Voronoi blocks (no database)",
            description=(
                "Divide synthetic Voronoi blocks (fixed seeds) into grids: a community (100"
                " blocks), a street (1,000 blocks, ~41,000 households) and a county (~130,000"
                " households), then re-divide the street after a tenth of its blocks changed."
                " Prints sizes, cores, times, the share of grids within the bounds, mean"
                " Polsby-Popper and the share of boundary on roads; METIS as a comparison when"
                " pymetis is installed (skipped otherwise)."
            ),
        )
        divide.add_argument("--min", type=int, default=300, dest="minimum")
        divide.add_argument("--max", type=int, default=500, dest="maximum")
        divide.add_argument("--target", type=int, default=400)

    def handle(self, *args: object, **opts: object) -> None:
        def write(text: str) -> None:
            self.stdout.write(text)

        try:
            if opts["bench"] == "divide":
                from gridgov.grids.division.partition import Bounds

                lo, hi, target = opts["minimum"], opts["maximum"], opts["target"]
                if not 0 < lo <= target <= hi:  # type: ignore[operator]
                    raise CommandError("need 0 < --min <= --target <= --max")
                bench_divide.run(write, Bounds(lo, hi, target))  # type: ignore[arg-type]
            elif opts["bench"] == "http":
                self._http(opts, write)
            elif opts["bench"] == "cases":
                self._cases(opts, write)
            elif opts["bench"] == "visits":
                households, seed = int(opts["households"]), int(opts["seed"])  # type: ignore[call-overload]
                if opts["use_configured_db"]:
                    temporary = opts.get("temporary_db")
                    bench_visits.here(
                        households, seed, write, str(temporary) if temporary else None
                    )
                else:
                    bench_visits.in_temporary_sqlite(households, seed, write)
            elif opts["bench"] == "seed":
                households = int(opts["households"])  # type: ignore[call-overload]
                if households < 1:
                    raise CommandError("--households must be at least 1")
                seed = int(opts["seed"])  # type: ignore[call-overload]
                if opts["use_configured_db"]:
                    temporary = opts.get("temporary_db")
                    bench.seed_here(households, seed, write, str(temporary) if temporary else None)
                else:
                    bench.seed_in_temporary_sqlite(households, seed, write)
            elif opts["bench"] == "registry":
                per_kind = int(opts["queries"])  # type: ignore[call-overload]
                rows = int(opts["import_rows"])  # type: ignore[call-overload]
                seed = int(opts["seed"])  # type: ignore[call-overload]
                if per_kind != 0 and per_kind < 4:
                    raise CommandError("--queries must be 0 (no search) or at least 4")
                if not 0 <= rows <= 100_000:
                    raise CommandError("--import-rows must be from 0 to 100000")
                temporary = opts.get("temporary_db")
                if temporary:
                    bench.import_here(rows, seed, write, str(temporary))
                    return
                if per_kind:
                    bench.registry_search(per_kind, seed, write)
                if rows:
                    bench.import_in_temporary_sqlite(rows, seed, write)
            else:
                points = int(opts["points"])  # type: ignore[call-overload]
                single = int(opts["single"])  # type: ignore[call-overload]
                if points < 1 or single < 0:
                    raise CommandError("--points must be at least 1 and --single at least 0")
                bench.lookup(points, int(opts["seed"]), single, write)  # type: ignore[call-overload]
        except (bench.BenchError, bench_http.BenchError) as e:
            raise CommandError(str(e)) from None

    def _cases(self, opts: dict[str, Any], write: Any) -> None:
        from gridgov.web.management.commands.serve import default_workers

        if not 1 <= opts["concurrency"] <= 64 or not 0 <= opts["seconds"] <= 300:
            raise CommandError("--concurrency must be 1-64 and --seconds 0-300")
        if not 0 <= opts["cases"] <= 5_000_000 or opts["households"] < 100:
            raise CommandError("--cases must be 0-5000000 and --households at least 100")
        if not 0 <= opts["warn_share"] + opts["overdue_share"] <= 1:
            raise CommandError("--warn-share and --overdue-share are shares (0-1)")
        bench_cases.run(
            write,
            workers=opts["workers"] or default_workers(),
            concurrency=opts["concurrency"],
            seconds=opts["seconds"],
            households=opts["households"],
            cases=opts["cases"],
            postgres=opts["postgres"],
            warn_share=opts["warn_share"],
            overdue_share=opts["overdue_share"],
        )

    def _http(self, opts: dict[str, Any], write: Any) -> None:
        from gridgov.web.management.commands.serve import default_workers

        if not 1 <= opts["concurrency"] <= 64 or not 0 < opts["seconds"] <= 300:
            raise CommandError("--concurrency must be 1-64 and --seconds 0-300")
        if opts["max_requests"] < 1 or opts["households"] < 100 or opts["workers"] < 0:
            raise CommandError("--max-requests >= 1, --households >= 100, --workers >= 0")
        bench_http.run(
            write,
            workers=opts["workers"] or default_workers(),
            concurrency=opts["concurrency"],
            seconds=opts["seconds"],
            max_requests=opts["max_requests"],
            households=opts["households"],
            configured_db=opts["use_configured_db"],
        )
