"""Login, logout and (added by the accounts UI) user management."""

from django.contrib.auth import views as auth_views
from django.urls import path

from mianshi.accounts.forms import LockoutAuthenticationForm

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LockoutAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
