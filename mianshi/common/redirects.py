"""Where a form sends the user back to: its `next` field when that stays on this site.

The one home of this rule: every view that reads `next` calls `safe_next`, so an open
redirect (`next=https://evil.example/`) is refused the same way everywhere.
"""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str) -> str:
    """The POSTed `next` if it points at this host (never an open redirect), else default."""
    target = request.POST.get("next") or default
    # An https page never sends the user on over plain http.
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else default
