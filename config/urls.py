"""URL map: the HR UI per app, the API under /api/, Django admin under /admin/."""

from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("mianshi.accounts.urls")),
    path("org/", include("mianshi.organisations.urls")),
    path("jobs/", include("mianshi.jobs.urls")),
    path("candidates/", include("mianshi.candidates.urls")),
    path("audit/", include("mianshi.compliance.urls")),
    path("invitations/", include("mianshi.invitations.urls")),
    path("interviews/", include("mianshi.interviews.urls")),
    path("reviews/", include("mianshi.reviews.urls")),
    path("i/", include("mianshi.interviews.candidate_urls")),
    path("", include("mianshi.common.urls")),
]
