from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """Meetings that run the system (R-STAFF-6): regular meetings, consultations, their
    attendance, decisions and follow-up tasks (督辦事項)."""

    name = "gridgov.meetings"
    label = "meetings"
