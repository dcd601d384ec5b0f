from django.urls import path

from . import indicator_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("photos/<uuid:public_id>/", views.photo, name="photo"),
    path("indicators/", indicator_views.indicators_page, name="indicators"),
    path("indicators/export/", indicator_views.indicators_export, name="indicators_export"),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/<slug:action>/", views.case_act, name="act"),
]
