"""The transition-action pages, under /integrations/transition-actions/ (namespace integrations)."""

from django.urls import path

from mianshi.integrations.automation import views

urlpatterns = [
    path("", views.automation_index, name="automation_index"),
    path("jobs/<int:job_id>/", views.automation_job, name="automation_job"),
    path(
        "applications/<int:application_id>/",
        views.automation_application,
        name="automation_application",
    ),
    path("rules/<int:pk>/edit/", views.automation_rule_edit, name="automation_rule_edit"),
    path("rules/<int:pk>/delete/", views.automation_rule_delete, name="automation_rule_delete"),
    path("notices/new/", views.automation_notice_create, name="automation_notice_create"),
    path("notices/<int:pk>/edit/", views.automation_notice_edit, name="automation_notice_edit"),
    path(
        "notices/<int:pk>/delete/", views.automation_notice_delete, name="automation_notice_delete"
    ),
    path("runs/<int:pk>/retry/", views.automation_run_retry, name="automation_run_retry"),
]
