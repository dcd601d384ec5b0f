"""/registry/imports/: spreadsheet import (page, job status, error workbook) and export."""

from django.urls import path

from . import views_import as views

urlpatterns: list = [
    path("", views.home, name="imports"),
    path("templates/<slug:kind>.xlsx", views.template_file, name="import_template"),
    path("<uuid:public_id>/", views.job, name="import_job"),
    path("<uuid:public_id>/errors.xlsx", views.error_file, name="import_errors"),
    path("export/residents.xlsx", views.export_residents, name="export_residents"),
    path("export/<slug:kind>.xlsx", views.export_list, name="export_list"),
]
