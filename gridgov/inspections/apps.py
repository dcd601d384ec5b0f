from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    """Patrols (巡查) and scheduled inspections (檢查, plans 5 and 6): templates with check
    lists, schedules per grid subtree, inspections with findings that open cases, points."""

    name = "gridgov.inspections"
    label = "inspections"
