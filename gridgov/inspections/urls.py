"""/inspections/ (the heads' coverage), /m/inspections/ and /m/patrol/ (phone pages)."""

from __future__ import annotations

import datetime as dt

from django.urls import path, register_converter

from . import views, views_patrol


class _Day:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(value) from None

    def to_url(self, value: dt.date) -> str:
        return value.isoformat()


register_converter(_Day, "day")

app_name = "inspections"
urlpatterns = [
    path("", views.coverage_page, name="coverage"),
    path("export/", views.coverage_export, name="export"),
]

# The inspector's phone pages, under /m/inspections/ (gridgov/urls.py).
phone = [
    path("", views.due_list, name="due"),
    path("<int:schedule>/<day:period_start>/<str:target>/", views.record, name="record"),
]

# The worker's patrol, under /m/patrol/.
patrol = [
    path("", views_patrol.page, name="page"),
    path("start/", views_patrol.start, name="start"),
    path("point/", views_patrol.point, name="point"),
    path("end/", views_patrol.end, name="end"),
]
