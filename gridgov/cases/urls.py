from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("photos/<uuid:public_id>/", views.photo, name="photo"),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/<slug:action>/", views.case_act, name="act"),
]
