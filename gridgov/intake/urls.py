from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("follow/<uuid:public_id>/", views.follow, name="follow"),
    path("<str:code>/", views.report, name="report"),
    path("<str:code>/outline.geojson", views.outline, name="outline"),
]
