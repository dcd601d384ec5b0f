from django.contrib import admin

from .models import MonthClose, Rule, Scheme


class RuleInline(admin.TabularInline):
    model = Rule
    extra = 0
    fields = ["code", "text", "points", "joint_points", "active"]


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    """An enterprise's scheme and its rules (ADR 0030). A rule's points apply to violations
    recorded after the change; a rule in use is retired (`active` off), not deleted."""

    list_display = ["name", "grid_code", "yuan_per_point", "model_reward", "worst_penalty",
                    "starts_on"]  # fmt: skip
    readonly_fields = ["grid_code"]
    inlines = [RuleInline]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.grid_code = obj.grid.code  # the root grid's code: scope checks read it
        super().save_model(request, obj, form, change)


@admin.register(MonthClose)
class MonthCloseAdmin(admin.ModelAdmin):
    """Read only: months are closed on the month page or the API (audited)."""

    list_display = ["scheme", "month", "points", "fund_in", "model", "worst", "balance"]
    readonly_fields = [f.name for f in MonthClose._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
