"""Login, logout and user management."""

from django.contrib.auth import views as auth_views
from django.urls import path

from mianshi.accounts import views
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
    path("security/", views.security, name="security"),
    path("password/", views.password_change, name="password_change"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/activate/", views.user_activate, name="user_activate"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("users/<int:pk>/totp-reset/", views.user_totp_reset, name="user_totp_reset"),
    path("users/<int:pk>/grants/", views.grant_add, name="grant_add"),
    path("grants/<int:pk>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("users/<int:pk>/api-keys/", views.apikey_add, name="apikey_add"),
    path("api-keys/<int:pk>/revoke/", views.apikey_revoke, name="apikey_revoke"),
    path("api-keys/", views.my_api_keys, name="my_api_keys"),
]
