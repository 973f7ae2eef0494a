"""Login form that goes through the lockout service."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from mianshi.accounts.services import AccountLocked, user_login


class LockoutAuthenticationForm(AuthenticationForm):
    """Django's login form, with failures counted and locked accounts refused."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password."),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password") or ""
        if username and password:
            try:
                self.user_cache = user_login(request=self.request, username=username, password=password)
            except AccountLocked as exc:
                raise forms.ValidationError(exc.message, code="locked") from exc
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
