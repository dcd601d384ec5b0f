"""The moral bank's models (a package: one module per part of the scheme)."""

from .declarations import Declaration, Objection, Vote
from .goods import FundEntry, Goods, Redemption, RedemptionPoint, Stock, StockMove
from .ledger import Account, AccountYear, Entry, Veto
from .village import RepresentativesMeeting, ReviewGroup, RuleItem, RuleSet, Village

__all__ = [
    "Account", "AccountYear", "Declaration", "Entry", "FundEntry", "Goods", "Objection",
    "Redemption", "RedemptionPoint", "RepresentativesMeeting", "ReviewGroup", "RuleItem",
    "RuleSet", "Stock", "StockMove", "Veto", "Village", "Vote",
]  # fmt: skip
