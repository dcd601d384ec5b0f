"""gridgov divide CODE: propose a division of a grid's ground into grids of --min to --max
households (R-GRID-6), print each proposed grid's figures and save the proposal as a draft
(shown on the grid's division page, where it is edited and accepted; or --accept here)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from tqdm import tqdm

from gridgov.accounts.models import User
from gridgov.core.errors import ServiceError
from gridgov.grids import queries
from gridgov.grids.division import accept as acceptlib
from gridgov.grids.division import drafts
from gridgov.grids.models import Grid
from gridgov.registry.imports import SYSTEM

STAGES = {"grow": "seeding and growing", "repair": "repairing bounds", "refine": "refining"}


class Bars:
    """One tqdm bar per stage of the partition, opened when the stage starts."""

    def __init__(self, quiet: bool) -> None:
        self.quiet, self.bar, self.stage = quiet, None, ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.quiet:
            return
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(total=total, desc=STAGES.get(stage, stage), unit="part")
        assert self.bar is not None
        self.bar.total = total
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Command(BaseCommand):
    help = (
        "Propose a division of grid CODE into grids of --min to --max households along its"
        " roads, print the figures and save the proposal as a draft."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        low, high = settings.GRID_HOUSEHOLDS_MIN, settings.GRID_HOUSEHOLDS_MAX
        parser.add_argument("code", help="the grid to divide (usually a community)")
        parser.add_argument("--network", default="comprehensive")
        parser.add_argument("--min", type=int, default=low, dest="minimum")
        parser.add_argument("--max", type=int, default=high, dest="maximum")
        parser.add_argument("--target", type=int, default=(low + high) // 2)
        parser.add_argument("--user", help="act as this user (scope and audit); default: system")
        parser.add_argument("--accept", action="store_true", help="accept the proposal at once")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **opts: Any) -> None:
        actor: Any = SYSTEM
        if opts["user"]:
            actor = User.objects.filter(username=opts["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {opts['user']!r}")
        bars = Bars(opts["quiet"])
        try:
            bounds = drafts.check_bounds(opts["minimum"], opts["target"], opts["maximum"])
            network = queries.network_by_slug(opts["network"])
            parent = Grid.objects.filter(network=network, code=opts["code"]).first()
            if parent is None:
                raise CommandError(f"no grid {opts['code']} in network {network.slug}")
            try:
                draft = drafts.propose(actor=actor, parent=parent, bounds=bounds, progress=bars)
            finally:
                bars.close()
            self._print(drafts.view(draft))
            if opts["accept"]:
                grids = acceptlib.accept(actor=actor, draft=draft, version=draft.version)
                self.stdout.write("accepted: " + " ".join(g.code for g in grids))
        except ServiceError as e:
            where = f" ({e.field})" if e.field else ""
            raise CommandError(f"{e.message}{where}") from None

    def _print(self, shown: drafts.View) -> None:
        d, s, b = shown.draft, shown.summary, shown.bounds
        w = self.stdout.write
        w(f"{d.parent.code} {d.parent.name}: {shown.households} households in buildings,")
        w(f"  {len(d.blocks)} blocks, {s.grids} grids, bounds {b.low}-{b.high} target {b.target}")
        head = ("grid", "keeps code", "blocks", "households", "PP", "roads")
        w("  {:>5} {:<18} {:>6} {:>10} {:>5} {:>6}".format(*head))
        for r, row in enumerate(shown.rows):
            flag = "" if row.in_range(b) else "  out of range"
            road = "-" if row.road_share is None else f"{row.road_share:.0%}"
            w(
                f"  {r + 1:>5} {shown.kept[r] or '(new)':<18} {row.blocks:>6}"
                f" {row.households:>10} {row.polsby_popper:>5.2f} {road:>6}{flag}"
            )
        road = "-" if s.road_share is None else f"{s.road_share:.1%}"
        w(f"in range: {s.in_range}/{s.grids} ({s.share_in_range:.0%})")
        w(f"mean Polsby-Popper: {s.mean_polsby_popper:.3f}")
        w(f"boundary between grids on roads: {road}")
        w(f"households changing grid: {shown.moved_households}")
        w(f"seconds: {d.seconds:.3f}")
        url = reverse("grids:division", args=[d.parent.network.slug, d.parent.code, d.public_id])
        w(f"draft: {d.public_id} ({url})")
