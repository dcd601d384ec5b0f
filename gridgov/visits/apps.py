from django.apps import AppConfig


class VisitsConfig(AppConfig):
    """Household visits (入戶走訪): who is due when, the visits made, their coverage."""

    name = "gridgov.visits"
    label = "visits"
