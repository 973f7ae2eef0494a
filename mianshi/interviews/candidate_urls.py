"""The candidate's side under /i/: no login, the invitation token is the key (F-40)."""

from django.urls import path

from mianshi.interviews.candidate import views as candidate_views
from mianshi.interviews.candidate.api import candidate_api
from mianshi.interviews.tus import views as tus_views
from mianshi.invitations import public_views

app_name = "candidate"
urlpatterns = [
    path("api/", candidate_api.urls),
    path("<str:token>/", candidate_views.interview_page, name="interview"),
    path("<str:token>/status/", public_views.status_page, name="status"),
    path("<str:token>/tus/", tus_views.collection, name="tus_collection"),
    path("<str:token>/tus/<uuid:upload_id>", tus_views.resource, name="tus_resource"),
]
