from django.apps import AppConfig


class TeamsConfig(AppConfig):
    """Who answers for each grid (定人、定崗、定責): teams, notice boards, contact cards."""

    name = "gridgov.teams"
    label = "teams"
