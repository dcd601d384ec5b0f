from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "gridgov.accounts"
    label = "accounts"
    default = True  # this module holds the admin's config too


class GuardedAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site that asks for the second factor (accounts.admin_site)."""

    default = False
    default_site = "gridgov.accounts.admin_site.GuardedAdminSite"
