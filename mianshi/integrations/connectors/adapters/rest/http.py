"""One way every adapter talks HTTP and reads an EHR's answer as success or AdapterError.

Each partner fails in the same few ways, and the sync engine only needs to know whether
to try again: a timeout, a refused connection, 429 and 5xx are retried (honouring
`Retry-After`); 401/403 mean the credentials were refused and wait for a person; another
4xx means the partner refused the record, and its own message is kept for the health
page. Redirects are never followed: an EHR that moves must be reconfigured, and a
redirect must not carry our credentials to another host.
"""

from __future__ import annotations

import json
import socket
import time
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from django.utils.translation import gettext as _

from mianshi.integrations.connectors.protocol import AdapterError, Context
from mianshi.integrations.webhooks.outbound import OutboundRefused, check_url

EXCERPT = 500  # characters of a partner's answer kept for the sync row and the health page
MAX_ANSWER = 32 << 20  # bytes: a page of 20 Moka applications or 1,000 OData rows is < 5 MB


def excerpt(text: str | bytes) -> str:
    """The start of a partner's answer, for messages and PushResult.excerpt."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return text[:EXCERPT]


def send(ctx: Context, method: str, url: str, **kwargs: Any) -> requests.Response:
    """One request with the connector's timeout and no redirects, to an address the SSRF
    guard allows, its answer read up to MAX_ANSWER; network failures become retryable
    AdapterErrors."""
    _check_address(url)
    try:
        resp = requests.request(
            method, url, timeout=ctx.timeout, allow_redirects=False, stream=True, **kwargs
        )
        with resp:
            resp._content = _read_capped(resp)
        return resp
    except requests.Timeout:
        raise AdapterError(
            _("The partner did not answer in time."), retryable=True, code="timeout"
        ) from None
    except requests.RequestException as exc:
        msg = _("The partner could not be reached (%(reason)s).") % {"reason": type(exc).__name__}
        raise AdapterError(msg, retryable=True, code="unreachable") from None


def _read_capped(resp: requests.Response) -> bytes:
    """The body, refusing one larger than MAX_ANSWER: a partner (or whatever answers at its
    address) must not fill the worker's memory."""
    chunks, size = [], 0
    for chunk in resp.iter_content(64 * 1024):
        size += len(chunk)
        if size > MAX_ANSWER:
            msg = _("The partner's answer is larger than %(mb)s MB.") % {"mb": MAX_ANSWER >> 20}
            raise AdapterError(msg, retryable=False, code="bad_response")
        chunks.append(chunk)
    return b"".join(chunks)


def _check_address(url: str) -> None:
    """The webhooks' outbound guard: no loopback, link-local or cloud metadata address
    unless allow-listed (MIANSHI_WEBHOOK_ALLOW); a host that does not resolve may later."""
    try:
        check_url(url)
    except OutboundRefused as exc:
        unresolved = isinstance(exc.__cause__, socket.gaierror)
        code = "unreachable" if unresolved else "address_refused"
        raise AdapterError(exc.message, retryable=unresolved, code=code) from None


def retry_after(value: str | None) -> float | None:
    """`Retry-After` in seconds (delta-seconds or an HTTP date), None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def check_status(resp: requests.Response, partner_message: str = "") -> None:
    """Nothing for 2xx; otherwise the AdapterError that status means. `partner_message` is
    what the partner said in its own error shape, when the caller could read it."""
    status = resp.status_code
    if 200 <= status < 300:
        return
    detail = partner_message or excerpt(resp.content) or str(status)
    if status in (401, 403):
        raise credentials_refused(detail)
    if status in (408, 429) or status >= 500:
        raise _busy(resp, detail)
    if 300 <= status < 400:
        msg = _("The partner answered with a redirect (HTTP %(status)s), which is not followed.")
        raise AdapterError(msg % {"status": status}, retryable=False, code="redirect")
    raise refused(detail, status)


def _busy(resp: requests.Response, detail: str) -> AdapterError:
    msg = _("The partner is busy or failing (HTTP %(status)s): %(detail)s")
    return AdapterError(
        msg % {"status": resp.status_code, "detail": detail},
        retryable=True,
        retry_after=retry_after(resp.headers.get("Retry-After")),
        code="rate_limited" if resp.status_code == 429 else "unavailable",
    )


def credentials_refused(detail: str) -> AdapterError:
    """Wrong or revoked credentials: retrying cannot help, a person must fix them."""
    msg = _("The partner refused the credentials: %(detail)s") % {"detail": excerpt(detail)}
    return AdapterError(msg, retryable=False, code="credentials")


def refused(detail: str, status: int | str = "") -> AdapterError:
    """The partner refused the record itself (validation, unknown reference…)."""
    msg = _("The partner refused the record (%(status)s): %(detail)s")
    return AdapterError(
        msg % {"status": status, "detail": excerpt(detail)}, retryable=False, code="refused"
    )


def malformed(detail: str) -> AdapterError:
    """An answer we cannot read: not retried, since the same answer would come back."""
    msg = _("The partner's answer could not be read: %(detail)s") % {"detail": excerpt(detail)}
    return AdapterError(msg, retryable=False, code="bad_response")


def bad_settings(detail: str) -> AdapterError:
    """The connector's own settings are wrong (a template, a path): a person must fix them."""
    msg = _("The connector's settings are invalid: %(detail)s") % {"detail": detail}
    return AdapterError(msg, retryable=False, code="bad_settings")


def partner_message(resp: requests.Response) -> str:
    """What the partner said went wrong, from the usual JSON error shapes (OAuth 2.0's
    `error_description`, `message`, `msg`…), else the start of its answer."""
    try:
        body = json.loads(resp.content)
    except ValueError:
        return excerpt(resp.content)
    if isinstance(body, dict):
        for key in ("error_description", "message", "msg", "error", "detail", "title"):
            if isinstance(body.get(key), str | int) and str(body[key]):
                return excerpt(str(body[key]))
    return excerpt(resp.content)


def json_body(resp: requests.Response) -> Any:
    """The JSON answer, or a malformed-response error quoting what came instead."""
    try:
        return json.loads(resp.content)
    except ValueError:
        raise malformed(excerpt(resp.content) or _("empty answer")) from None


def json_dumps(payload: Any) -> bytes:
    """The exact bytes we send (and sign): compact UTF-8 JSON, Chinese kept readable."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
