from django.urls import path
from django.views.generic import RedirectView

app_name = "web"
urlpatterns = [path("", RedirectView.as_view(pattern_name="grids:home"), name="home")]
