"""UI routes of this app."""

from django.urls import path

from mianshi.candidates import views

app_name = "candidates"
urlpatterns = [
    path("", views.candidate_list, name="candidate_list"),
    path("new/", views.candidate_create, name="candidate_create"),
    path("bulk/", views.bulk, name="bulk"),
    path("<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("<int:pk>/edit/", views.candidate_edit, name="candidate_edit"),
    path("<int:pk>/delete/", views.candidate_delete, name="candidate_delete"),
    path("<int:pk>/erase/", views.candidate_erase, name="candidate_erase"),
    path("<int:pk>/resume/", views.resume_download, name="resume_download"),
    path("<int:pk>/resume/upload/", views.resume_upload, name="resume_upload"),
    path("<int:pk>/resume/delete/", views.resume_delete, name="resume_delete"),
    path("<int:pk>/reveal/", views.candidate_reveal, name="candidate_reveal"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/tags/", views.tag_add, name="tag_add"),
    path("<int:pk>/tags/remove/", views.tag_remove, name="tag_remove"),
    path("<int:pk>/applications/", views.application_create, name="application_create"),
    path(
        "applications/<int:pk>/transition/",
        views.application_transition,
        name="application_transition",
    ),
    path("applications/<int:pk>/assign/", views.application_assign, name="application_assign"),
]
