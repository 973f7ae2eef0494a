"""URL map: the HR UI per app, the API under /api/; Django admin under /admin/ only when enabled.

The admin is off by default (H4): HR work happens in the UI, where every change is a
service with an audit event. MIANSHI_ADMIN=1 mounts it for support, read-only for accounts.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("accounts/", include("mianshi.accounts.urls")),
    path("org/", include("mianshi.organisations.urls")),
    path("jobs/", include("mianshi.jobs.urls")),
    path("candidates/", include("mianshi.candidates.urls")),
    path("audit/", include("mianshi.compliance.urls")),
    path("invitations/", include("mianshi.invitations.urls")),
    path("interviews/", include("mianshi.interviews.urls")),
    path("reviews/", include("mianshi.reviews.urls")),
    path("events/", include("mianshi.events.urls")),
    path("integrations/", include("mianshi.integrations.urls")),
    path("employees/", include("mianshi.employees.urls")),
    path("recruitment/", include("mianshi.recruitment.urls")),
    path("i/", include("mianshi.interviews.candidate_urls")),
    path("", include("mianshi.common.urls")),
    path("", include("mianshi.insights.urls")),
]

# Translated pages in the product's frame instead of Django's bare English ones.
handler400 = "mianshi.common.error_views.bad_request"
handler403 = "mianshi.common.error_views.permission_denied"
handler404 = "mianshi.common.error_views.page_not_found"
handler500 = "mianshi.common.error_views.server_error"

if settings.ADMIN_ENABLED:
    urlpatterns.insert(1, path("admin/", admin.site.urls))
