"""The employee archive pages."""

from django.urls import URLPattern

app_name = "employees"

urlpatterns: list[URLPattern] = []
