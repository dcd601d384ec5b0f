from django.contrib import admin
from django.urls import include, path

from gridgov.accounts import views as account_views
from gridgov.api import api

urlpatterns = [
    path("", include("gridgov.web.urls")),
    path("grids/", include("gridgov.grids.urls")),
    path("registry/", include("gridgov.registry.urls")),
    path("teams/", include("gridgov.teams.urls")),
    path("party/", include("gridgov.party.urls")),
    path("notices/", include("gridgov.notices.urls")),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", account_views.LogoutView.as_view(), name="logout"),
    path("account/", include("gridgov.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
