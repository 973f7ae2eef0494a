"""User management UI: users, role grants, unlock, passwords and API keys (F-02, F-04)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mianshi.accounts import selectors, services, totp
from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.forms import (
    ApiKeyForm,
    GrantForm,
    OwnPasswordForm,
    PasswordPairForm,
    TotpCodeForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from mianshi.accounts.models import ApiKey, User
from mianshi.accounts.services.login import totp_secret_of
from mianshi.common.errors import DomainError
from mianshi.common.once import secret_once_render
from mianshi.organisations.forms import add_service_errors
from mianshi.organisations.selectors import orgunit_choices

Refusal = (ValidationError, DomainError)


@login_required
def user_list(request: AuthedHttpRequest) -> HttpResponse:
    filters = UserFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    users = selectors.user_list(
        actor=request.user,
        q=data.get("q", ""),
        is_active=data.get("is_active"),
        role=data.get("role", ""),
    )
    page = Paginator(users, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "filters": filters, "query": query.urlencode()},
    )


@login_required
def user_create(request: AuthedHttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None, units=orgunit_choices(user=request.user))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "password_again"}
        try:
            user = services.user_create(actor=request.user, **data)
        except Refusal as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("User created."))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "target": None})


def _detail(request: AuthedHttpRequest, target: User, **forms: Any) -> HttpResponse:
    units = orgunit_choices(user=request.user)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "grants": selectors.user_grants(actor=request.user, user=target),
            "hidden_grants": selectors.grants_hidden_count(actor=request.user, user=target),
            "keys": selectors.user_api_keys(actor=request.user, user=target),
            "can_manage": selectors.can_administer(actor=request.user, target=target),
            "is_self": target.pk == request.user.pk,
            "grant_form": forms.get("grant_form") or GrantForm(units=units),
            "key_form": forms.get("key_form") or ApiKeyForm(),
        },
    )


@login_required
def user_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.user_get(actor=request.user, pk=pk))


@login_required
def user_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    target = selectors.user_get(actor=request.user, pk=pk)
    initial = {
        "username": target.username,
        "display_name": target.display_name,
        "email": target.email,
    }
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=target, **form.cleaned_data)
        except Refusal as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("User saved."))
            return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/user_form.html", {"form": form, "target": target})


@login_required
def user_password(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    target = selectors.user_get(actor=request.user, pk=pk)
    form = PasswordPairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(
                actor=request.user, user=target, password=form.cleaned_data["password"]
            )
        except Refusal as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Password set."))
            return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/user_password.html", {"form": form, "target": target})


def _action(request: AuthedHttpRequest, pk: int, service: Any, done: str) -> HttpResponse:
    target = selectors.user_get(actor=request.user, pk=pk)
    try:
        service(actor=request.user, user=target)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@require_POST
def user_deactivate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, services.user_deactivate, _("User deactivated."))


@login_required
@require_POST
def user_activate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, services.user_activate, _("User reactivated."))


@login_required
@require_POST
def user_unlock(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, services.user_unlock, _("User unlocked."))


@login_required
@require_POST
def grant_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    target = selectors.user_get(actor=request.user, pk=pk)
    form = GrantForm(request.POST, units=orgunit_choices(user=request.user))
    if form.is_valid():
        try:
            services.grant_create(actor=request.user, user=target, **form.cleaned_data)
        except Refusal as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Role granted."))
            return redirect("accounts:user_detail", pk=target.pk)
    return _detail(request, target, grant_form=form)


@login_required
@require_POST
def grant_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    grant = selectors.grant_get(actor=request.user, pk=pk)
    try:
        services.grant_revoke(actor=request.user, grant=grant)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Role revoked."))
    return redirect("accounts:user_detail", pk=grant.user_id)


def _key_shown_once(
    request: AuthedHttpRequest, target: User, key: ApiKey, raw: str
) -> HttpResponse:
    context = {"target": target, "key": key}
    return secret_once_render(request, "accounts/apikey_created.html", context, secret=raw)


@login_required
@require_POST
def apikey_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    target = selectors.user_get(actor=request.user, pk=pk)
    form = ApiKeyForm(request.POST)
    if form.is_valid():
        try:
            key, raw = services.apikey_create(actor=request.user, user=target, **form.cleaned_data)
        except Refusal as exc:
            add_service_errors(form, exc)
        else:
            return _key_shown_once(request, target, key, raw)
    return _detail(request, target, key_form=form)


@login_required
@require_POST
def apikey_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    key = selectors.apikey_get(actor=request.user, pk=pk)
    services.apikey_revoke(actor=request.user, key=key)
    messages.success(request, _("API key revoked."))
    if key.user_id == request.user.pk:
        return redirect("accounts:my_api_keys")
    return redirect("accounts:user_detail", pk=key.user_id)


@login_required
def my_api_keys(request: AuthedHttpRequest) -> HttpResponse:
    """Every signed-in user's own keys: list, create (shown once), revoke."""
    user = request.user
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key, raw = services.apikey_create(actor=user, user=user, **form.cleaned_data)
        except Refusal as exc:
            add_service_errors(form, exc)
        else:
            return _key_shown_once(request, user, key, raw)
    keys = selectors.my_api_keys(user=user)
    return render(request, "accounts/my_api_keys.html", {"keys": keys, "key_form": form})


@login_required
def password_change(request: AuthedHttpRequest) -> HttpResponse:
    """The signed-in user's own password; this session goes on, the others end."""
    user = request.user
    form = OwnPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change_own_password(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["password"],
            )
        except Refusal as exc:
            add_service_errors(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Password changed. Your other sessions have ended."))
            return redirect("accounts:security")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def security(request: AuthedHttpRequest) -> HttpResponse:
    """The signed-in user's own second factor: set up, confirm, or turn off."""
    user = request.user
    form = TotpCodeForm(request.POST or None)
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "begin":
        try:
            services.totp_begin(user=user)
        except DomainError as exc:  # already on (L8): say so instead of failing
            messages.error(request, exc.message)
        return redirect("accounts:security")
    if request.method == "POST" and form.is_valid():
        return _security_post(request, form, action)
    return _security_page(request, form)


def _security_post(request: AuthedHttpRequest, form: TotpCodeForm, action: str) -> HttpResponse:
    user = request.user
    try:
        if action == "disable":
            if totp.matching_step(totp_secret_of(user), form.cleaned_data["code"]) is None:
                raise ValidationError({"code": _("This code is not valid.")})
            services.totp_disable(actor=user, user=user)
        else:
            services.totp_enable(user=user, code=form.cleaned_data["code"])
    except Refusal as exc:
        add_service_errors(form, exc)
        return _security_page(request, form)
    messages.success(request, _("Second factor updated."))
    return redirect("accounts:security")


def _security_page(request: AuthedHttpRequest, form: TotpCodeForm) -> HttpResponse:
    user = request.user
    pending = bool(user.totp_secret) and not user.totp_enabled
    secret = totp_secret_of(user) if pending else ""
    return render(
        request,
        "accounts/security.html",
        {
            "form": form,
            "pending": pending,
            "secret": secret,
            "uri": totp.provisioning_uri(secret, user.username) if pending else "",
        },
    )


@login_required
@require_POST
def user_totp_reset(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, services.totp_disable, _("Second factor turned off."))
