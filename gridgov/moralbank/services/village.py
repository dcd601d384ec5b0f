"""A village joins the scheme, records its representatives' meetings, drafts and adopts its
scoring rules and elects its review group."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypedDict

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import models as audit
from gridgov.core.errors import NotFound
from gridgov.core.lib.codes import subtree_range
from gridgov.core.scope import in_scope

from ..choices import CapPeriod, Category
from ..models import (
    Account,
    RepresentativesMeeting,
    ReviewGroup,
    RuleItem,
    RuleSet,
    Village,
)
from .common import MANAGE, clean_text, conflict, guard, invalid

VILLAGE_CODE_LENGTH = 12
GROUP_SIZES = range(5, 8)  # 評議小組 5–7 members (R-MORAL-4)


class ItemIn(TypedDict, total=False):
    code: str
    category: str
    title: str
    points: int
    evidence_required: bool
    cap: int | None
    cap_period: str


def card_number(n: int) -> str:
    return f"{n:05d}"


def join(
    *, actor: Any, grid: Any, starts_on: dt.date, notice_days: int = 5, top_n: int = 10,
    publish_names: bool = False,
) -> Village:  # fmt: skip
    """A village (a 12-digit grid) joins the moral bank from `starts_on`; every household
    registered under it gets its savings account and card number."""
    from gridgov.registry.models import Household

    if not in_scope(actor, grid.code):
        raise NotFound(_("No grid with code %(code)s.") % {"code": grid.code}, field="grid")
    guard(actor, grid.code, MANAGE)
    if len(grid.code) != VILLAGE_CODE_LENGTH:
        raise invalid("grid", _("Villages (communities) take part, not other levels."))
    if not 1 <= notice_days <= 30:
        raise invalid("notice_days", _("A notice lasts 1 to 30 days."))
    if not 5 <= top_n <= 10:
        raise invalid("top_n", _("The year end proposes 5 to 10 households."))
    if Village.objects.filter(grid=grid).exists():
        raise conflict("joined", _("This village takes part already."))
    low, high = subtree_range(grid.code)
    with transaction.atomic():
        village = Village.objects.create(
            grid=grid, grid_code=grid.code, name=grid.name, starts_on=starts_on,
            notice_days=notice_days, top_n=top_n, publish_names=publish_names,
        )  # fmt: skip
        homes = list(
            Household.objects.filter(grid_code__gte=low, grid_code__lt=high)
            .order_by("grid_code", "id")
            .values_list("pk", "grid_code")
        )
        Account.objects.bulk_create(
            Account(village=village, household_id=pk, grid_code=code, card=card_number(i))
            for i, (pk, code) in enumerate(homes, 1)
        )
        Village.objects.filter(pk=village.pk).update(next_card=len(homes) + 1)
        audit.record(
            actor=actor, action="moralbank.join", object_type="moralbank_village",
            object_key=str(village.public_id),
            after={"grid": grid.code, "starts_on": starts_on.isoformat(), "accounts": len(homes)},
        )  # fmt: skip
    village.refresh_from_db()
    return village


def account_for(household: Any) -> Account:
    """The household's account, opened (with the village's next card number) if the
    household was registered after the village joined."""
    found = Account.objects.filter(household=household).select_related("village").first()
    if found is not None:
        return found
    village = next(
        (v for v in Village.objects.all() if household.grid_code.startswith(v.grid_code)), None
    )
    if village is None:
        raise invalid("household", _("This household's village does not take part."))
    with transaction.atomic():
        # The village row is the lock: two households opened at once get two numbers.
        locked = Village.objects.select_for_update().get(pk=village.pk)
        Village.objects.filter(pk=locked.pk).update(next_card=F("next_card") + 1)
        account = Account.objects.create(
            village=locked, household=household, grid_code=household.grid_code,
            card=card_number(locked.next_card),
        )  # fmt: skip
    return account


def record_meeting(
    *, actor: Any, village: Village, held_on: dt.date, present: int, total: int, resolution: str
) -> RepresentativesMeeting:
    """A villagers' representatives' meeting (村民代表會議) with its resolution."""
    guard(actor, village.grid_code, MANAGE)
    resolution = clean_text(resolution, "resolution", limit=4000)
    if total < 1:
        raise invalid("total", _("Must be at least %(limit)s.") % {"limit": 1})
    if not 0 <= present <= total:
        raise invalid("present", _("No more representatives present than in all."))
    if held_on > timezone.localdate():
        raise invalid("held_on", _("A meeting is recorded once it is held."))
    with transaction.atomic():
        meeting = RepresentativesMeeting.objects.create(
            village=village, held_on=held_on, present=present, total=total,
            resolution=resolution, recorded_by=actor,
        )  # fmt: skip
        audit.record(
            actor=actor, action="moralbank.meeting", object_type="moralbank_village",
            object_key=str(village.public_id),
            after={"held_on": held_on.isoformat(), "present": present, "total": total},
        )  # fmt: skip
    return meeting


def _clean_item(raw: ItemIn, n: int) -> RuleItem:
    field = f"items.{n}"
    code = clean_text(str(raw.get("code", "")), f"{field}.code", limit=10)
    category = raw.get("category", "")
    if category not in Category.values:
        raise invalid(f"{field}.category", _("Unknown category."))
    title = clean_text(str(raw.get("title", "")), f"{field}.title", limit=200)
    points = int(raw.get("points") or 0)
    if category == Category.VETO and points != 0:
        raise invalid(f"{field}.points", _("A veto item gives no points."))
    if category != Category.VETO and not (points and -1000 <= points <= 1000):
        raise invalid(f"{field}.points", _("Between -1000 and 1000, not 0."))
    cap = raw.get("cap")
    period = raw.get("cap_period") or ""
    if cap is not None and (cap < 1 or period not in CapPeriod.values):
        raise invalid(f"{field}.cap", _("A cap is at least 1, per quarter or year."))
    if cap is None:
        period = ""
    return RuleItem(
        code=code, category=category, title=title, points=points,
        evidence_required=bool(raw.get("evidence_required")), cap=cap, cap_period=period,
    )  # fmt: skip


def draft_rules(*, actor: Any, village: Village, title: str, items: Sequence[ItemIn]) -> RuleSet:
    """A new version of the scoring rules, in draft until adopted."""
    guard(actor, village.grid_code, MANAGE)
    title = clean_text(title, "title", limit=200)
    if not items:
        raise invalid("items", _("Rules have at least one item."))
    rows = [_clean_item(raw, n) for n, raw in enumerate(items)]
    codes = [r.code for r in rows]
    if len(set(codes)) != len(codes):
        raise invalid("items", _("Two items have the same code."))
    with transaction.atomic():
        locked = Village.objects.select_for_update().get(pk=village.pk)
        last = locked.rule_sets.order_by("-version").values_list("version", flat=True).first()
        rule_set = RuleSet.objects.create(village=locked, version=(last or 0) + 1, title=title)
        for r in rows:
            r.rule_set = rule_set
        RuleItem.objects.bulk_create(rows)
        audit.record(
            actor=actor, action="moralbank.rules_draft", object_type="moralbank_rules",
            object_key=str(rule_set.public_id),
            after={"version": rule_set.version, "items": len(rows)},
        )  # fmt: skip
    return rule_set


def adopt_rules(
    *, actor: Any, rule_set: RuleSet, meeting: RepresentativesMeeting, published_on: dt.date,
    applies_from: dt.date,
) -> RuleSet:  # fmt: skip
    """Adopted by a representatives' meeting of the village, published on a day and in
    force from a later day (shown before it applies)."""
    village = rule_set.village
    guard(actor, village.grid_code, MANAGE)
    if meeting.village_id != village.pk:
        raise NotFound(_("No such meeting."), field="meeting")
    if published_on < meeting.held_on:
        raise invalid("published_on", _("Rules are published after the meeting adopts them."))
    if applies_from <= published_on:
        raise invalid("applies_from", _("Rules are published before they apply."))
    with transaction.atomic():
        done = RuleSet.objects.filter(pk=rule_set.pk, adopted_by__isnull=True).update(
            adopted_by=meeting, published_on=published_on, applies_from=applies_from,
            updated_at=timezone.now(),
        )  # fmt: skip
        if not done:
            raise conflict("adopted", _("These rules are adopted already."))
        audit.record(
            actor=actor, action="moralbank.rules_adopt", object_type="moralbank_rules",
            object_key=str(rule_set.public_id),
            after={"meeting": str(meeting.public_id), "published_on": published_on.isoformat(),
                   "applies_from": applies_from.isoformat()},
        )  # fmt: skip
    rule_set.refresh_from_db()
    return rule_set


def rules_in_force(village: Village, day: dt.date) -> RuleSet | None:
    return (
        village.rule_sets.filter(adopted_by__isnull=False, applies_from__lte=day)
        .order_by("-applies_from", "-version")
        .first()
    )


def elect_group(
    *, actor: Any, village: Village, meeting: RepresentativesMeeting, starts_on: dt.date,
    members: Sequence[Any],
) -> ReviewGroup:  # fmt: skip
    """The review group (評議小組) elected by a representatives' meeting: 5 to 7 people,
    each with an account on the platform to vote."""
    guard(actor, village.grid_code, MANAGE)
    if meeting.village_id != village.pk:
        raise NotFound(_("No such meeting."), field="meeting")
    people = list(dict.fromkeys(members))
    if len(people) not in GROUP_SIZES:
        raise invalid(
            "members",
            _("A review group has 5 to 7 members, not %(n)d.") % {"n": len(people)},
            "group_size",
        )
    if starts_on < meeting.held_on:
        raise invalid("starts_on", _("The group takes office after the meeting elects it."))
    with transaction.atomic():
        group = ReviewGroup.objects.create(village=village, elected_by=meeting, starts_on=starts_on)
        group.members.set(people)
        audit.record(
            actor=actor, action="moralbank.group", object_type="moralbank_village",
            object_key=str(village.public_id),
            after={"starts_on": starts_on.isoformat(), "members": sorted(p.pk for p in people)},
        )  # fmt: skip
    return group


def group_in_office(village: Village, day: dt.date) -> ReviewGroup | None:
    return village.review_groups.filter(starts_on__lte=day).order_by("-starts_on", "-id").first()


def is_member(user: Any, village: Village, day: dt.date) -> bool:
    group = group_in_office(village, day)
    return (
        group is not None
        and getattr(user, "pk", None) is not None
        and group.members.filter(pk=user.pk).exists()
    )
