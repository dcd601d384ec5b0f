"""gridgov party_roster [--grid CODE] [--user U [--reason R]] -o FILE.xlsx: the contact
roster (包挂联系花名册) of the branches under a grid, as the page exports it.

Phones are masked unless --user holds personal.reveal and --reason says why (AccessLog
rows, channel "cli"). Without --user the export runs as the system (every grid); it is
recorded in the audit trail either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridgov.accounts.models import User
from gridgov.core.errors import ServiceError
from gridgov.party import roster
from gridgov.registry import imports


class Command(BaseCommand):
    help = "Export the party contact roster (包挂联系花名册) to an xlsx file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", type=Path, required=True)
        parser.add_argument("--grid", default="", help="a grid code: the branches under it")
        parser.add_argument("--user", help="act as this user (scope, unmasking, audit)")
        parser.add_argument("--reason", default="", help="unmask phones: why")

    def handle(self, *args: Any, **opts: Any) -> None:
        actor: Any = imports.SYSTEM
        if opts["user"]:
            actor = User.objects.filter(username=opts["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {opts['user']!r}")
        elif opts["reason"]:
            raise CommandError("--reason needs --user: an unmasked export names its reader")
        grid = opts["grid"]
        if grid and not (grid.isascii() and grid.isdigit()):
            raise CommandError("--grid is a grid code (digits)")
        try:
            data, rows = roster.export(actor=actor, grid=grid, reason=opts["reason"],
                                       channel="cli")  # fmt: skip
        except ServiceError as e:
            raise CommandError(str(e.message)) from None
        opts["output"].write_bytes(data)
        self.stdout.write(f"{rows} rows written to {opts['output']}")
