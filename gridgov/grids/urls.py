from django.urls import path

from . import views
from .division import views as division

app_name = "grids"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:network>/<str:code>/", views.detail, name="detail"),
    path("<slug:network>/<str:code>/map.geojson", views.geojson, name="geojson"),
    path("<slug:network>/<str:code>/report/", views.report, name="report"),
    path("<slug:network>/<str:code>/division/", division.propose, name="division_propose"),
    path(
        "<slug:network>/<str:code>/division/<uuid:draft_id>/",
        division.draft_page,
        name="division",
    ),
    path(
        "<slug:network>/<str:code>/division/<uuid:draft_id>/map.geojson",
        division.draft_geojson,
        name="division_geojson",
    ),
    path(
        "<slug:network>/<str:code>/division/<uuid:draft_id>/move",
        division.move,
        name="division_move",
    ),
    path(
        "<slug:network>/<str:code>/division/<uuid:draft_id>/accept",
        division.accept,
        name="division_accept",
    ),
    path(
        "<slug:network>/<str:code>/division/<uuid:draft_id>/discard",
        division.discard,
        name="division_discard",
    ),
]
