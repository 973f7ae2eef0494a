"""Recruitment pages: plans, posts, screening and the working-day calendar (see
views/__init__.py)."""

from django.urls import URLPattern, path

from mianshi.recruitment.views.plans import calendar, plans, posts, screening

urlpatterns: list[URLPattern] = [
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/new/", plans.plan_create_view, name="plan_create"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/announce/", plans.plan_announce_view, name="plan_announce"),
    path("plans/<int:pk>/announcement/", plans.announcement_preview, name="announcement_preview"),
    path("plans/<int:pk>/announcement.doc", plans.announcement, name="announcement"),
    path("plans/<int:pk>/posts/new/", posts.post_create_view, name="post_create"),
    path("posts/<int:pk>/", posts.post_detail, name="post_detail"),
    path("posts/<int:pk>/rules/", posts.post_rules, name="post_rules"),
    path("posts/<int:pk>/opening-check/", posts.opening_check, name="opening_check"),
    path("posts/<int:pk>/decision/", posts.ratio_decide, name="ratio_decide"),
    path("posts/<int:pk>/screening/run/", screening.screening_run_view, name="screening_run"),
    path(
        "posts/<int:pk>/screening/<int:application>/",
        screening.screening_override_view,
        name="screening_override",
    ),
    path("applications/<int:pk>/facts/", screening.facts_edit, name="facts_edit"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("calendar/days/", calendar.calendar_day_add, name="calendar_day_add"),
    path("calendar/days/remove/", calendar.calendar_day_delete, name="calendar_day_remove"),
    path("calendar/load/", calendar.calendar_load, name="calendar_load"),
]
