"""HR routes of invitations."""

from django.urls import path

from mianshi.invitations import views

app_name = "invitations"
urlpatterns = [
    path("", views.invitation_list, name="invitation_list"),
    path("applications/<int:pk>/invite/", views.invite, name="invite"),
    path("bulk/", views.bulk_invite, name="bulk_invite"),
    path("applications/<int:pk>/reinvite/", views.reinvite, name="reinvite"),
    path("<int:pk>/resend/", views.resend, name="resend"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
]
