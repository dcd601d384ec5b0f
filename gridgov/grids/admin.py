"""Back office: networks are reference data; grids are read-only here because every change
of a grid goes through grids.services (validation, history, audit)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Grid, Network


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "kind", "grid_depth"]


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "network", "depth", "kind", "valid_from", "valid_to"]
    list_filter = ["network", "depth", "kind"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
