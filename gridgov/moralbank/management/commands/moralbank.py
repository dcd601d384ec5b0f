"""gridgov moralbank post-notices [--at ISO]: post the items whose public notice has ended
(what the task queue does every ten minutes), by hand; gridgov moralbank check: compare every
account's cached sums with its entries (ADR 0027)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gridgov.moralbank.models import Account
from gridgov.moralbank.services import declarations, ledger


class Command(BaseCommand):
    help = "Village moral bank: post ended notices, check the ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--language", default=settings.LANGUAGE_CODE)
        sub = parser.add_subparsers(dest="action", required=True)
        post = sub.add_parser("post-notices", help="post the items whose notice has ended")
        post.add_argument("--at", default="", help="as of this time (ISO); default now")
        sub.add_parser("check", help="compare the accounts' sums with their entries")

    def handle(self, *args: Any, **opts: Any) -> None:
        with translation.override(opts["language"]):
            if opts["action"] == "post-notices":
                self.post(opts["at"])
            else:
                self.check_ledger()

    def post(self, at: str) -> None:
        now = timezone.now()
        if at:
            try:
                now = dt.datetime.fromisoformat(at)
            except ValueError:
                raise CommandError(_("--at: not a date and time (ISO 8601).")) from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        n = declarations.post_due(now=now)
        self.stdout.write(_("%(n)d items posted to the ledger.") % {"n": n})

    def check_ledger(self) -> None:
        wrong = 0
        for account in Account.objects.filter(years__isnull=False).distinct().iterator():
            years = ledger.check(account)
            if years:
                wrong += 1
                self.stdout.write(f"{account.village_id} {account.card}: {years}")
        if wrong:
            raise CommandError(_("%(n)d accounts differ from their entries.") % {"n": wrong})
        self.stdout.write(_("Every account equals the sum of its entries."))
