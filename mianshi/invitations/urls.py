"""HR routes of this app."""

from django.urls import path  # noqa: F401

app_name = "invitations"
urlpatterns: list = []
