"""gridgov rebuild_indicators [--check]: the indicators' roll-up (ADR 0019, "Roll-up")
worked out anew from every case and its timeline — after a change of GRIDGOV_TIME_ZONE (the
zone of its days), or rows written around the services. With --check nothing is kept: it
says whether the stored roll-up was exact, and fails if not.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from gridgov.cases import rollup
from gridgov.cases.models import CaseDay


def _days() -> set[tuple[Any, ...]]:
    # Rows whose cases all left them hold zeros: the same as no row.
    return set(CaseDay.objects.filter(reported__gt=0).values_list(*rollup.FIELDS))


class Command(BaseCommand):
    help = "Rebuild (or check) the case indicators' roll-up from the cases and their timelines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="compare, keep nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            before = _days()
            cases = rollup.rebuild()
            after = _days()
            if opts["check"]:
                transaction.set_rollback(True)
        took = time.perf_counter() - started
        differ = len(before ^ after)
        if opts["check"]:
            if differ:
                raise CommandError(f"{differ} day rows differ from the cases' timelines")
            self.stdout.write(f"exact: {len(after)} day rows for {cases} cases ({took:.1f} s)")
            return
        self.stdout.write(
            f"rebuilt: {len(after)} day rows for {cases} cases, {differ} rows changed "
            f"({took:.1f} s)"
        )
