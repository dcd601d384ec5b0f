"""Roles and the rights they carry: one table, read by views, API and tests.

Roles are held on a grid (an Assignment, with the days it runs); the right applies to that
grid's subtree. A person may hold several roles on several grids ("一人多職", "一格多員").
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # Grid staff (R-STAFF-1).
    GRID_HEAD = "grid_head", _("Grid head")
    GRID_WORKER = "grid_worker", _("Grid worker")
    GRID_INSTRUCTOR = "grid_instructor", _("Grid instructor")
    GRID_INFORMANT = "grid_informant", _("Grid informant")
    VOLUNTEER = "volunteer", _("Grid volunteer")
    DEDICATED_HEAD = "dedicated_head", _("Dedicated-grid head")
    # Command centre, departments, oversight, administration.
    DISPATCHER = "dispatcher", _("Command-centre dispatcher")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    GRID_ADMIN = "grid_admin", _("Grid administrator")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")
    # The party network on the grid (plan 1).
    BRANCH_SECRETARY = "branch_secretary", _("Party branch secretary")
    BRANCH_COMMITTEE = "branch_committee", _("Party branch committee member")
    PARTY_GROUP_LEADER = "party_group_leader", _("Party group leader")
    PARTY_CENTRAL_HOUSEHOLD = "party_central_household", _("Party central household")
    PARTY_MEMBER = "party_member", _("Party member")


class Right(models.TextChoices):
    VIEW = "view", _("View")
    CHANGE_GRIDS = "grids.change", _("Create, edit and retire grids")
    VIEW_AUDIT = "audit.view", _("Read the audit trail")
    CHANGE_REGISTRY = "registry.change", _("Register and edit households, residents, places")
    # A separate right (R-REG-4): seeing an ID number or phone in full, with a reason, logged.
    REVEAL = "personal.reveal", _("See ID numbers and phones unmasked")
    # Assigning people to roles; a person may only give roles whose rights they hold there.
    CHANGE_TEAMS = "teams.change", _("Assign people to roles")
    REPORT_CASE = "cases.report", _("Report cases")
    DISPATCH = "cases.dispatch", _("Dispatch cases")
    CLOSE_CASE = "cases.close", _("Verify and close cases")
    ASSESS = "assess", _("Assess grids and staff")
    # Holding the meetings of a level (R-STAFF-6): calling them, marking attendance, recording
    # minutes, decisions and follow-up tasks. Grid heads (the secretaries of plan 4) and
    # party branch secretaries, who chair the party-building meetings (ADR 0024).
    HOLD_MEETINGS = "meetings.hold", _("Hold meetings and set follow-up tasks")
    # The village moral bank (plan 8, ADR 0027). Receiving declarations, reports and
    # objections (orally, by phone, in writing) is the village's grid staff's work; running
    # the scheme (joining, rules, review group, the committee's check, vetoes, goods, stock,
    # money) is the village committee's, whose secretary is the village's grid head. Votes
    # belong to the review group's members and redemption to the points' keepers: data of
    # the moral bank, not roles.
    MORAL_RECORD = "moralbank.record", _("Receive moral bank declarations and objections")
    MORAL_MANAGE = "moralbank.manage", _("Run the village moral bank (committee)")


V, G, A, R, P, T = (
    Right.VIEW,
    Right.CHANGE_GRIDS,
    Right.VIEW_AUDIT,
    Right.CHANGE_REGISTRY,
    Right.REVEAL,
    Right.CHANGE_TEAMS,
)
REPORT, DISPATCH, CLOSE, ASSESS, MEET = (
    Right.REPORT_CASE,
    Right.DISPATCH,
    Right.CLOSE_CASE,
    Right.ASSESS,
    Right.HOLD_MEETINGS,
)
MB_REC, MB_RUN = Right.MORAL_RECORD, Right.MORAL_MANAGE

RIGHTS: dict[str, frozenset[str]] = {
    Role.GRID_HEAD: frozenset({V, R, P, T, REPORT, DISPATCH, CLOSE, ASSESS, MEET, MB_REC, MB_RUN}),
    Role.GRID_WORKER: frozenset({V, R, REPORT, MB_REC}),
    Role.GRID_INSTRUCTOR: frozenset({V, REPORT}),
    Role.GRID_INFORMANT: frozenset({V, REPORT}),
    Role.VOLUNTEER: frozenset({REPORT}),
    Role.DEDICATED_HEAD: frozenset({V, R, REPORT}),
    Role.DISPATCHER: frozenset({V, REPORT, DISPATCH, CLOSE}),
    Role.DEPARTMENT_HANDLER: frozenset({V}),
    Role.GRID_ADMIN: frozenset({V, G, T}),
    Role.AUDITOR: frozenset({V, A}),
    # Everything in the subtree but seeing personal data in full, which stays a role's own.
    Role.ADMINISTRATOR: frozenset(
        {V, G, A, R, T, REPORT, DISPATCH, CLOSE, ASSESS, MEET, MB_REC, MB_RUN}
    ),
    Role.BRANCH_SECRETARY: frozenset({V, REPORT, MEET, MB_REC}),
    Role.BRANCH_COMMITTEE: frozenset({V, REPORT}),
    Role.PARTY_GROUP_LEADER: frozenset({V, REPORT}),
    Role.PARTY_CENTRAL_HOUSEHOLD: frozenset({REPORT}),
    Role.PARTY_MEMBER: frozenset({REPORT}),
}

# Roles a team page lists as the grid's staff, in this order; the party's come after.
STAFF_ROLES = (
    Role.GRID_HEAD,
    Role.DEDICATED_HEAD,
    Role.GRID_WORKER,
    Role.GRID_INSTRUCTOR,
    Role.GRID_INFORMANT,
    Role.VOLUNTEER,
)
PARTY_ROLES = (
    Role.BRANCH_SECRETARY,
    Role.BRANCH_COMMITTEE,
    Role.PARTY_GROUP_LEADER,
    Role.PARTY_CENTRAL_HOUSEHOLD,
    Role.PARTY_MEMBER,
)

# Plan 4: the grid head of each level is a named post (level = the grid's depth, county 0).
HEAD_TITLES = {
    1: _("Level-1 grid head (street party secretary)"),
    2: _("Level-2 grid head (community secretary)"),
    3: _("Level-3 grid head (full-time grid worker)"),
}


def title(role: str, depth: int) -> str:
    """What a role is called on a grid of this depth."""
    if role == Role.GRID_HEAD and depth in HEAD_TITLES:
        return str(HEAD_TITLES[depth])
    return str(Role(role).label)


# Rights that only someone holding them may hand on: the rest (view, registry, reporting,
# holding meetings) any team manager gives to the workers, informants and volunteers they
# appoint, and to the party secretaries.
GUARDED = frozenset({G, A, P, T, DISPATCH, CLOSE, ASSESS})


def may_grant(actor_rights: frozenset[str] | set[str], role: str) -> bool:
    """Whether someone holding `actor_rights` on a grid may give `role` there: no one raises
    another above themselves in a guarded right."""
    return RIGHTS.get(role, frozenset()) & GUARDED <= set(actor_rights)
