from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gridgov.core"
    label = "core"

    def ready(self) -> None:
        # gridgov.core.lib.worktime is pure; its module-level functions ask this provider
        # for the calendar, which the database backs (checked against its stamp per call).
        from .lib import worktime
        from .workcalendar import current

        worktime.use_calendar(current)
