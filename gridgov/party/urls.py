from django.urls import path

from . import views

app_name = "party"
urlpatterns = [
    path("", views.network, name="network"),
    path("check/", views.check, name="check"),
    path("roster.xlsx", views.roster, name="roster"),
    path("orgs/new/", views.org_new, name="org_new"),
    path("orgs/<int:pk>/", views.org_detail, name="org_detail"),
    path("orgs/<int:pk>/dissolve/", views.org_dissolve, name="org_dissolve"),
    path("orgs/<int:pk>/posts/", views.post_new, name="post_new"),
    path("orgs/<int:pk>/centrals/", views.central_new, name="central_new"),
    path("links/new/", views.link_new, name="link_new"),
    path("<slug:kind>/<int:pk>/end/", views.end, name="end"),
]
