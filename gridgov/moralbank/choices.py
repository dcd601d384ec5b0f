"""Stable lowercase values with translatable labels for the moral bank."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """The fields a village's scoring rules (評分細則) are grouped under (plan 8)."""

    HYGIENE = "hygiene", _("Environmental hygiene")  # 環境衛生
    FILIAL = "filial", _("Filial piety")  # 孝老敬親
    NEIGHBOURS = "neighbours", _("Neighbourly harmony")  # 鄰里和親
    WELFARE = "welfare", _("Public welfare")  # 熱心公益
    CUSTOMS = "customs", _("Reformed customs")  # 移風易俗
    GOOD_DEEDS = "good_deeds", _("Good deeds")  # 好人好事
    MODELS = "models", _("Role models")  # 先進典型
    INTEGRITY = "integrity", _("Integrity and law-abiding")  # 誠信守法
    HONOUR = "honour", _("Honours")  # 干凈人家、最美庭院、十戶聯動示范組(戶)、新時代鄉賢、道德模范
    VETO = "veto", _("Veto items")  # 否決項


class CapPeriod(models.TextChoices):
    QUARTER = "quarter", _("per quarter")
    YEAR = "year", _("per year")


class Source(models.TextChoices):
    """Who brought a deed forward (R-MORAL-3)."""

    SELF = "self", _("The household itself")  # 本人申報
    HAMLET_HEAD = "hamlet_head", _("Recommended by the hamlet head")  # 屯長推薦
    REPORT = "report", _("Recommended or reported by someone else")  # 群眾舉薦、舉報


class Channel(models.TextChoices):
    ORAL = "oral", _("orally")
    PHONE = "phone", _("by phone")
    WRITTEN = "written", _("in writing")
    # Objections only: sent by anyone from the village's public page.
    ONLINE = "online", _("on the public page")


class Status(models.TextChoices):
    """Where a declaration is: in review → checked → on notice (公示) → posted; an objection
    stops it until ruled; rejected at any step ends it."""

    IN_REVIEW = "in_review", _("in review")
    REVIEWED = "reviewed", _("approved by the review group")
    ON_NOTICE = "on_notice", _("on public notice")
    OBJECTED = "objected", _("objection pending")
    POSTED = "posted", _("posted")
    REJECTED = "rejected", _("rejected")


class EntryKind(models.TextChoices):
    AWARD = "award", _("award")
    DEDUCTION = "deduction", _("deduction")
    REDEMPTION = "redemption", _("redemption")
    REVERSAL = "reversal", _("reversal")


class GoodsKind(models.TextChoices):
    PRODUCTION = "production", _("production")
    DAILY = "daily", _("daily life")
    STUDY = "study", _("study")


class PointKind(models.TextChoices):
    BANK = "bank", _("village moral bank")
    SHOP = "shop", _("shop")
    ESTATION = "estation", _("e-commerce station")


class MoveKind(models.TextChoices):
    IN = "in", _("stock in")
    OUT = "out", _("stock out")
    REDEMPTION = "redemption", _("redemption")


class FundSource(models.TextChoices):
    """The five sources of the scheme's money (五個一點, plan 8)."""

    FISCAL = "fiscal", _("Fiscal input")  # 財政投入
    INDUSTRY = "industry", _("Industry project income")  # 產業項目收益
    COLLECTIVE = "collective", _("Collective economy income")  # 村集體經濟收入
    AID = "aid", _("Aid funds")  # 包保幫扶資金
    DONATION = "donation", _("Donations")  # 社會捐助


class Board(models.TextChoices):
    """Where a vetoed household is published (plan 8: 負面清單 or 道德黑榜)."""

    NEGATIVE = "negative", _("Negative list")  # 道德建設負面清單
    BLACK = "black", _("Black list")  # 道德黑榜, 通報批評
