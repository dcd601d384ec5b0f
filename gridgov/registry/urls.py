from django.urls import include, path

from . import views

app_name = "registry"


def record(section: str, name: str, key: str) -> list:
    """The detail and correction pages of a building, place, component or organisation."""
    args = {"section": section}
    return [
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
    path("buildings/", views.record_list, {"section": "buildings"}, name="building_list"),
    path("buildings/new/", views.building_new, name="building_new"),
    path("places/", views.record_list, {"section": "places"}, name="place_list"),
    path("places/new/", views.place_new, name="place_new"),
    path("components/", views.record_list, {"section": "components"}, name="component_list"),
    path("components/new/", views.component_new, name="component_new"),
    path(
        "organisations/",
        views.record_list,
        {"section": "organisations"},
        name="organisation_list",
    ),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    # After the lists and "new/": a component's or building's key is any text.
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
