"""gridgov bench: time seeding and point → grid lookup (figures as "name: value unit")."""

from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridgov.demo import bench


class Command(BaseCommand):
    help = (
        "Benchmarks. `bench seed` times generating and storing the demo district;"
        " `bench lookup` times point-to-grid lookup against the district in the database."
        " Both use fixed seeds and print sizes, cores and load with the figures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="bench", required=True, metavar="{seed,lookup}")

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

    def handle(self, *args: object, **opts: object) -> None:
        def write(text: str) -> None:
            self.stdout.write(text)

        try:
            if opts["bench"] == "seed":
                households = int(opts["households"])  # type: ignore[call-overload]
                if households < 1:
                    raise CommandError("--households must be at least 1")
                seed = int(opts["seed"])  # type: ignore[call-overload]
                if opts["use_configured_db"]:
                    temporary = opts.get("temporary_db")
                    bench.seed_here(households, seed, write, str(temporary) if temporary else None)
                else:
                    bench.seed_in_temporary_sqlite(households, seed, write)
            else:
                points = int(opts["points"])  # type: ignore[call-overload]
                single = int(opts["single"])  # type: ignore[call-overload]
                if points < 1 or single < 0:
                    raise CommandError("--points must be at least 1 and --single at least 0")
                bench.lookup(points, int(opts["seed"]), single, write)  # type: ignore[call-overload]
        except bench.BenchError as e:
            raise CommandError(str(e)) from None
