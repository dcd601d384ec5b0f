"""The one change assessment makes: a head's manual score (評分), with its reason, audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Right
from gridgov.core import models as audit
from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.scope import in_scope

from .choices import Metric, Subject
from .models import Indicator, ManualScore
from .queries import Period


def subject_grid(subject: str, key: str) -> str:
    """The grid code that decides who may score a subject: the grid itself, the unit's
    grid, or the shortest grid a worker holds as such ("" when there is no such subject)."""
    from gridgov.accounts.models import Assignment
    from gridgov.accounts.roles import Role
    from gridgov.grids.models import Grid
    from gridgov.registry.models import Organisation

    if subject in (Subject.GRID, Subject.DEDICATED):
        grids = Grid.objects.filter(network__slug="comprehensive", code=key)
        if subject == Subject.DEDICATED:
            grids = grids.filter(kind="dedicated")
        return key if grids.exists() else ""
    if not (key.isascii() and key.isdigit()) or len(key) > 18:
        return ""
    if subject == Subject.UNIT:
        return str(
            Organisation.objects.filter(pk=int(key)).values_list("grid_code", flat=True).first()
            or ""
        )
    codes = list(
        Assignment.objects.active().filter(user_id=int(key), role=Role.GRID_WORKER)
        .values_list("grid_code", flat=True)
    )  # fmt: skip
    return min(codes, key=len) if codes else ""


def may_score(actor: Any, subject: str, key: str) -> bool:
    """Heads with "assess" where the subject is; for a dedicated grid also its instructor
    (plan 7: 網格指導員 ... 定期評估)."""
    from . import dedicated

    code = subject_grid(subject, key)
    if not code:
        return False
    return in_scope(actor, code, Right.ASSESS) or (
        subject == Subject.DEDICATED and dedicated.instructs(actor, code)
    )


def enter_score(
    *, actor: Any, indicator: Indicator, subject_key: str, period: Period, score: Decimal,
    reason: str,
) -> ManualScore:  # fmt: skip
    """Enter (or change) a head's score of a subject for a period: the actor needs the
    right "assess" where the subject is (404 out of scope, 403 without it); the indicator
    must be a manual one (422); the reason is kept with the score and in the audit trail."""
    code = subject_grid(indicator.set.subject, subject_key)
    if not code or not in_scope(actor, code):
        raise NotFound(_("Nobody to assess with that key."), field="subject")
    if not may_score(actor, indicator.set.subject, subject_key):
        raise Forbidden(_("You may not assess here."))
    if indicator.metric != Metric.MANUAL:
        raise ServiceError(
            "not_manual", _("This indicator is computed, not scored."), field="indicator",
            status=422,
        )  # fmt: skip
    if not reason.strip():
        raise ServiceError("invalid", _("Give a reason."), field="reason", status=422)
    with transaction.atomic():
        found = (
            ManualScore.objects.select_for_update()
            .filter(
                indicator=indicator, subject_key=subject_key, kind=period.kind, start=period.start
            )
            .first()
        )
        before = {"score": str(found.score), "reason": found.reason} if found else None
        if found is None:
            found = ManualScore.objects.create(
                indicator=indicator, subject_key=subject_key, grid_code=code, kind=period.kind,
                start=period.start, score=score, reason=reason.strip(), entered_by=actor,
            )  # fmt: skip
        else:
            found.score, found.reason, found.entered_by = score, reason.strip(), actor
            found.save(update_fields=["score", "reason", "entered_by", "updated_at"])
        audit.record(
            actor=actor, action="assessment.score", object_type="manual_score",
            object_key=f"{indicator.pk}:{subject_key}:{period.kind}:{period.start}",
            before=before, after={"score": str(score), "reason": reason.strip()},
        )  # fmt: skip
    return found
