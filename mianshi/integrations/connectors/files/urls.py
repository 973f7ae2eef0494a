"""The file import/export pages, at /integrations/connectors/files/ (namespace integrations:)."""

from django.urls import path

from mianshi.integrations.connectors.files import job_views, views

urlpatterns = [
    path("", views.files_import, name="files_import"),
    path("export/", views.files_export, name="files_export"),
    path("imports/<int:pk>/", job_views.files_import_job, name="files_import_job"),
    path(
        "imports/<int:pk>/report.csv",
        job_views.files_import_job_report,
        name="files_import_job_report",
    ),
]
