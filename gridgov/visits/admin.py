from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from .models import VisitRule


def _rebuild_later() -> None:
    """Every household's due date anew once the change is committed (on the task queue)."""
    from .tasks import rebuild_schedules

    transaction.on_commit(lambda: rebuild_schedules())


@admin.register(VisitRule)
class VisitRuleAdmin(admin.ModelAdmin):
    """How often households are visited (ADR 0023): a change re-plans every household."""

    list_display = ["kind", "grid_code", "every", "unit", "must_visit", "active"]
    list_filter = ["kind", "must_visit", "active"]
    search_fields = ["grid_code"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _rebuild_later()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        _rebuild_later()
