from django.apps import AppConfig


class IntakeConfig(AppConfig):
    """Residents' own reports (群眾自報): the public page behind each grid's QR code, its
    rate limit and the page to follow a report. Cases themselves live in `cases`."""

    name = "gridgov.intake"
    label = "intake"
