"""gridgov demo: migrate, load the demo district once, create demo users, serve."""

from __future__ import annotations

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from gridgov.demo.cases import ensure_demo_cases
from gridgov.demo.inspections import ensure_demo_inspections
from gridgov.demo.meetings import ensure_demo_meetings
from gridgov.demo.moralbank import ensure_demo_moralbank, moralbank_logins
from gridgov.demo.roads import ensure_demo_roads
from gridgov.demo.safety import ensure_demo_safety, safety_login
from gridgov.demo.surveys import ensure_demo_surveys
from gridgov.demo.teams import ensure_demo_team
from gridgov.demo.users import ensure_demo_users
from gridgov.demo.visits import ensure_demo_visits
from gridgov.grids.models import Grid
from gridgov.party.demo import build_party_network


class Command(BaseCommand):
    help = (
        "Set up the demo district (once) and serve it on http://127.0.0.1:8000 (`gridgov serve`,"
        " two workers and a task consumer; PORT=… for another port)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, default=20_000)
        parser.add_argument("--no-serve", action="store_true", help="set up, do not serve")

    def handle(self, *args: object, **opts: object) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        if not Grid.objects.exists():
            self.stdout.write("Generating the demo district (once)…")
            call_command("seed", households=opts["households"])
        else:
            self.stdout.write("Using the demo district already in the database.")
        made = ensure_demo_team()
        if made:
            self.stdout.write(f"Gave the grids their people: {made} assignments.")
        cases = ensure_demo_cases()
        if cases:
            self.stdout.write(f"Gave the district the cases of the last months: {cases} cases.")
        visits = ensure_demo_visits()
        if visits:
            self.stdout.write(f"Gave the households attention tags and a year of visits: {visits}.")
        inspections = ensure_demo_inspections()
        if inspections:
            self.stdout.write(
                f"Gave the grids inspection schedules and months of inspections: {inspections}."
            )
        meetings = ensure_demo_meetings()
        if meetings:
            self.stdout.write(f"Gave the levels the meetings of the last months: {meetings}.")
        deeds = ensure_demo_moralbank()
        if deeds:
            self.stdout.write(
                f"Gave a few villages their moral bank and its declarations: {deeds}."
            )
        roads = ensure_demo_roads()
        if roads:
            self.stdout.write(f"Drew the roads and lanes grids are divided along: {roads}.")
        answers = ensure_demo_surveys()
        if answers:
            self.stdout.write(f"Gave the grids residents' survey answers: {answers}.")
        violations, _lead = ensure_demo_safety()
        if violations:
            self.stdout.write(
                f"Gave an enterprise its safety grids and months of violations: {violations}."
            )
        # A district seeded before the party network existed gets one now (once).
        build_party_network()
        users = ensure_demo_users()
        login = safety_login()
        if login:
            users.append(login)
        users.extend(moralbank_logins())
        port = os.environ.get("PORT", "8000")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"gridgov demo: http://127.0.0.1:{port}/"))
        self.stdout.write("Log in as (username / password):")
        for username, password, what in users:
            self.stdout.write(f"  {username:<10} {password:<14} {what}")
        self.stdout.write("")
        if not opts["no_serve"]:
            # The production server, with a task consumer beside it for spreadsheet imports;
            # production runs `gridgov run_tasks` as its own service (docs/deploy.md).
            call_command("serve", bind=f"127.0.0.1:{port}", workers=2, with_tasks=True)
