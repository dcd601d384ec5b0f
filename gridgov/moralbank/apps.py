from django.apps import AppConfig


class MoralBankConfig(AppConfig):
    """The village moral bank (鄉村道德銀行, plan 8): scoring rules, declarations, review,
    public notice, the points ledger, redemption of goods and the rankings."""

    name = "gridgov.moralbank"
    label = "moralbank"
