"""Goods, redemption points and their stock, redemptions (兌換) and the scheme's money
account (財務專賬) fed by its five sources."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import TimeStamped

from ..choices import FundSource, GoodsKind, MoveKind, PointKind
from .ledger import Account, ScopedQuerySet
from .village import Village


class Goods(TimeStamped):
    """An item of the village's catalogue (兌換物品) at the points price the village sets."""

    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="goods")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=GoodsKind.choices)
    price = models.PositiveIntegerField(_("price in points"))
    unit = models.CharField(_("unit"), max_length=10, default="件")
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["village_id", "kind", "price", "name"]
        verbose_name_plural = "goods"
        constraints = [
            models.UniqueConstraint(
                fields=["village", "name"],
                name="mb_goods_name",
                violation_error_message=_("The catalogue has goods of this name."),
            ),
            models.CheckConstraint(
                condition=Q(price__gte=1),
                name="mb_goods_price",
                violation_error_message=_("A price is at least 1 point."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RedemptionPoint(TimeStamped):
    """Where points are redeemed (兌換點): the village moral bank, a shop or an e-commerce
    station; its keepers redeem there (on a phone)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="points")
    grid_code = models.CharField(max_length=32)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=PointKind.choices)
    keepers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["village_id", "name"]

    def __str__(self) -> str:
        return self.name


class Stock(models.Model):
    """How many of a good a point holds, changed only with F() by stock moves."""

    point = models.ForeignKey(RedemptionPoint, on_delete=models.PROTECT, related_name="stock")
    goods = models.ForeignKey(Goods, on_delete=models.PROTECT, related_name="stock")
    quantity = models.IntegerField(default=0)

    class Meta:
        ordering = ["point_id", "goods_id"]
        constraints = [
            models.UniqueConstraint(fields=["point", "goods"], name="mb_stock_once"),
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="mb_stock_not_negative",
                violation_error_message=_("Not that many in stock."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goods_id}@{self.point_id}: {self.quantity}"


class StockMove(models.Model):
    """A stock in or out (物資出入庫登記), or the goods handed over by a redemption."""

    point = models.ForeignKey(RedemptionPoint, on_delete=models.PROTECT, related_name="moves")
    goods = models.ForeignKey(Goods, on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(max_length=32)
    kind = models.CharField(max_length=12, choices=MoveKind.choices)
    quantity = models.IntegerField()  # + in, − out and redemption
    note = models.CharField(_("note"), max_length=200, blank=True)
    redemption = models.ForeignKey(
        "moralbank.Redemption", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=MoveKind.IN, quantity__gt=0)
                | Q(kind__in=[MoveKind.OUT, MoveKind.REDEMPTION], quantity__lt=0),
                name="mb_move_sign",
                violation_error_message=_("Stock in adds, stock out takes away."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} of {self.goods_id}"


class Redemption(TimeStamped):
    """A redemption (兌換): goods handed to a household at a point for points of this year's
    balance; its receipt (兌換憑證) is numbered. The key is the form's, so a second press
    of the button redeems nothing more."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("receipt number"), max_length=24, unique=True)
    key = models.CharField(max_length=80, unique=True)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="redemptions")
    point = models.ForeignKey(RedemptionPoint, on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    total = models.PositiveIntegerField()
    keeper = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lines = models.JSONField(default=list)  # [{"goods": id, "name", "quantity", "points"}]

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number


class FundEntry(TimeStamped):
    """A line of the scheme's money account (財務專賬): money in from one of the five
    sources (五個一點), or money out (buying goods, awards). Amounts in fen."""

    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="funds")
    grid_code = models.CharField(max_length=32)
    on = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=12, choices=FundSource.choices, blank=True)
    amount = models.BigIntegerField(_("amount (fen)"))  # + in, − out
    note = models.CharField(_("note"), max_length=200)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name_plural = "fund entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0, source__in=FundSource.values)
                | Q(amount__lt=0, source=""),
                name="mb_fund_source",
                violation_error_message=_("Money in names its source; money out names none."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.amount}"
