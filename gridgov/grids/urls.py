from django.urls import path

from . import views

app_name = "grids"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:network>/<str:code>/", views.detail, name="detail"),
    path("<slug:network>/<str:code>/map.geojson", views.geojson, name="geojson"),
    path("<slug:network>/<str:code>/report/", views.report, name="report"),
]
