"""The event catalogue page."""

from django.urls import path

from mianshi.events import views

app_name = "events"

urlpatterns = [path("", views.catalogue, name="catalogue")]
