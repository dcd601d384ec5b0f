from django.contrib import admin

from .models import Village


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    """A village's settings in the scheme: the days of its notice, how many households the
    year end proposes, whether the heads' full names are published, the committee's seal
    printed on the points cards. Joining, rules and everything else go through the moral
    bank's pages (services), not here."""

    list_display = ["grid_code", "name", "starts_on", "notice_days", "top_n", "publish_names"]
    fields = ["name", "notice_days", "top_n", "publish_names", "seal"]
    search_fields = ["grid_code", "name"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
