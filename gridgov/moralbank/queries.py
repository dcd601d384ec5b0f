"""What the moral bank's pages and API read: the year-end ranking, the honour roll, the
negative list, the notice board and a village's figures. Everything a public page shows
goes through `public_name`: what the village chose to publish of a household."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import Count, Q, Sum

from gridgov.registry.choices import Relation
from gridgov.registry.models import Resident

from .choices import Category, EntryKind, Status
from .models import Account, AccountYear, Declaration, Entry, Veto, Village

HONOURED = (Category.GOOD_DEEDS, Category.MODELS, Category.HONOUR)


@dataclass(frozen=True)
class Ranked:
    rank: int
    account: Account
    points: int
    members: int
    average: Fraction
    proposed: bool
    name: str


def heads(accounts: list[Account]) -> dict[int, str]:
    """Household id → the head's name (one query)."""
    rows = Resident.objects.filter(
        household_id__in=[a.household_id for a in accounts], relation=Relation.HEAD
    ).values_list("household_id", "name")
    return dict(rows)


def public_name(village: Village, account: Account, head: str) -> str:
    """A household as the village publishes it: the head's surname and the card number
    (张** · 00012), or the full name where the village decided to publish names."""
    if village.publish_names and head:
        return f"{head} · {account.card}"
    if head:
        return f"{head[0]}{'*' * (len(head) - 1)} · {account.card}"
    return account.card


def vetoed(village: Village, year: int) -> set[int]:
    return set(Veto.objects.filter(account__village=village, year=year).values_list(
        "account_id", flat=True))  # fmt: skip


def ranking(village: Village, year: int) -> list[Ranked]:
    """The year-end ranking (R-MORAL-7): household average = the year's points (awards −
    deductions posted in the year) / household members; households under veto and those
    with no member registered are left out; equal averages share a rank; the first
    `village.top_n` ranks are proposed for awards."""
    out = vetoed(village, year)
    rows = list(
        AccountYear.objects.filter(account__village=village, year=year, earned__gt=0)
        .exclude(account_id__in=out)
        .filter(account__household__member_count__gt=0)
        .select_related("account", "account__household")
    )
    names = heads([r.account for r in rows])
    scored = sorted(
        ((Fraction(r.earned, r.account.household.member_count), r) for r in rows),
        key=lambda p: (-p[0], -p[1].earned, p[1].account.card),
    )
    result: list[Ranked] = []
    for i, (avg, r) in enumerate(scored, 1):
        rank = result[-1].rank if result and result[-1].average == avg else i
        result.append(
            Ranked(
                rank=rank,
                account=r.account,
                points=r.earned,
                members=r.account.household.member_count,
                average=avg,
                proposed=rank <= village.top_n,
                name=public_name(village, r.account, names.get(r.account.household_id, "")),
            )
        )
    return result


def honour_roll(village: Village, year: int) -> list[dict[str, Any]]:
    """Good deeds, role models and honours posted in the year (光榮榜), newest first;
    households under veto are not on it."""
    rows = list(
        Declaration.objects.filter(
            village=village,
            status=Status.POSTED,
            points__gt=0,
            item__category__in=HONOURED,
            posted_at__year=year,
        )
        .exclude(account_id__in=vetoed(village, year))
        .select_related("item", "account")
        .order_by("-posted_at", "-id")
    )
    names = heads([d.account for d in rows])
    return [
        {
            "name": public_name(village, d.account, names.get(d.account.household_id, "")),
            "item": d.item.title,
            "category": d.item.get_category_display(),
            "points": d.points,
            "on": d.happened_on,
        }
        for d in rows
    ]


def negative_list(village: Village, year: int, board: str = "") -> list[Veto]:
    rows = Veto.objects.filter(account__village=village, year=year).select_related(
        "item", "account", "decided_by"
    )
    return list(rows.filter(board=board) if board else rows)


def on_notice(village: Village, now: dt.datetime) -> list[Declaration]:
    """The items on the notice board: on notice (or stopped by an objection) and not
    ended. What is published of each: the household as the village publishes it, the item
    and points, the day and place of the deed; never who declared or reported it."""
    return list(
        Declaration.objects.filter(village=village)
        .filter(Q(status=Status.ON_NOTICE, notice_until__gt=now) | Q(status=Status.OBJECTED))
        .select_related("item", "account")
        .order_by("notice_until", "id")
    )


def figures(village: Village, year: int) -> dict[str, Any]:
    """A village's year: participation, points awarded and deducted by category,
    redeemed, and the households on the negative list."""
    entries = Entry.objects.filter(account__village=village, year=year)
    by_category = dict(
        entries.filter(declaration__isnull=False, reverses__isnull=True)
        .values_list("declaration__item__category")
        .annotate(s=Sum("savings_delta"))
        .order_by()
    )
    redeemed = -(
        entries.filter(kind=EntryKind.REDEMPTION).aggregate(s=Sum("redeemable_delta"))["s"] or 0
    )
    accounts = Account.objects.filter(village=village).aggregate(
        n=Count("id"), active=Count("years", filter=Q(years__year=year), distinct=True)
    )
    return {
        "accounts": accounts["n"], "active": accounts["active"], "by_category": by_category,
        "redeemed": redeemed, "vetoed": len(vetoed(village, year)),
    }  # fmt: skip


def member_villages(user: Any, day: dt.date) -> list[int]:
    """Ids of the villages whose review group in office has the person as a member."""
    from .models import ReviewGroup

    if not getattr(user, "is_authenticated", False):
        return []
    groups = ReviewGroup.objects.filter(starts_on__lte=day).order_by(
        "village_id", "-starts_on", "-id"
    )
    current: dict[int, int] = {}
    for g in groups.values("pk", "village_id"):
        current.setdefault(g["village_id"], g["pk"])
    return list(
        ReviewGroup.objects.filter(pk__in=current.values(), members=user).values_list(
            "village_id", flat=True
        )
    )


def villages_for(user: Any, day: dt.date) -> Any:
    """Villages the person sees: in their scope (view), those where they see households (a
    grid worker of one of its grids), and those whose review group they sit on."""
    from gridgov.core.scope import scope_q

    seen = Account.objects.filter(scope_q(user, "grid_code", "view")).values("village_id")
    return Village.objects.filter(
        scope_q(user, "grid_code", "view") | Q(pk__in=seen) | Q(pk__in=member_villages(user, day))
    )


def declarations_for(user: Any, day: dt.date) -> Any:
    """Declarations the person sees: of households in their scope (view), and all of the
    villages whose review group they sit on (to vote on them)."""
    from gridgov.core.scope import scope_q

    return Declaration.objects.filter(
        scope_q(user, "grid_code", "view") | Q(village_id__in=member_villages(user, day))
    )


def public_page(village: Village, now: dt.datetime) -> dict[str, Any]:
    """The public village page (API and page alike)."""
    from .services.village import rules_in_force

    items = on_notice(village, now)
    names = heads([d.account for d in items])
    rules = rules_in_force(village, now.date())
    return {
        "name": village.name,
        "notices": [
            {
                "name": public_name(village, d.account, names.get(d.account.household_id, "")),
                "item": d.item.title,
                "category": d.item.get_category_display(),
                "points": d.points,
                "happened_on": d.happened_on,
                "place": d.place,
                "notice_until": d.notice_until,
                "objected": d.status == Status.OBJECTED,
                "public_id": d.public_id,
            }
            for d in items
        ],
        "honour_roll": honour_roll(village, now.year),
        "rules": None
        if rules is None
        else {
            "public_id": rules.public_id,
            "version": rules.version,
            "title": rules.title,
            "adopted": True,
            "published_on": rules.published_on,
            "applies_from": rules.applies_from,
            "items": list(rules.items.all()),
        },
    }


def money(village: Village, year: int) -> dict[str, Any]:
    """The money account of a year: in by source, out, the balance at the year's end (all
    years so far), every line."""
    from .models import FundEntry

    rows = FundEntry.objects.filter(village=village)
    this = rows.filter(on__year=year)
    by_source = dict(
        this.filter(amount__gt=0).values_list("source").annotate(s=Sum("amount")).order_by()
    )
    spent = -(this.filter(amount__lt=0).aggregate(s=Sum("amount"))["s"] or 0)
    balance = rows.filter(on__year__lte=year).aggregate(s=Sum("amount"))["s"] or 0
    return {
        "by_source": by_source, "income": sum(by_source.values()), "spent": spent,
        "balance": balance, "lines": list(this.order_by("on", "id")),
    }  # fmt: skip


def goods_account(village: Village, year: int) -> list[dict[str, Any]]:
    """The goods account of a year per good: stock in, out, handed over by redemption, and
    in stock now across the village's points."""
    from .models import Stock, StockMove

    moves = (
        StockMove.objects.filter(point__village=village, at__year=year)
        .values("goods_id", "kind")
        .annotate(q=Sum("quantity"))
        .order_by()
    )
    per: dict[int, dict[str, int]] = {}
    for m in moves:
        per.setdefault(m["goods_id"], {})[m["kind"]] = abs(m["q"])
    now = dict(
        Stock.objects.filter(point__village=village)
        .values_list("goods_id")
        .annotate(q=Sum("quantity"))
        .order_by()
    )
    return [
        {
            "name": g.name,
            "price": g.price,
            "unit": g.unit,
            "in": per.get(g.pk, {}).get("in", 0),
            "out": per.get(g.pk, {}).get("out", 0),
            "redeemed": per.get(g.pk, {}).get("redemption", 0),
            "stock": now.get(g.pk, 0),
        }
        for g in village.goods.order_by("kind", "name")
    ]


def rollup(user: Any, code: str, year: int) -> list[dict[str, Any]]:
    """The town or county view: per village taking part under `code` (in the person's
    scope): households, households with points, points awarded and deducted, redeemed, goods
    in stock, money in and balance, households on the lists. A few GROUP BYs, not a loop
    over villages."""
    from gridgov.core.lib.codes import subtree_range
    from gridgov.core.scope import scope_q

    from .models import FundEntry, Stock

    low, high = subtree_range(code)
    villages = list(
        Village.objects.filter(scope_q(user, "grid_code", "view"))
        .filter(grid_code__gte=low, grid_code__lt=high)
        .order_by("grid_code")
    )
    ids = [v.pk for v in villages]

    def per(qs: Any, field: str, value: Any) -> dict[int, Any]:
        return dict(qs.values_list(field).annotate(v=value).order_by())

    entries = Entry.objects.filter(account__village_id__in=ids, year=year)
    awarded = per(entries.filter(savings_delta__gt=0), "account__village_id", Sum("savings_delta"))
    deducted = per(entries.filter(savings_delta__lt=0), "account__village_id", Sum("savings_delta"))
    redeemed = per(entries.filter(kind=EntryKind.REDEMPTION), "account__village_id",
                   Sum("redeemable_delta"))  # fmt: skip
    accounts = per(Account.objects.filter(village_id__in=ids), "village_id", Count("id"))
    active = per(AccountYear.objects.filter(account__village_id__in=ids, year=year),
                 "account__village_id", Count("id"))  # fmt: skip
    stock = per(Stock.objects.filter(point__village_id__in=ids), "point__village_id",
                Sum("quantity"))  # fmt: skip
    funds = FundEntry.objects.filter(village_id__in=ids)
    income = per(funds.filter(on__year=year, amount__gt=0), "village_id", Sum("amount"))
    balance = per(funds.filter(on__year__lte=year), "village_id", Sum("amount"))
    listed = per(Veto.objects.filter(account__village_id__in=ids, year=year),
                 "account__village_id", Count("id"))  # fmt: skip
    return [
        {
            "village": v,
            "accounts": accounts.get(v.pk, 0),
            "active": active.get(v.pk, 0),
            "awarded": awarded.get(v.pk, 0),
            "deducted": -(deducted.get(v.pk) or 0),
            "redeemed": -(redeemed.get(v.pk) or 0),
            "stock": stock.get(v.pk, 0),
            "income": income.get(v.pk, 0),
            "balance": balance.get(v.pk, 0),
            "listed": listed.get(v.pk, 0),
        }
        for v in villages
    ]
