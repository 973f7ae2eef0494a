"""The employee archive pages (namespace employees:, at /employees/)."""

from django.urls import path

from mianshi.employees import views, views_settings

app_name = "employees"

urlpatterns = [
    path("", views.employee_list, name="employee_list"),
    path("<int:employee_id>/", views.employee_detail, name="employee_detail"),
    path("<int:employee_id>/records/", views.record_add, name="employee_record_add"),
    path("<int:employee_id>/report.pdf", views.baseline_report, name="employee_report"),
    path("import/", views.posthire_upload, name="employee_import"),
    path("settings/", views_settings.archive_settings, name="employee_settings"),
]
