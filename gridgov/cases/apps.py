from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Events and their closed loop (事件閉環): intake, triage, dispatch, handling, closing."""

    name = "gridgov.cases"
    label = "cases"
