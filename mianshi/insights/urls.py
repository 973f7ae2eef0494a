from django.urls import include, path

from mianshi.insights import board, views

app_name = "insights"
urlpatterns = [
    path("", views.home, name="dashboard"),
    path("home/funnel/", views.funnel_panel, name="funnel"),
    path("home/verify-trail/", views.verify_trail, name="verify_trail"),
    path("jobs/<int:job_id>/pipeline/", include(board.urlpatterns)),
]
