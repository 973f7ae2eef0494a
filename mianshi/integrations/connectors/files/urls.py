"""The file import/export pages, at /integrations/connectors/files/ (namespace integrations:)."""

from django.urls import path

from mianshi.integrations.connectors.files import views

urlpatterns = [
    path("", views.files_import, name="files_import"),
    path("export/", views.files_export, name="files_export"),
]
