"""Goods, redemption points, stock and redeeming (R-MORAL-5, R-MORAL-8): a keeper types or
scans a household's card number and hands over goods for points of this year's balance —
never more than the balance, never more than the stock, in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import models as audit
from gridgov.core.errors import Forbidden, NotFound
from gridgov.core.scope import in_scope

from ..choices import EntryKind, GoodsKind, MoveKind, PointKind
from ..models import Account, Goods, Redemption, RedemptionPoint, Stock, StockMove, Village
from . import ledger
from .common import MANAGE, clean_text, conflict, guard, invalid

MAX_QUANTITY = 99


def add_goods(
    *, actor: Any, village: Village, name: str, kind: str, price: int, unit: str = "件"
) -> Goods:
    guard(actor, village.grid_code, MANAGE)
    name = clean_text(name, "name", limit=100)
    unit = clean_text(unit, "unit", limit=10)
    if kind not in GoodsKind.values:
        raise invalid("kind", _("Unknown kind of goods."))
    if not 1 <= price <= 100000:
        raise invalid("price", _("A price is 1 to 100000 points."))
    if village.goods.filter(name=name).exists():
        raise conflict("exists", _("The catalogue has goods of this name."))
    with transaction.atomic():
        goods = Goods.objects.create(village=village, name=name, kind=kind, price=price, unit=unit)
        audit.record(
            actor=actor, action="moralbank.goods", object_type="moralbank_village",
            object_key=str(village.public_id), after={"goods": goods.pk, "price": price},
        )  # fmt: skip
    return goods


def set_price(*, actor: Any, goods: Goods, price: int, active: bool = True) -> Goods:
    """The village changes a price (or stops offering the goods); receipts keep theirs."""
    guard(actor, goods.village.grid_code, MANAGE)
    if not 1 <= price <= 100000:
        raise invalid("price", _("A price is 1 to 100000 points."))
    with transaction.atomic():
        before = {"price": goods.price, "active": goods.active}
        goods.price, goods.active = price, active
        goods.save(update_fields=["price", "active", "updated_at"])
        audit.record(
            actor=actor, action="moralbank.price", object_type="moralbank_village",
            object_key=str(goods.village.public_id), before={"goods": goods.pk, **before},
            after={"goods": goods.pk, "price": price, "active": active},
        )  # fmt: skip
    return goods


def add_point(
    *, actor: Any, village: Village, name: str, kind: str, keepers: Sequence[Any] = ()
) -> RedemptionPoint:
    guard(actor, village.grid_code, MANAGE)
    name = clean_text(name, "name", limit=100)
    if kind not in PointKind.values:
        raise invalid("kind", _("Unknown kind of redemption point."))
    with transaction.atomic():
        point = RedemptionPoint.objects.create(
            village=village, grid_code=village.grid_code, name=name, kind=kind
        )
        point.keepers.set(list(keepers))
        audit.record(
            actor=actor, action="moralbank.point", object_type="moralbank_village",
            object_key=str(village.public_id),
            after={"point": str(point.public_id), "keepers": sorted(k.pk for k in keepers)},
        )  # fmt: skip
    return point


def may_keep(user: Any, point: RedemptionPoint) -> bool:
    """Whether the person redeems and moves stock at the point: a keeper, or the committee."""
    uid = getattr(user, "pk", None)
    if uid is not None and point.keepers.filter(pk=uid).exists():
        return True
    return in_scope(user, point.grid_code, MANAGE)


def guard_keeper(user: Any, point: RedemptionPoint) -> None:
    if may_keep(user, point):
        return
    if not in_scope(user, point.grid_code):
        raise NotFound(_("Not found."))
    raise Forbidden(_("Only the point's keepers or the village committee do this."))


def move_stock(
    *, actor: Any, point: RedemptionPoint, goods: Goods, kind: str, quantity: int, note: str = ""
) -> StockMove:
    """Stock in (bought, donated) or out (damaged, given as an award), recorded."""
    guard_keeper(actor, point)
    if goods.village_id != point.village_id:
        raise NotFound(_("No such goods."), field="goods")
    if kind not in (MoveKind.IN, MoveKind.OUT):
        raise invalid("kind", _("Stock in or stock out."))
    if not 1 <= quantity <= 100000:
        raise invalid("quantity", _("Must be at least %(limit)s.") % {"limit": 1})
    note = clean_text(note, "note", required=kind == MoveKind.OUT, limit=200)
    delta = quantity if kind == MoveKind.IN else -quantity
    with transaction.atomic():
        Stock.objects.get_or_create(point=point, goods=goods)
        rows = Stock.objects.filter(point=point, goods=goods)
        if delta < 0:
            rows = rows.filter(quantity__gte=-delta)
        if not rows.update(quantity=F("quantity") + delta):
            raise invalid("quantity", _("Not that many in stock."), "out_of_stock")
        move = StockMove.objects.create(
            point=point, goods=goods, grid_code=point.grid_code, kind=kind, quantity=delta,
            note=note, at=timezone.now(), actor=actor,
        )  # fmt: skip
    return move


def find_card(point: RedemptionPoint, card: str) -> Account:
    card = (card or "").strip()
    found = (
        Account.objects.filter(village_id=point.village_id, card=card)
        .select_related("household")
        .first()
    )
    if found is None:
        raise invalid("card", _("No household of this village has card %(card)s.") % {"card": card})
    return found


def redeem(
    *, actor: Any, point: RedemptionPoint, card: str, lines: Sequence[tuple[Goods, int]],
    key: str,
) -> Redemption:  # fmt: skip
    """Hand over goods for this year's points. The same `key` twice (a button pressed twice,
    a retried request) gives the first receipt and redeems nothing more."""
    guard_keeper(actor, point)
    key = f"{point.pk}:{(key or '').strip()[:60]}"
    done = Redemption.objects.filter(key=key).first()
    if done is not None:
        return done
    account = find_card(point, card)
    wanted: dict[int, tuple[Goods, int]] = {}
    for goods, qty in lines:
        if goods.village_id != point.village_id or not goods.active:
            raise NotFound(_("No such goods."), field="lines")
        if not 1 <= qty <= MAX_QUANTITY:
            raise invalid("lines", _("A quantity is 1 to %(n)d.") % {"n": MAX_QUANTITY})
        had = wanted.get(goods.pk, (goods, 0))[1]
        wanted[goods.pk] = (goods, had + qty)
    if not wanted:
        raise invalid("lines", _("Choose the goods to hand over."))
    total = sum(g.price * q for g, q in wanted.values())
    now = timezone.now()
    year = timezone.localtime(now).year
    with transaction.atomic():
        redemption = Redemption.objects.create(
            # Not a counter: two keepers at once would read the same count.
            number=f"{timezone.localtime(now):%Y%m%d}-{uuid.uuid4().hex[:8].upper()}",
            key=key, account=account, point=point, grid_code=account.grid_code, year=year,
            total=total, keeper=actor,
            lines=[{"goods": g.pk, "name": g.name, "unit": g.unit, "quantity": q,
                    "price": g.price} for g, q in wanted.values()],
        )  # fmt: skip
        # Fixed lock order: the account's year first (within: not below zero), then the
        # stock rows in goods order; a refusal anywhere rolls all of it back.
        ledger.book(
            account=account, kind=EntryKind.REDEMPTION, savings=0, redeemable=-total, year=year,
            key=f"redemption:{redemption.pk}", at=now, redemption=redemption, actor=actor,
            note=point.name, within=True,
        )  # fmt: skip
        for pk in sorted(wanted):
            goods, qty = wanted[pk]
            taken = Stock.objects.filter(point=point, goods=goods, quantity__gte=qty).update(
                quantity=F("quantity") - qty
            )
            if not taken:
                raise invalid(
                    "lines", _("Not enough %(name)s in stock.") % {"name": goods.name},
                    "out_of_stock",
                )  # fmt: skip
            StockMove.objects.create(
                point=point, goods=goods, grid_code=point.grid_code, kind=MoveKind.REDEMPTION,
                quantity=-qty, redemption=redemption, at=now, actor=actor,
            )  # fmt: skip
        audit.record(
            actor=actor, action="moralbank.redeem", object_type="moralbank_account",
            object_key=str(account.public_id),
            after={"receipt": redemption.number, "points": total, "point": str(point.public_id)},
        )  # fmt: skip
    return redemption
