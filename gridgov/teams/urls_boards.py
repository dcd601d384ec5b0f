"""Routes of notice boards, contact cards and public cards, included first by teams/urls.py
(before the team pages' `<code>/`, which would take `boards/` and `profile/`)."""

from django.urls import path

from . import views_board as views

urlpatterns = [
    path("board/<str:code>/", views.board, name="board"),
    path("board/<str:code>/board.pdf", views.board_pdf, name="board_pdf"),
    path("board/<str:code>/boards.pdf", views.boards_pdf, name="boards_pdf"),
    path("board/<str:code>/cards.pdf", views.cards_pdf, name="cards_pdf"),
    path("boards/", views.boards_index, name="boards"),
    path("photo/<uuid:public_id>/", views.photo, name="photo"),
    path("profile/", views.my_profile, name="my_profile"),
    path("profile/<int:user_id>/", views.profile, name="profile"),
]
