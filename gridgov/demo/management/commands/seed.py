"""gridgov seed: generate the demo district (deterministic for --seed)."""

from __future__ import annotations

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from gridgov.demo import generate
from gridgov.grids.models import Grid
from gridgov.party.demo import build_party_network


class Command(BaseCommand):
    help = "Generate the demo district: real county, streets and outline; generated people."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--county", default=generate.DEFAULT_COUNTY)
        parser.add_argument(
            "--reset", action="store_true", help="empty the database first (all data is lost)"
        )

    def handle(self, *args: object, **opts: object) -> None:
        households = int(opts["households"])  # type: ignore[call-overload]
        if households < 1:
            raise CommandError("--households must be at least 1")
        if opts["reset"]:
            call_command("flush", interactive=False, verbosity=0)
        elif Grid.objects.exists():
            raise CommandError("the database already holds a district; add --reset to replace it")
        with tqdm(
            total=households,
            unit="hh",
            desc="households",
            disable=bool(os.environ.get("CI")) and not self.stdout.isatty(),
        ) as bar:
            result = generate.seed(
                households=households,
                seed=int(opts["seed"]),  # type: ignore[call-overload]
                county=str(opts["county"]),
                progress=bar.update,
            )
        self.stdout.write(
            f"{result.grids} grids, {result.buildings} buildings, {result.households} households,"
            f" {result.residents} residents in {result.seconds:.1f} s"
        )
        party = build_party_network(seed=int(opts["seed"]))  # type: ignore[call-overload]
        self.stdout.write(f"party network: {party['organisations']} organisations, "
                          f"{party['links']} links")  # fmt: skip
