"""From deed to points (R-MORAL-3, R-MORAL-4): a declaration is received, the review group
votes, the committee checks, the item is on public notice, objections stop it until ruled,
and when the notice ends it is posted to the ledger (`post_due`, run by the task queue and
`gridgov moralbank post-notices`). Vetoes put a household on the year's negative list."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import models as audit
from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.scope import in_scope

from ..choices import Board, CapPeriod, Channel, EntryKind, Source, Status
from ..models import Account, Declaration, Objection, RuleItem, Veto, Vote
from . import ledger
from .common import MANAGE, RECORD, clean_text, conflict, guard, invalid
from .village import account_for, group_in_office, is_member, rules_in_force

REACH = dt.timedelta(days=366)
# How staff receive a declaration or an objection; "online" is the public page's own.
STAFF_CHANNELS = (Channel.ORAL, Channel.PHONE, Channel.WRITTEN)
# What counts against an item's cap: approved items on their way to the ledger, and posted.
COUNTED = (Status.REVIEWED, Status.ON_NOTICE, Status.OBJECTED, Status.POSTED)


def _period(day: dt.date, period: str) -> tuple[dt.date, dt.date]:
    if period == CapPeriod.QUARTER:
        first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        nxt = dt.date(day.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
        return first, nxt
    return dt.date(day.year, 1, 1), dt.date(day.year + 1, 1, 1)


def _check_points(item: RuleItem, points: int, field: str = "points") -> None:
    """Points within the rule: the item's sign, at most its points (a part may be given)."""
    low, high = sorted((item.points // abs(item.points), item.points))
    if not low <= points <= high:
        raise invalid(
            field,
            _("Points outside the rule: item %(code)s gives %(low)d to %(high)d.")
            % {"code": item.code, "low": low, "high": high},
            "outside_rule",
        )


def _check_cap(account: Account, item: RuleItem, points: int, day: dt.date,
               exclude: int | None = None) -> None:  # fmt: skip
    if item.cap is None:
        return
    first, nxt = _period(day, item.cap_period)
    given = (
        Declaration.objects.filter(
            account=account,
            item__code=item.code,
            item__rule_set__village=account.village_id,
            happened_on__gte=first,
            happened_on__lt=nxt,
            status__in=COUNTED,
        )
        .exclude(pk=exclude or 0)
        .aggregate(s=Sum("points"))["s"]
        or 0
    )
    if abs(given) + abs(points) > item.cap:
        raise invalid(
            "points",
            _("Over the cap of item %(code)s: %(cap)d %(period)s, %(given)d given already.")
            % {
                "code": item.code,
                "cap": item.cap,
                "period": item.get_cap_period_display(),
                "given": abs(given),
            },
            "over_cap",
        )


def _store(files: Sequence[Any]) -> list[dict[str, str]]:
    stored = []
    for f in files:
        suffix = PurePath(f.name or "").suffix.lower()[:8]
        path = default_storage.save(f"moralbank/evidence/{uuid.uuid4().hex}{suffix}", f)
        stored.append({"file": path, "name": (f.name or "")[:100]})
    return stored


def declare(
    *, actor: Any, household: Any, item: RuleItem, source: str, channel: str,
    happened_on: dt.date, place: str, what: str, points: int | None = None,
    reporter: str = "", evidence: Sequence[str] = (), files: Sequence[Any] = (),
) -> Declaration:  # fmt: skip
    """Receive a declaration, a hamlet head's recommendation or anyone's report about a
    household of the person's scope (right moralbank.record); it goes to the review group."""
    if not in_scope(actor, household.grid_code):
        raise NotFound(_("No such household."), field="household")
    guard(actor, household.grid_code, RECORD)
    account = account_for(household)
    village = account.village
    if source not in Source.values:
        raise invalid("source", _("Unknown source."))
    if channel not in STAFF_CHANNELS:
        raise invalid("channel", _("Unknown channel."))
    today = timezone.localdate()
    if happened_on > today or today - happened_on > REACH:
        raise invalid("happened_on", _("The deed happened within the last year."))
    if not village.takes_part(happened_on):
        raise invalid("happened_on", _("The village did not take part yet on that day."))
    rules = rules_in_force(village, happened_on)
    if rules is None or item.rule_set_id != rules.pk:
        raise invalid("item", _("Not an item of the rules in force on the day of the deed."))
    if item.is_veto:
        raise invalid("item", _("A veto item is decided by the committee, not declared."))
    points = item.points if points is None else points
    _check_points(item, points)
    place = clean_text(place, "place", limit=200)
    what = clean_text(what, "what", limit=2000)
    reporter = clean_text(reporter, "reporter", required=source == Source.HAMLET_HEAD, limit=50)
    if source == Source.SELF:
        reporter = ""
    notes = [{"note": clean_text(e, "evidence", limit=200)} for e in evidence if e.strip()]
    if item.evidence_required and not (notes or files):
        raise invalid("evidence", _("This item requires evidence (photos or documents)."))
    if points > 0 and Veto.objects.filter(account=account, year=happened_on.year).exists():
        raise invalid("household", _("This household is out of this year's evaluation (veto)."))
    _check_cap(account, item, points, happened_on)
    with transaction.atomic():
        stored = _store(files)
        declaration = Declaration.objects.create(
            village=village, account=account, grid_code=account.grid_code, item=item,
            points=points, source=source, channel=channel, reporter=reporter,
            happened_on=happened_on, place=place, what=what, evidence=notes + stored,
            received_by=actor,
        )  # fmt: skip
        audit.record(
            actor=actor, action="moralbank.declare", object_type="moralbank_declaration",
            object_key=str(declaration.public_id),
            after={"account": account.card, "item": item.code, "points": points,
                   "source": source, "channel": channel},
        )  # fmt: skip
    return declaration


def _refuse_outsider(actor: Any, declaration: Declaration, message: Any) -> None:
    if (
        not in_scope(actor, declaration.grid_code)
        and not in_scope(actor, declaration.village.grid_code)
        and not is_member(actor, declaration.village, timezone.localdate())
    ):
        raise NotFound(_("Not found."))
    raise Forbidden(message)


def vote(*, actor: Any, declaration: Declaration, approve: bool, comment: str = "") -> Vote:
    """A member of the review group in office votes, once. The item is approved when a
    majority of the group approves, rejected when a majority can no longer approve."""
    today = timezone.localdate()
    village = declaration.village
    group = group_in_office(village, today)
    if group is None or not group.members.filter(pk=getattr(actor, "pk", 0) or 0).exists():
        _refuse_outsider(actor, declaration, _("Only members of the review group vote."))
    assert group is not None
    comment = clean_text(comment, "comment", required=False, limit=300)
    size = group.members.count()
    majority = size // 2 + 1
    with transaction.atomic():
        locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
        if locked.status != Status.IN_REVIEW:
            raise conflict("not_in_review", _("This declaration is not in review."))
        if locked.votes.filter(member=actor).exists():
            raise conflict("voted", _("You have voted on this declaration."))
        cast = Vote.objects.create(declaration=locked, member=actor, approve=approve,
                                   comment=comment, at=timezone.now())  # fmt: skip
        members = group.members.values("pk")
        yes = locked.votes.filter(approve=True, member__in=members).count()
        no = locked.votes.filter(approve=False, member__in=members).count()
        outcome = None
        if yes >= majority:
            outcome = Status.REVIEWED
        elif no > size - majority:
            outcome = Status.REJECTED
        if outcome is not None:
            locked.status = outcome
            locked.reject_reason = _("Rejected by the review group.") if no > yes else ""
            locked.save(update_fields=["status", "reject_reason", "updated_at"])
        audit.record(
            actor=actor, action="moralbank.vote", object_type="moralbank_declaration",
            object_key=str(declaration.public_id),
            after={"approve": approve, "yes": yes, "no": no, "outcome": outcome or ""},
        )  # fmt: skip
    declaration.status, declaration.reject_reason = locked.status, locked.reject_reason
    return cast


def committee_check(
    *, actor: Any, declaration: Declaration, approve: bool, points: int | None = None,
    note: str = "",
) -> Declaration:  # fmt: skip
    """The village committee checks an item the group approved: approved, it goes on public
    notice for the village's days (points may be adjusted within the rule); or rejected."""
    village = declaration.village
    guard(actor, village.grid_code, MANAGE)
    note = clean_text(note, "note", required=not approve, limit=500)
    new_points = declaration.points if points is None else points
    if approve:
        _check_points(declaration.item, new_points)
    now = timezone.now()
    with transaction.atomic():
        # The household's account row first: two checks of its items at once take turns, so
        # that together they cannot pass an item's cap.
        Account.objects.select_for_update().filter(pk=declaration.account_id).first()
        locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
        if approve:
            _check_cap(declaration.account, declaration.item, new_points,
                       declaration.happened_on, exclude=declaration.pk)  # fmt: skip
        if locked.status != Status.REVIEWED:
            raise conflict("not_reviewed", _("Only items the review group approved are checked."))
        before = {"status": locked.status, "points": locked.points}
        locked.checked_by, locked.check_note = actor, note
        if approve:
            locked.status, locked.points = Status.ON_NOTICE, new_points
            locked.notice_from = now
            locked.notice_until = now + dt.timedelta(days=village.notice_days)
        else:
            locked.status, locked.reject_reason = Status.REJECTED, note
        locked.save()
        audit.record(
            actor=actor, action="moralbank.check", object_type="moralbank_declaration",
            object_key=str(declaration.public_id), before=before,
            after={"status": locked.status, "points": locked.points}, note=note,
        )  # fmt: skip
    return locked


def object_to(
    *, actor: Any, declaration: Declaration, text: str, channel: str, raised_by: str = ""
) -> Objection:
    """An objection during the notice, received by the village's staff: the item stops."""
    guard(actor, declaration.grid_code, RECORD)
    if channel not in STAFF_CHANNELS:
        raise invalid("channel", _("Unknown channel."))
    return _object(actor=actor, declaration=declaration, text=text, channel=channel,
                   raised_by=raised_by)  # fmt: skip


def object_publicly(
    *, address: str | None, declaration: Declaration, text: str, raised_by: str = ""
) -> Objection:
    """Anyone's objection from the public page (no login), counted against the sender's
    hourly limit like a resident's report (intake's quota, its own key)."""
    from django.conf import settings

    from gridgov.intake.services import address_key, take

    with transaction.atomic():
        key = "moralbank:" + address_key(address)
        if not take(key, timezone.now(), settings.PUBLIC_REPORTS_PER_HOUR):
            raise ServiceError(
                "too_many",
                _("Too many objections from this connection; please try again in an hour."),
                status=429,
            )
        return _object(actor=None, declaration=declaration, text=text, channel=Channel.ONLINE,
                       raised_by=raised_by)  # fmt: skip


def _object(
    *, actor: Any, declaration: Declaration, text: str, channel: str, raised_by: str
) -> Objection:
    text = clean_text(text, "text", limit=2000)
    raised_by = clean_text(raised_by, "raised_by", required=False, limit=50)
    now = timezone.now()
    with transaction.atomic():
        locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
        if locked.status not in (Status.ON_NOTICE, Status.OBJECTED) or locked.notice_over(now):
            raise conflict("not_on_notice", _("Objections are raised while the item is on notice."))
        objection = Objection.objects.create(
            declaration=locked, grid_code=locked.grid_code, text=text, raised_by=raised_by,
            channel=channel, received_by=actor,
        )  # fmt: skip
        Declaration.objects.filter(pk=locked.pk).update(status=Status.OBJECTED, updated_at=now)
        audit.record(
            actor=actor, action="moralbank.object", object_type="moralbank_declaration",
            object_key=str(declaration.public_id),
            after={"objection": str(objection.public_id), "channel": channel},
        )  # fmt: skip
    return objection


def rule(*, actor: Any, objection: Objection, upheld: bool, ruling: str) -> Objection:
    """The review group's ruling on an objection, recorded by one of its members or the
    committee. Upheld: the item is rejected. Dismissed: back on notice once no objection is
    open, posted at once if its notice has ended."""
    declaration = objection.declaration
    village = declaration.village
    today = timezone.localdate()
    if not is_member(actor, village, today) and not in_scope(actor, village.grid_code, MANAGE):
        _refuse_outsider(actor, declaration, _("The review group rules on objections."))
    ruling = clean_text(ruling, "ruling", limit=500)
    now = timezone.now()
    with transaction.atomic():
        locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
        done = Objection.objects.filter(pk=objection.pk, upheld__isnull=True).update(
            upheld=upheld, ruling=ruling, ruled_at=now, ruled_by=actor, updated_at=now
        )
        if not done:
            raise conflict("ruled", _("This objection is ruled already."))
        if upheld:
            locked.status, locked.reject_reason = Status.REJECTED, ruling
            locked.save(update_fields=["status", "reject_reason", "updated_at"])
        elif not locked.objections.filter(upheld__isnull=True).exists():
            locked.status = Status.ON_NOTICE
            locked.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor, action="moralbank.rule", object_type="moralbank_declaration",
            object_key=str(declaration.public_id),
            after={"objection": str(objection.public_id), "upheld": upheld}, note=ruling,
        )  # fmt: skip
    if locked.status == Status.ON_NOTICE and locked.notice_over(now):
        post_due(now=now, only=[locked.pk])
    objection.refresh_from_db()
    return objection


def post_due(*, now: dt.datetime | None = None, only: Sequence[int] | None = None) -> int:
    """Post every item whose notice has ended with no open objection; returns how many.

    Idempotent however many run at once (several consumers, the CLI beside the scheduler):
    each item is claimed with a conditional UPDATE of its status, and its entry's key is the
    declaration's, so a deed is never posted twice."""
    now = now or timezone.now()
    due = Declaration.objects.filter(status=Status.ON_NOTICE, notice_until__lte=now)
    if only is not None:
        due = due.filter(pk__in=only)
    posted = 0
    for pk in list(due.order_by("notice_until", "pk").values_list("pk", flat=True)):
        with transaction.atomic():
            claimed = Declaration.objects.filter(pk=pk, status=Status.ON_NOTICE).update(
                status=Status.POSTED, posted_at=now, updated_at=now
            )
            if not claimed:
                continue
            d = Declaration.objects.select_related("account").get(pk=pk)
            kind = EntryKind.AWARD if d.points > 0 else EntryKind.DEDUCTION
            entry = ledger.book(
                account=d.account, kind=kind, savings=d.points, redeemable=d.points,
                year=timezone.localtime(now).year, key=f"declaration:{d.pk}", at=now,
                declaration=d, note=d.item.title,
            )  # fmt: skip
            if entry is not None:
                posted += 1
                audit.record(
                    actor=None, action="moralbank.post", object_type="moralbank_declaration",
                    object_key=str(d.public_id),
                    after={"entry": str(entry.public_id), "points": d.points},
                )  # fmt: skip
    return posted


def veto(
    *, actor: Any, account: Account, item: RuleItem, year: int, reason: str,
    decided_on: dt.date | None = None, board: str = Board.NEGATIVE,
) -> Veto:  # fmt: skip
    """Put a household out of `year`'s evaluation and on the negative list, for a veto item
    of the village's rules; who decided, when and why are kept."""
    village = account.village
    guard(actor, village.grid_code, MANAGE)
    decided_on = decided_on or timezone.localdate()
    reason = clean_text(reason, "reason", limit=500)
    rules = rules_in_force(village, decided_on)
    if not item.is_veto or rules is None or item.rule_set_id != rules.pk:
        raise invalid("item", _("Not a veto item of the rules in force."))
    if year not in (decided_on.year, decided_on.year - 1):
        raise invalid("year", _("A veto is for this year or last year."))
    if board not in Board.values:
        raise invalid("board", _("The negative list or the black list."))
    if Veto.objects.filter(account=account, year=year).exists():
        raise conflict("vetoed", _("This household is on this year's negative list."))
    with transaction.atomic():
        made = Veto.objects.create(
            account=account, grid_code=account.grid_code, year=year, item=item,
            reason=reason, board=board, decided_on=decided_on, decided_by=actor,
        )  # fmt: skip
        audit.record(
            actor=actor, action="moralbank.veto", object_type="moralbank_account",
            object_key=str(account.public_id), after={"year": year, "item": item.code},
            note=reason,
        )  # fmt: skip
    return made


def open_items(village: Any) -> Any:
    return Declaration.objects.filter(village=village).filter(
        Q(status=Status.ON_NOTICE) | Q(status=Status.OBJECTED)
    )
