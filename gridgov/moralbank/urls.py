from django.urls import path

from . import views, views_money, views_public, views_rules, views_shop

app_name = "moralbank"
urlpatterns = [
    path("", views.index, name="index"),
    path("overview/", views_money.overview, name="overview"),
    path("v/<uuid:public_id>/", views_public.page, name="public"),
    path("v/<uuid:public_id>/notice/", views_public.notice, name="public_notice"),
    path("v/<uuid:public_id>/object/<uuid:item>/", views_public.object_to, name="public_object"),
    path("declarations/<uuid:public_id>/vote/", views.vote, name="vote"),
    path("declarations/<uuid:public_id>/check/", views.check, name="check"),
    path("declarations/<uuid:public_id>/object/", views.object_to, name="object"),
    path("objections/<uuid:public_id>/rule/", views.rule, name="rule"),
    path("cards/<uuid:public_id>/", views.card, name="card"),
    path("<str:code>/", views.village, name="village"),
    path("<str:code>/review/", views.review, name="review"),
    path("<str:code>/rules/", views_rules.rules, name="rules"),
    path("<str:code>/declare/", views.declare, name="declare"),
    path("<str:code>/veto/", views.veto, name="veto"),
    path("<str:code>/ranking/", views.ranking, name="ranking"),
    path("<str:code>/goods/", views_money.goods, name="goods"),
    path("<str:code>/money/", views_money.money, name="money"),
    path("<str:code>/accounts/<str:card>/", views.account, name="account"),
]

# The keeper's phone pages, under /m/moralbank/.
phone = [
    path("<uuid:public_id>/", views_shop.redeem, name="redeem"),
    path("receipts/<uuid:public_id>/", views_shop.receipt, name="receipt"),
]
