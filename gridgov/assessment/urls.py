from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.ranking_page, name="ranking"),
    path("export/", views.ranking_export, name="export"),
    path("mine/", views.mine, name="mine"),
    path("card/<slug:subject>/<str:key>/", views.card_page, name="card"),
    path("card/<slug:subject>/<str:key>/score/", views.score, name="score"),
]
