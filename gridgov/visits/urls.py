from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("", views.coverage_page, name="coverage"),
    path("export/", views.coverage_export, name="export"),
    path("photos/<uuid:public_id>/", views.photo, name="photo"),
]

# The worker's phone pages, under /m/ beside the case report (gridgov/urls.py).
phone = [
    path("", views.due_list, name="due"),
    path("<uuid:household>/", views.record, name="record"),
]
