from django.urls import path

from . import urls_boards, views

app_name = "teams"
urlpatterns = [
    # First: `<network>/<code>/` below would take board/… and profile/….
    *urls_boards.urlpatterns,
    path("", views.overview, name="overview"),
    path("assignments/<int:pk>/end/", views.end, name="end"),
    path("<slug:network>/<str:code>/", views.team, name="team"),
    path("<slug:network>/<str:code>/assign/", views.assign, name="assign"),
    path("<slug:network>/<str:code>/uncovered/", views.uncovered, name="uncovered"),
]
