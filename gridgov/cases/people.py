"""Who answers for a case now: the people its clock and its changes are told to."""

from __future__ import annotations

from gridgov.accounts.models import Assignment, User
from gridgov.accounts.roles import RIGHTS, Right, Role

from .models import Case


def _roles(right: str) -> list[str]:
    return [role for role, rights in RIGHTS.items() if right in rights]


def responsible(case: Case) -> list[User]:
    """Who is told about a case's clock: those who hold it (the nearest level at or above its
    holder with someone who may dispatch) and those who are to handle it (its unit's
    handlers, or the grid staff it went to)."""
    lengths = case.grid.network.code_lengths
    above = [case.holder_code[:n] for n in lengths if n <= len(case.holder_code)]
    holders = list(
        Assignment.objects.active()
        .filter(grid_code__in=above, role__in=_roles(Right.DISPATCH))
        .values_list("grid_code", "user_id")
    )
    nearest = max((len(code) for code, _user in holders), default=0)
    ids = {user for code, user in holders if len(code) == nearest}
    if case.unit_id:
        units = [case.unit_id, *case.co_units.values_list("pk", flat=True)]
        ids |= set(
            Assignment.objects.active()
            .filter(role=Role.DEPARTMENT_HANDLER, unit_id__in=units)
            .values_list("user_id", flat=True)
        )
    elif case.assignee_code:
        ids |= set(
            Assignment.objects.active()
            .filter(grid_code=case.assignee_code, role__in=_roles(Right.REPORT_CASE))
            .values_list("user_id", flat=True)
        )
    return list(User.objects.filter(pk__in=ids, is_active=True))
