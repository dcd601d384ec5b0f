"""Back office: networks are reference data; grids are read-only here because every change
of a grid goes through grids.services (validation, history, audit)."""

from django.contrib import admin

from gridgov.core.admin import ReadOnlyAdmin

from .models import Grid, Network


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "kind", "grid_depth"]


@admin.register(Grid)
class GridAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "network", "depth", "kind", "valid_from", "valid_to"]
    list_filter = ["network", "depth", "kind"]
    search_fields = ["code", "name"]
