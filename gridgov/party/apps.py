from django.apps import AppConfig


class PartyConfig(AppConfig):
    """The party-building network on the grids (黨建網格, plan 1): organisations, posts,
    party central households and the four-level contact pyramid (四級聯系服務制度)."""

    name = "gridgov.party"
    label = "party"
