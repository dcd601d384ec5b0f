from django.contrib import admin
from django.urls import include, path

from gridgov.accounts import views as account_views
from gridgov.api import api
from gridgov.assessment import urls as assessment_urls
from gridgov.cases import views as case_views
from gridgov.inspections import urls as inspection_urls
from gridgov.moralbank import urls as moralbank_urls
from gridgov.visits import urls as visit_urls

urlpatterns = [
    # The API first: every call resolves its URL, and it is the most called.
    path("api/v1/", api.urls),
    path("", include("gridgov.web.urls")),
    path("grids/", include("gridgov.grids.urls")),
    path("registry/", include("gridgov.registry.urls")),
    path("teams/", include("gridgov.teams.urls")),
    path("cases/", include("gridgov.cases.urls")),
    path("m/report/", case_views.report, name="m_report"),
    path("m/visits/", include((visit_urls.phone, "m_visits"))),
    path("m/diary/", include((visit_urls.diary, "m_diary"))),
    path("visits/", include("gridgov.visits.urls")),
    path("assessment/", include("gridgov.assessment.urls")),
    path("m/inspections/", include((inspection_urls.phone, "m_inspections"))),
    path("m/patrol/", include((inspection_urls.patrol, "m_patrol"))),
    path("inspections/", include("gridgov.inspections.urls")),
    path("meetings/", include("gridgov.meetings.urls")),
    path("moralbank/", include("gridgov.moralbank.urls")),
    path("m/moralbank/", include((moralbank_urls.phone, "m_moralbank"))),
    path("safety/", include("gridgov.safety.urls")),
    path("report/", include("gridgov.intake.urls")),
    path("survey/", include((assessment_urls.public, "survey"))),
    path("open311/v2/", include("gridgov.cases.open311_urls")),
    path("party/", include("gridgov.party.urls")),
    path("notices/", include("gridgov.notices.urls")),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", account_views.LogoutView.as_view(), name="logout"),
    path("account/", include("gridgov.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
