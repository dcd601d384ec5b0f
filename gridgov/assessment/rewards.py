"""Rewards for valuable leads (一事一獎, plan 7: "對有重大價值的線索實行一事一獎"): a head
rewards the person who brought a case, once per case; the rewards of a node and period are
listed and summed per person (evidence for the year-end commendations)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core import models as audit
from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.lib.codes import subtree_range
from gridgov.core.scope import in_scope

from .models import LeadReward

MAX_AMOUNT = Decimal("100000")


def _invalid(message: Any, field: str, status: int = 422) -> ServiceError:
    return ServiceError("invalid", message, field=field, status=status)


def reward_lead(
    *, actor: Any, number: str, amount: Any, reason: str, person: int | None = None,
    today: dt.date | None = None,
) -> LeadReward:  # fmt: skip
    """Reward the lead of case `number`: to its staff reporter, or to `person` (someone
    holding a role where the case is, e.g. the informant who told the worker). 404 for a
    case out of scope, 403 without "assess" there, 409 when the case has its reward."""
    from gridgov.accounts.models import Assignment, User
    from gridgov.cases.models import Case

    case = Case.objects.filter(number=(number or "").strip()).first() if number else None
    if case is None or not in_scope(actor, case.grid_code):
        raise NotFound(_("No case with this number."), field="case")
    if not in_scope(actor, case.grid_code, Right.ASSESS):
        raise Forbidden(_("You may not reward leads here."))
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise _invalid(_("Give the amount in yuan."), "amount") from None
    if not Decimal(0) < value <= MAX_AMOUNT:
        raise _invalid(_("The amount runs from 0.01 to 100000 yuan."), "amount")
    reason = (reason or "").strip()
    if not reason:
        raise _invalid(_("Say why the lead was valuable."), "reason")
    who = person if person is not None else case.reporter_id
    if who is None:
        raise _invalid(_("A resident's report has no one to reward here: name the person."),
                       "person")  # fmt: skip
    holds = Assignment.objects.active(today).filter(user_id=who).values_list("grid_code", flat=True)
    if not any(case.grid_code.startswith(c) or c.startswith(case.grid_code) for c in holds):
        raise _invalid(_("The person holds no role where the case is."), "person")
    try:
        with transaction.atomic():
            r = LeadReward.objects.create(
                case=case, grid_code=case.grid_code, person=User.objects.get(pk=who),
                amount=value, reason=reason[:500], awarded_on=today or timezone.localdate(),
                awarded_by=actor,
            )  # fmt: skip
            audit.record(
                actor=actor, action="assessment.reward", object_type="case",
                object_key=str(case.public_id),
                after={"person": who, "amount": str(value)}, note=reason,
            )  # fmt: skip
    except IntegrityError:
        raise ServiceError(
            "rewarded",
            _("This lead has its reward already (one reward a case)."),
            field="case",
            status=409,
        ) from None
    return r


@dataclass
class PersonTotal:
    person_id: int
    name: str
    count: int
    amount: Decimal


def under(grid: Any, start: dt.date, end: dt.date) -> list[LeadReward]:
    low, high = subtree_range(grid.code)
    return list(
        LeadReward.objects.filter(
            grid_code__gte=low, grid_code__lt=high, awarded_on__gte=start, awarded_on__lte=end
        ).select_related("case__category", "person", "awarded_by")
    )  # fmt: skip


def totals(rewards: list[LeadReward]) -> list[PersonTotal]:
    """Per person: how many leads rewarded and the amount, most first."""
    from gridgov.accounts.models import person_name

    out: dict[int, PersonTotal] = {}
    for r in rewards:
        name = person_name(r.person.username, r.person.first_name, r.person.last_name)
        t = out.setdefault(r.person_id, PersonTotal(r.person_id, name, 0, Decimal(0)))
        t.count += 1
        t.amount += r.amount
    return sorted(out.values(), key=lambda t: (-t.amount, -t.count, t.name))
