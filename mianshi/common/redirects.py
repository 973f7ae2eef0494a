"""Where a form sends the user back to: its `next` field when that stays on this site."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str) -> str:
    """The POSTed `next` if it points at this host (never an open redirect), else default."""
    target = request.POST.get("next") or default
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if safe else default
