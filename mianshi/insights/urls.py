from django.urls import path

from mianshi.insights import views

app_name = "insights"
urlpatterns = [path("", views.home, name="dashboard")]
