"""UI routes of this app."""

from django.urls import path

from mianshi.compliance import views

app_name = "compliance"
urlpatterns = [
    path("", views.event_list, name="event_list"),
]
