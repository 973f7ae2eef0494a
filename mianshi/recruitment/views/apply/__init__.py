"""The public application pages (报名, issue 15): no login, as the candidate's pages under
/i/ have none; the plan's page and form, the confirmation, the signed status link."""

from django.urls import URLPattern, path

from mianshi.recruitment.views.apply import pages

urlpatterns: list[URLPattern] = [
    path("apply/<int:pk>/", pages.apply, name="apply"),
    path("apply/received/<str:token>/", pages.received, name="apply_received"),
    path("apply/status/<str:token>/", pages.status, name="apply_status"),
]
