from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only a service may write: the back office lists them, nothing more."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_key"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_key", "actor__username"]
