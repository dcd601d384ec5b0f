from django.urls import include, path

from . import views

app_name = "registry"


def record(section: str, name: str, key: str) -> list:
    """The list, registration, detail and correction pages of buildings, places, components
    or organisations ("new/" before the detail: a building's or component's key is text)."""
    args = {"section": section}
    return [
        path(f"{section}/", views.record_list, args, name=f"{name}_list"),
        path(f"{section}/new/", views.record_new, args, name=f"{name}_new"),
        path(f"{section}/<{key}:key>/", views.record_detail, args, name=f"{name}_detail"),
        path(f"{section}/<{key}:key>/edit/", views.record_edit, args, name=f"{name}_edit"),
    ]


urlpatterns: list = [
    path("imports/", include("gridgov.registry.urls_import")),
    path("residents/", views.resident_list, name="resident_list"),
    path("residents/<uuid:public_id>/", views.resident_detail, name="resident_detail"),
    path("residents/<uuid:public_id>/edit/", views.resident_edit, name="resident_edit"),
    path("residents/<uuid:public_id>/move/", views.resident_move, name="resident_move"),
    path("residents/<uuid:public_id>/reveal/", views.resident_reveal, name="resident_reveal"),
    path("residents/<uuid:public_id>/tags/", views.resident_tag, name="resident_tag"),
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views.household_new, name="household_new"),
    path("households/pick/", views.household_pick, name="household_pick"),
    path("households/<uuid:public_id>/", views.household_detail, name="household_detail"),
    path("households/<uuid:public_id>/residents/new/", views.resident_new, name="resident_new"),
    path("households/<uuid:public_id>/tags/", views.household_tag, name="household_tag"),
    path("tags/fields/", views.tag_fields, name="tag_fields"),
    path("tags/<int:pk>/review/", views.tag_review, name="tag_review"),
    *record("buildings", "building", "str"),
    *record("places", "place", "int"),
    *record("components", "component", "str"),
    *record("organisations", "organisation", "int"),
    path("access-log/", views.access_log, name="access_log"),
    path(
        "completeness/<slug:network>/<str:code>/",
        views.grid_completeness,
        name="grid_completeness",
    ),
]
