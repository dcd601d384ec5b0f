from django.urls import path

from . import views

app_name = "safety"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.month_page, name="month"),
    path("<str:code>/export/", views.export, name="export"),
    path("<str:code>/close/", views.close, name="close"),
    path("<str:code>/mine/", views.mine, name="mine"),
    path("<str:code>/bulletin/<str:month>/", views.bulletin, name="bulletin"),
    path("<str:code>/violations/new/", views.violation_new, name="violation_new"),
    path("<str:code>/violations/<uuid:vid>/reverse/", views.reverse, name="reverse"),
]
