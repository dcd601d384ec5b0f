"""/open311/v2/: GeoReport v2 in JSON (gridgov.cases.open311)."""

from django.urls import path, re_path

from . import open311

app_name = "open311"
urlpatterns = [
    path("discovery.json", open311.discovery, name="discovery"),
    path("services.json", open311.service_list, name="services"),
    path("services/<str:code>.json", open311.service_definition, name="service"),
    path("requests.json", open311.requests, name="requests"),
    path("requests/<str:number>.json", open311.request_detail, name="request"),
    path("tokens/<str:token>.json", open311.token, name="token"),
    # Anything else here (.xml included) answers in the spec's error shape, not an HTML page.
    re_path(r"^(?P<rest>.*)$", open311.not_found),
]
