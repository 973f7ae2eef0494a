"""Forms of the accounts UI: login (with lockout), users, grants and API keys."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from mianshi.accounts.api_auth import API_SCOPES
from mianshi.accounts.roles import Role
from mianshi.accounts.services import AccountLocked, SecondFactorRequired, user_login
from mianshi.accounts.services.login import FAILED
from mianshi.organisations.models import OrgUnit


class LockoutAuthenticationForm(AuthenticationForm):
    """Django's login form, with failures counted, locked accounts refused and TOTP checked.

    Every refusal shows the same message (services.login.FAILED), so the form is no oracle.
    """

    otp = forms.CharField(
        label=_("Authenticator code (if enabled)"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    error_messages = {**AuthenticationForm.error_messages, "invalid_login": FAILED}

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password") or ""
        if username and password:
            try:
                self.user_cache = user_login(
                    request=self.request,
                    username=username,
                    password=password,
                    otp=self.cleaned_data.get("otp") or "",
                )
            except (AccountLocked, SecondFactorRequired) as exc:
                raise self.get_invalid_login_error() from exc
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class TotpCodeForm(forms.Form):
    """A six-digit code from the authenticator app."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _unit_label(unit: OrgUnit) -> str:
    return f"{'— ' * unit.depth}{unit.name} ({unit.code})"


class _UnitChoiceMixin:
    def set_units(self, units: Any) -> None:
        field = self.fields["org_unit"]  # type: ignore[attr-defined]
        field.queryset = units
        field.label_from_instance = _unit_label


class PasswordPairForm(forms.Form):
    """A new password typed twice; the service applies the password policy."""

    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(render_value=False), strip=False
    )
    password_again = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput, strip=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class OwnPasswordForm(PasswordPairForm):
    """The signed-in user's current password, then the new one twice."""

    old_password = forms.CharField(
        label=_("Current password"), widget=forms.PasswordInput(render_value=False), strip=False
    )
    field_order = ["old_password", "password", "password_again"]


class UserCreateForm(_UnitChoiceMixin, PasswordPairForm):
    """A new user and their first role grant."""

    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Role.choices], required=False)
    org_unit = forms.ModelChoiceField(
        label=_("Organisation unit"), queryset=OrgUnit.objects.none(), required=False
    )
    field_order = [
        "username",
        "display_name",
        "email",
        "password",
        "password_again",
        "role",
        "org_unit",
    ]

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_units(units)


class UserEditForm(forms.Form):
    """Profile fields a manager may change."""

    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)


class GrantForm(_UnitChoiceMixin, forms.Form):
    """Grant a role over a unit the manager manages."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    org_unit = forms.ModelChoiceField(label=_("Organisation unit"), queryset=OrgUnit.objects.none())

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_units(units)


class ApiKeyForm(forms.Form):
    """A new API key: a label and the scopes it may use."""

    name = forms.CharField(label=_("Name"), max_length=80, required=False)
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=[(s, s) for s in API_SCOPES],
        widget=forms.CheckboxSelectMultiple,
    )


class UserFilterForm(forms.Form):
    """Filters of the user list."""

    q = forms.CharField(label=_("Search"), required=False)
    is_active = forms.TypedChoiceField(
        label=_("Status"),
        required=False,
        empty_value=None,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Deactivated"))],
        coerce=lambda v: v == "1",
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("All")), *Role.choices], required=False
    )
