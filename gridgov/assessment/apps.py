from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    """Assessment (考核): indicator sets, score cards, rankings (ADR 0026)."""

    name = "gridgov.assessment"
    label = "assessment"
