"""gridgov export residents [filters] -o FILE.xlsx: the resident list's export, from a shell.

The filters are the list's (registry.search.ResidentFilter). ID numbers and phones are
masked unless --user holds personal.reveal and --reason says why (AccessLog rows, channel
"cli"). Without --user the export runs as the system (every grid, masked).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridgov.accounts.models import User
from gridgov.core.errors import ServiceError
from gridgov.registry import imports


class Command(BaseCommand):
    help = "Export residents (filtered like the resident list) to an xlsx file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["residents"])
        parser.add_argument("-o", "--output", type=Path, required=True)
        parser.add_argument("--grid", default="", help="a grid code: everything under it")
        parser.add_argument("--q", default="", help="name, pinyin, last digits, …")
        parser.add_argument("--tag", default="")
        parser.add_argument("--residence-status", default="")
        parser.add_argument("--status", default="", help="active (default), moved_out, …, all")
        parser.add_argument("--address", default="")
        parser.add_argument("--user", help="act as this user (scope, unmasking, audit)")
        parser.add_argument("--reason", default="", help="unmask (needs personal.reveal): why")

    def handle(self, *args: Any, **opts: Any) -> None:
        actor: Any = imports.SYSTEM
        if opts["user"]:
            actor = User.objects.filter(username=opts["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {opts['user']!r}")
        params = {
            "grid": opts["grid"], "q": opts["q"], "tag": opts["tag"],
            "residence_status": opts["residence_status"], "status": opts["status"],
            "address": opts["address"],
        }  # fmt: skip
        try:
            data, rows = imports.export_residents(
                actor=actor, params=params, reason=opts["reason"], channel="cli", limit=None
            )
        except ServiceError as e:
            raise CommandError(str(e.message)) from None
        opts["output"].write_bytes(data)
        self.stdout.write(f"{rows} residents written to {opts['output']}")
