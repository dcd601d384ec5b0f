from django.contrib import admin

from .models import Indicator, IndicatorSet, ManualScore


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["position", "metric", "weight", "floor", "target"]


@admin.register(IndicatorSet)
class IndicatorSetAdmin(admin.ModelAdmin):
    """Indicator sets (ADR 0026): weights and bands are read when a card is computed, so a
    change applies to every period shown afterwards, past ones included."""

    list_display = ["name", "subject", "grade_a", "grade_b", "grade_c", "active"]
    list_filter = ["subject", "active"]
    inlines = [IndicatorInline]


@admin.register(ManualScore)
class ManualScoreAdmin(admin.ModelAdmin):
    """Read only: scores are entered through the API (audited), not here."""

    list_display = ["indicator", "subject_key", "kind", "start", "score", "entered_by"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in ManualScore._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
