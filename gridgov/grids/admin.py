"""Back office: networks are reference data; grids are read-only here because every change
of a grid goes through grids.services (validation, history, audit)."""

from django.contrib import admin

from gridgov.core.admin import ReadOnlyAdmin

from .models import Grid, Network, Road


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "kind", "grid_depth"]


@admin.register(Grid)
class GridAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "network", "depth", "kind", "valid_from", "valid_to"]
    list_filter = ["network", "depth", "kind"]
    search_fields = ["code", "name"]


@admin.register(Road)
class RoadAdmin(admin.ModelAdmin):
    """Roads are reference data (like networks): drawn or imported by administrators, read
    by automatic division. The box is kept from the geometry."""

    list_display = ["name", "kind", "min_lon", "min_lat"]
    list_filter = ["kind"]
    search_fields = ["name"]
    exclude = ["min_lon", "min_lat", "max_lon", "max_lat"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from shapely.geometry import shape

        obj.min_lon, obj.min_lat, obj.max_lon, obj.max_lat = shape(obj.geometry).bounds
        super().save_model(request, obj, form, change)
