from django.urls import path

from . import views, views_proposals, views_rewards, views_survey

app_name = "assessment"
urlpatterns = [
    path("", views.ranking_page, name="ranking"),
    path("export/", views.ranking_export, name="export"),
    path("mine/", views.mine, name="mine"),
    path("surveys/", views_survey.results, name="surveys"),
    path("rewards/", views_rewards.rewards_page, name="rewards"),
    path("proposals/", views_proposals.proposals_page, name="proposals"),
    path("proposals/export/", views_proposals.proposals_export, name="proposals_export"),
    path("card/<slug:subject>/<str:key>/", views.card_page, name="card"),
    path("card/<slug:subject>/<str:key>/score/", views.score, name="score"),
]

# The public survey pages (/survey/<grid code>/): no login.
public = [
    path("<str:code>/", views_survey.answer, name="answer"),
    path("<str:code>/thanks/", views_survey.thanks, name="thanks"),
]
