"""How the exam pages find their post or panel: 404 outside the reader's branch (the scoped
selectors), 403 inside it without the capability the page needs."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.organisations.scoping import has_cap
from mianshi.recruitment.models import Panel, Post
from mianshi.recruitment.selectors import post_get


def _require(user: Actor, caps: tuple[Cap, ...], unit_id: int) -> None:
    if not any(has_cap(user, cap, unit_id=unit_id) for cap in caps):
        raise PermissionDenied(_("You may not run the exams of this post."))


def hr_post(user: Actor, pk: int) -> Post:
    """A post the user sees (else 404) and whose candidates they manage (else 403)."""
    post = post_get(user=user, pk=pk)
    _require(user, (Cap.CANDIDATES_MANAGE,), post.job.org_unit_id)
    return post


def hr_panel(user: Actor, post_id: int, pk: int, *, approver: bool = False) -> Panel:
    """A panel of the post (404 outside the branch); HR, or an approver where `approver`."""
    post = post_get(user=user, pk=post_id)
    caps = (Cap.CANDIDATES_MANAGE, Cap.OFFERS_APPROVE) if approver else (Cap.CANDIDATES_MANAGE,)
    _require(user, caps, post.job.org_unit_id)
    panel = get_object_or_404(Panel.objects.filter(post=post), pk=pk)
    panel.post = post
    return panel


def refusal(exc: ValidationError) -> str:
    """A service's refusal as one line for a message."""
    return " ".join(exc.messages)


def form_errors(form: forms.Form) -> str:
    """A form's errors as one line for a message."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def act(request: HttpRequest, back: str, done: str, action: Callable[[], object]) -> HttpResponse:
    """Run one service call from a POST button; a refusal becomes an error message."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, done)
    return redirect(back)
