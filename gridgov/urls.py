from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gridgov.api import api

urlpatterns = [
    path("", include("gridgov.web.urls")),
    path("grids/", include("gridgov.grids.urls")),
    path("registry/", include("gridgov.registry.urls")),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
