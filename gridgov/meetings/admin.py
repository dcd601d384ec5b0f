from django.contrib import admin

from .models import Cadence


@admin.register(Cadence)
class CadenceAdmin(admin.ModelAdmin):
    """How often the regular meetings are due: the meetings page computes due and missed
    ones from this table (nothing is stored per occurrence)."""

    list_display = ["kind", "depth", "every_months", "active"]
    list_filter = ["active"]
