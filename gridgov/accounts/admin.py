from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, Assignment, User


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    raw_id_fields = ["grid"]
    readonly_fields = ["grid_code"]


@admin.register(User)
class GridgovUserAdmin(UserAdmin):
    inlines = [AssignmentInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "last_used_at"]
    readonly_fields = ["key_hash", "prefix", "last_used_at"]
    raw_id_fields = ["user"]
