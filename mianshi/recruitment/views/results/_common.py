"""What the results pages share: the post they are about, who may do what on it, a POST
button's service call with its refusal shown, and a form's refusal put on the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.organisations.scoping import has_cap
from mianshi.recruitment.models import Post
from mianshi.recruitment.selectors_results import post_for_results

PAGES = ("results", "progress", "publication")


def post_of(user: Actor, post_id: int) -> Post:
    """The post whose results `user` may read, else 404."""
    return post_for_results(user=user, pk=post_id)


def abilities(user: Actor, post: Post) -> dict[str, bool]:
    """What the page offers: HR steps (CANDIDATES_MANAGE) and approvals (OFFERS_APPROVE)."""
    unit = post.job.org_unit_id
    return {
        "can_manage": has_cap(user, Cap.CANDIDATES_MANAGE, unit_id=unit),
        "can_approve": has_cap(user, Cap.OFFERS_APPROVE, unit_id=unit),
    }


def page_url(name: str, post_id: int, anchor: str = "") -> str:
    """One of the results pages of a post (`name` in PAGES), opened at `anchor`."""
    url = reverse(f"recruitment:{name}", args=[post_id])
    return f"{url}#{anchor}" if anchor else url


def back_to(request: HttpRequest, post_id: int, default: str) -> str:
    """The page the button was on (a `back` field naming one of PAGES), else `default`."""
    name = request.POST.get("back", "")
    return page_url(name if name in PAGES else default, post_id)


def act(request: HttpRequest, back: str, action: Callable[[], Any], done: str) -> HttpResponse:
    """Run one service call from a POST button; show its refusal instead of a 500."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(back)


def refused(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal onto the form: per field where it names one, else the form's."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
