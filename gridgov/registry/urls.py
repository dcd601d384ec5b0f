from django.urls import include, path

app_name = "registry"
urlpatterns: list = [
    path("imports/", include("gridgov.registry.urls_import")),
]
