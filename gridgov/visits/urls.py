from django.urls import path

from . import views, views_diary

app_name = "visits"
urlpatterns = [
    path("", views.coverage_page, name="coverage"),
    path("export/", views.coverage_export, name="export"),
    path("photos/<uuid:public_id>/", views.photo, name="photo"),
    path("diary/", views_diary.search, name="diary"),
]

# The worker's phone pages, under /m/ beside the case report (gridgov/urls.py).
phone = [
    path("", views.due_list, name="due"),
    path("<uuid:household>/", views.record, name="record"),
]

# The worker's diary (民情日記), under /m/diary/.
diary = [
    path("", views_diary.mine, name="mine"),
    path("<uuid:public_id>/", views_diary.edit, name="edit"),
]
