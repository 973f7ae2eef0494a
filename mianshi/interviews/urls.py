"""HR routes of this app: the live board, re-invite, recordings and answer files."""

from django.urls import path

from mianshi.interviews import views

app_name = "interviews"
urlpatterns = [
    path("", views.board_index, name="board_index"),
    path("jobs/<int:job_id>/board/", views.board, name="board"),
    path("jobs/<int:job_id>/board/rows/", views.board_rows, name="board_rows"),
    path("applications/<int:application_id>/reinvite/", views.reinvite, name="reinvite"),
    path("recordings/<uuid:pk>/", views.recording_media, name="recording_media"),
    path("answers/<int:pk>/file/", views.answer_file, name="answer_file"),
]
