"""UI routes of this app."""

from django.urls import path

from mianshi.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("new/", views.unit_create, name="unit_create"),
    path("<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("<int:pk>/deactivate/", views.unit_deactivate, name="unit_deactivate"),
    path("<int:pk>/reactivate/", views.unit_reactivate, name="unit_reactivate"),
]
