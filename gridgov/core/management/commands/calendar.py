"""gridgov calendar load FILE.json|csv / gridgov calendar show YEAR (ADR 0016).

`load` enters a year's holiday arrangement when the State Council publishes it: every row
is checked first, then the file's years are replaced in one transaction (a second load of
the same file changes nothing). `show` prints a year's days and whether it is covered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from gridgov.core import calendar_files
from gridgov.core.models import CalendarDay, CalendarYear


class Command(BaseCommand):
    help = "Load or show the work-time calendar (holidays and make-up working days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--language", default=settings.LANGUAGE_CODE)
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load a year's arrangement from JSON or CSV")
        load.add_argument("file", type=Path)
        show = sub.add_parser("show", help="print a year's holidays and make-up days")
        show.add_argument("year", type=int)

    def handle(self, *args: Any, **opts: Any) -> None:
        with translation.override(opts["language"]):
            if opts["action"] == "load":
                self.load(opts["file"])
            else:
                self.show(opts["year"])

    def load(self, path: Path) -> None:
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file") % {"path": path})
        try:
            result = calendar_files.load(calendar_files.parse(path))
        except calendar_files.CalendarFileError as e:
            raise CommandError(_("Nothing was loaded:") + "\n" + "\n".join(e.errors)) from None
        self.stdout.write(
            _(
                "Years %(years)s: %(created)d days added, %(updated)d changed, "
                "%(deleted)d removed, %(unchanged)d unchanged."
            )
            % {
                "years": ", ".join(map(str, result.years)),
                "created": result.created,
                "updated": result.updated,
                "deleted": result.deleted,
                "unchanged": result.unchanged,
            }
        )

    def show(self, year: int) -> None:
        covered = CalendarYear.objects.filter(year=year).first()
        if covered is None:
            self.stdout.write(
                _("%(year)d: no holiday arrangement entered; only weekends are days off.")
                % {"year": year}
            )
            return
        self.stdout.write(f"{year}: {covered.source}")
        for day in CalendarDay.objects.filter(year=covered):
            self.stdout.write(f"{day.date:%Y-%m-%d}  {day.get_kind_display()}  {day.name}")
