"""gridgov rotate_keys [--check | --rehash]: move personal data to the newest field key.

The operator's steps are in docs/adr/0005-personal-data.md ("Rotation"); the work is done
by registry.rotation. Output names tables, columns, row ids and key ids, never a value.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from gridgov.core.lib import crypto
from gridgov.registry import rotation
from gridgov.registry.models import Resident

HELP = """\
Re-encrypt every ID number, phone and import file that is not under the newest key of
GRIDGOV_FIELD_KEYS, one transaction per batch (measured: 2 to 10 s per 100,000 values).
Safe while the site runs; interrupted, it continues where it stopped when run again; run
again when done, it changes nothing. A batch holding a value that cannot be decrypted is
left unchanged and reported (table, row id); the command then exits with status 1. The
operator's steps: docs/adr/0005-personal-data.md, "Rotation".
"""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--check", action="store_true",
            help="change nothing: decrypt every value, count the values per table, column"
            " and key id, check the lookup hashes, and say whether the older secrets can be"
            " removed from GRIDGOV_FIELD_KEYS. Exit status 1 if a value cannot be decrypted"
            " or a lookup hash does not match the lookup key.",
        )  # fmt: skip
        mode.add_argument(
            "--rehash", action="store_true",
            help="after a change of GRIDGOV_LOOKUP_KEY: recompute every resident's ID-number"
            " and phone hash under it, in ONE transaction (all or nothing). Costs: every ID"
            " number and phone is decrypted twice (a check pass, then a write pass) and every"
            " resident row is rewritten (measured: 5 to 10 s per 100,000 residents); writes"
            " to residents wait until it commits. Stop the site and the workers first: until"
            " it ends, search by ID number or phone finds nothing and duplicate ID numbers"
            " are not caught.",
        )  # fmt: skip
        parser.add_argument(
            "--batch-size", type=int, default=500,
            help="values re-encrypted per transaction (default 500; import files: at most 10)",
        )  # fmt: skip
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **opts: Any) -> None:
        self.quiet = bool(opts["quiet"])
        if opts["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        self._keys()
        if opts["check"]:
            self._check()
        elif opts["rehash"]:
            self._rehash()
        else:
            self._reencrypt(opts["batch_size"])

    @contextmanager
    def _bar(self, total: int, desc: str, unit: str = "value") -> Iterator[Any]:
        with tqdm(
            total=total,
            unit=unit,
            desc=desc,
            disable=self.quiet or (bool(os.environ.get("CI")) and not self.stdout.isatty()),
        ) as bar:
            yield bar.update

    def _keys(self) -> None:
        ids = crypto.key_ids()
        self.stdout.write(f"Field keys, newest first: {', '.join(ids)}")
        if crypto.lookup_key_pinned():
            source = "set by GRIDGOV_LOOKUP_KEY"
        else:
            source = f"derived from the oldest field secret ({ids[-1]})"
        self.stdout.write(f"Lookup key: {crypto.lookup_key_id()}, {source}")

    # ------------------------------------------------------------ modes

    def _check(self) -> None:
        with self._bar(rotation.count_values(), "reading") as progress:
            census = rotation.census(progress=progress)
        ids = census.key_ids
        width = max(len(t.label) for t in rotation.TARGETS)
        self.stdout.write("")
        self.stdout.write(f"{'values':<{width}}" + "".join(f"{k:>10}" for k in ids) + " unreadable")
        for f in census.fields:
            counts = "".join(f"{f.by_key[k]:>10}" for k in ids)
            self.stdout.write(f"{f.target.label:<{width}}{counts}{len(f.problems):>11}")
        self.stdout.write("")
        self.stdout.write(f"{'lookup hashes':<{width}}{'match':>10}{'differ':>10}")
        for f in census.fields:
            if f.target.hash_field:
                self.stdout.write(
                    f"{f.target.hash_label:<{width}}{f.hashes_match:>10}{f.hashes_differ:>10}"
                )
        self.stdout.write("")
        for problem in census.problems:
            self.stdout.write(str(problem))
        blockers = census.blockers()
        if len(ids) == 1:
            self.stdout.write(f"One field secret is configured ({ids[0]}): none to remove.")
            for b in blockers:
                self.stdout.write(f"- {b}")
        elif blockers:
            self.stdout.write(f"NOT safe yet to remove the older secrets ({', '.join(ids[1:])}):")
            for b in blockers:
                self.stdout.write(f"- {b}")
        else:
            self.stdout.write(
                f"Safe to remove the older secrets ({', '.join(ids[1:])}): keep only the newest"
                " in GRIDGOV_FIELD_KEYS, keep GRIDGOV_LOOKUP_KEY as it is, restart every"
                " process, then run --check again."
            )
        if census.problems or census.hashes_differ:
            raise CommandError("some values cannot be read or some lookup hashes do not match")

    def _reencrypt(self, batch_size: int) -> None:
        with self._bar(rotation.count_pending(), "re-encrypting") as progress:
            out = rotation.reencrypt(batch_size=batch_size, progress=progress)
        for problem in out.problems:
            self.stdout.write(str(problem))
        for skipped in out.skipped:
            self.stdout.write(str(skipped))
        written = sum(out.written.values())
        if not written and not out.problems:
            self.stdout.write(
                f"Nothing to re-encrypt: every value is under the newest key {out.newest}."
            )
            return
        for target in (*rotation.TARGETS, rotation.DETAILS):
            self.stdout.write(f"{target.label}: {out.written[target.label]} re-encrypted")
        self.stdout.write(
            f"{rotation.plural(written, 'value')} re-encrypted under key {out.newest}."
        )
        if out.problems:
            left = sum(s.values for s in out.skipped)
            raise CommandError(
                f"{rotation.plural(len(out.problems), 'value')} cannot be decrypted; their"
                f" batches ({rotation.plural(left, 'value')}) were left as they were. Restore"
                " the secret they were made under or correct those rows, then run again."
            )
        if len(crypto.key_ids()) > 1 and not crypto.lookup_key_pinned():
            self.stdout.write(
                "The lookup key is still derived from the oldest secret: set GRIDGOV_LOOKUP_KEY"
                " to that secret before removing it (see --check)."
            )
        self.stdout.write("Run `gridgov rotate_keys --check` before removing an older secret.")

    def _rehash(self) -> None:
        residents = Resident.objects.count()
        try:
            # Two passes over the residents: check, then write.
            with self._bar(2 * residents, "rehashing", "resident") as progress:
                out = rotation.rehash(progress=progress)
        except rotation.RehashRefused as e:
            refused = e.outcome
            for problem in refused.problems:
                self.stdout.write(str(problem))
            for first, second in refused.duplicates:
                self.stdout.write(
                    f"{Resident._meta.db_table} rows {first} and {second}: the same ID number"
                )
            raise CommandError(
                "nothing was written: every ID number and phone must be readable and every"
                " ID number held by one resident only (rows listed above)"
            ) from None
        if not out.rewritten:
            self.stdout.write(
                f"All {out.residents} residents' lookup hashes already match lookup key"
                f" {out.lookup_key_id}: nothing written."
            )
        else:
            self.stdout.write(
                f"Rewrote the lookup hashes of {out.rewritten} of {out.residents} residents"
                f" under lookup key {out.lookup_key_id}."
            )
