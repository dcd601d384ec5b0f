"""gridgov export KIND [filters] -o FILE.xlsx: a registry list's export, from a shell.

residents: the resident list's filters (registry.search.ResidentFilter). ID numbers and
phones are masked unless --user holds personal.reveal and --reason says why (AccessLog rows,
channel "cli").

households, buildings, places, components, organisations: the list page's filters
(registry.lists): --grid, and --address for households. Nothing to unmask.

Without --user the export runs as the system (every grid). The command line has no row
limit (a web export stops at imports.EXPORT_MAX_ROWS).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridgov.accounts.models import User
from gridgov.core.errors import ServiceError
from gridgov.registry import imports, lists

# Options of the resident list only.
RESIDENT_OPTIONS = ("q", "tag", "residence_status", "status", "reason")


class Command(BaseCommand):
    help = "Export a registry list (filtered like its page) to an xlsx file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["residents", *lists.LISTS])
        parser.add_argument("-o", "--output", type=Path, required=True)
        parser.add_argument("--grid", default="", help="a grid code: everything under it")
        parser.add_argument("--address", default="", help="residents and households")
        parser.add_argument("--q", default="", help="residents: name, pinyin, last digits, …")
        parser.add_argument("--tag", default="", help="residents")
        parser.add_argument("--residence-status", default="", help="residents")
        parser.add_argument("--status", default="", help="residents: active (default), …, all")
        parser.add_argument("--user", help="act as this user (scope, unmasking, audit)")
        parser.add_argument("--reason", default="", help="residents: unmask: why")

    def handle(self, *args: Any, **opts: Any) -> None:
        kind = opts["kind"]
        actor: Any = imports.SYSTEM
        if opts["user"]:
            actor = User.objects.filter(username=opts["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {opts['user']!r}")
        try:
            if kind == "residents":
                rows = self._residents(actor, opts)
            else:
                rows = self._list(actor, kind, opts)
        except ServiceError as e:
            raise CommandError(str(e.message)) from None
        self.stdout.write(f"{rows} {kind} written to {opts['output']}")

    def _residents(self, actor: Any, opts: dict[str, Any]) -> int:
        params = {
            "grid": opts["grid"], "q": opts["q"], "tag": opts["tag"],
            "residence_status": opts["residence_status"], "status": opts["status"],
            "address": opts["address"],
        }  # fmt: skip
        data, rows = imports.export_residents(
            actor=actor, params=params, reason=opts["reason"], channel="cli", limit=None
        )
        opts["output"].write_bytes(data)
        return rows

    def _list(self, actor: Any, kind: str, opts: dict[str, Any]) -> int:
        filters = lists.LISTS[kind].filters
        given = [name for name in (*RESIDENT_OPTIONS, "address") if opts[name]]
        wrong = [name for name in given if name not in filters]
        if wrong:
            flags = ", ".join("--" + name.replace("_", "-") for name in wrong)
            raise CommandError(f"{flags}: not a filter of {kind}")
        params = {name: opts[name] for name in filters}
        data, rows = lists.export(actor=actor, kind=kind, params=params, channel="cli", limit=None)
        opts["output"].write_bytes(data)
        return rows
