"""What the candidate views share: the read audit of a page, a POST button's service call with
its refusal shown, and where to go back to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.common.errors import DomainError
from mianshi.compliance.services import audit_read


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _audit_view(request: AuthedHttpRequest, candidate: Any, *, full: bool, page: str) -> None:
    """A page showing a candidate's identity is a read of personal data (F-100)."""
    shown = "full" if full else "masked"
    detail = {"identifiers": shown, "page": page}
    audit_read(actor=request.user, action="candidate.view", obj=candidate, detail=detail)


def _act(request: HttpRequest, back: str, action: Callable[[], Any], done: str) -> HttpResponse:
    """Run one service call from a POST button; show the refusal instead of a 500."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(back)


def _back(pk: int, tab: str = "") -> str:
    """The candidate page, opened on `tab` (an anchor: the tabs work without JS)."""
    url = reverse("candidates:candidate_detail", kwargs={"pk": pk})
    return f"{url}#tab-{tab}" if tab else url


def _confirm(request: HttpRequest, candidate: Any, kind: str) -> HttpResponse:
    """The confirmation step of a danger-zone action (GET); the POST does it."""
    return render(
        request, "candidates/candidate_confirm.html", {"candidate": candidate, "kind": kind}
    )
