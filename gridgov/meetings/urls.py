from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/export/", views.task_export, name="task_export"),
    path("tasks/<uuid:public_id>/done/", views.task_done, name="task_done"),
    path("<uuid:public_id>/", views.meeting_detail, name="detail"),
    path("<uuid:public_id>/attendance/", views.attendance, name="attendance"),
    path("<uuid:public_id>/minutes/", views.minutes, name="minutes"),
    path("<uuid:public_id>/tasks/", views.add_task, name="add_task"),
]
