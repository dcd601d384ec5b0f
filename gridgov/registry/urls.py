from django.urls import include, path

from . import views

app_name = "registry"
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
    path("buildings/", views.building_list, name="building_list"),
    path("buildings/new/", views.building_new, name="building_new"),
    path("buildings/<str:code>/", views.building_detail, name="building_detail"),
    path("buildings/<str:code>/edit/", views.building_edit, name="building_edit"),
    path("places/", views.place_list, name="place_list"),
    path("places/new/", views.place_new, name="place_new"),
    path("components/", views.component_list, name="component_list"),
    path("components/new/", views.component_new, name="component_new"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path("access-log/", views.access_log, name="access_log"),
    path(
        "completeness/<slug:network>/<str:code>/",
        views.grid_completeness,
        name="grid_completeness",
    ),
]
