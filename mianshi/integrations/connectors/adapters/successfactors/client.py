"""SAP SuccessFactors OData v2 over HTTP: the OAuth 2.0 SAML-bearer token, then Bearer calls.

SuccessFactors authenticates API clients with OAuth 2.0's SAML 2.0 bearer grant: a SAML
assertion for the API user, signed with the private key of the registered OAuth client, is
exchanged at `POST /oauth/token` (form: company_id, client_id = the API key, grant_type =
urn:ietf:params:oauth:grant-type:saml2-bearer, assertion) for an access token that expires
(`expires_in` seconds). The assertion comes from SuccessFactors' own `POST /oauth/idp`
(form: client_id, user_id, token_url, private_key = the base64 key) — SAP discourages it
in favour of an own IdP, but it is the one path that needs nothing else installed. The
token is kept in the connector's state and fetched again shortly before it expires or when
an OData call answers 401. Errors map to AdapterError: 401/403 → credentials refused (a
person must act), 429/5xx/timeouts → retry (honouring Retry-After), other 4xx → refused.
"""

from __future__ import annotations

import json
import threading
import time
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import requests
from django.utils.translation import gettext as _

from mianshi.integrations.connectors.protocol import AdapterError, Context

GRANT = "urn:ietf:params:oauth:grant-type:saml2-bearer"
EARLY = 120.0  # seconds before expiry when a token is fetched again
EXCERPT = 500


def _base(ctx: Context) -> str:
    return str(ctx.settings.get("base_url", "")).rstrip("/") + "/"


_local = threading.local()


def _session() -> requests.Session:
    """One keep-alive session per thread: a worker pushing thousands of records reuses its
    connection instead of a TCP (and TLS) handshake per call."""
    session: requests.Session | None = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


def _send(ctx: Context, method: str, url: str, **kwargs: Any) -> requests.Response:
    try:
        return _session().request(method, url, timeout=ctx.timeout, allow_redirects=False, **kwargs)
    except requests.Timeout:
        raise AdapterError(
            _("SuccessFactors did not answer in time."), retryable=True, code="timeout"
        ) from None
    except requests.RequestException as exc:
        msg = _("SuccessFactors could not be reached (%(reason)s).") % {
            "reason": type(exc).__name__
        }
        raise AdapterError(msg, retryable=True, code="unreachable") from None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def sf_message(resp: requests.Response) -> str:
    """SuccessFactors' own words: OData `error.message.value`, the token endpoint's
    `errorMessage`, or the start of the body."""
    try:
        body = resp.json()
    except ValueError:
        return resp.text[:EXCERPT]
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), dict):
            return str(error["message"].get("value", ""))[:EXCERPT]
        for key in ("errorMessage", "error_description", "message"):
            if body.get(key):
                return str(body[key])[:EXCERPT]
    return resp.text[:EXCERPT]


def raise_for(resp: requests.Response) -> None:
    """Nothing for 2xx, else the AdapterError SuccessFactors' status means."""
    status = resp.status_code
    if 200 <= status < 300:
        return
    said = sf_message(resp) or str(status)
    if status in (401, 403):
        msg = _("SuccessFactors refused the credentials (HTTP %(s)s): %(m)s")
        raise AdapterError(msg % {"s": status, "m": said}, retryable=False, code="credentials")
    if status in (408, 429) or status >= 500:
        msg = _("SuccessFactors is busy or failing (HTTP %(s)s): %(m)s")
        raise AdapterError(
            msg % {"s": status, "m": said}, retryable=True,
            retry_after=_retry_after(resp.headers.get("Retry-After")),
            code="rate_limited" if status == 429 else "unavailable",
        )  # fmt: skip
    msg = _("SuccessFactors refused the request (HTTP %(s)s): %(m)s")
    raise AdapterError(msg % {"s": status, "m": said}, retryable=False, code="refused")


def _assertion(ctx: Context) -> str:
    form = {
        "client_id": ctx.credentials.get("client_id", ""),
        "user_id": ctx.settings.get("user_id", ""),
        "token_url": urljoin(_base(ctx), "oauth/token"),
        "private_key": ctx.credentials.get("private_key", ""),
    }
    resp = _send(ctx, "POST", urljoin(_base(ctx), "oauth/idp"), data=form)
    _auth_errors(resp)
    return resp.text.strip()


def _auth_errors(resp: requests.Response) -> None:
    # The OAuth endpoints answer a bad key, client or assertion with 400 or 401: both mean
    # the credentials, never something a retry fixes.
    if resp.status_code in (400, 401, 403):
        msg = _("SuccessFactors refused the credentials (HTTP %(s)s): %(m)s")
        raise AdapterError(
            msg % {"s": resp.status_code, "m": sf_message(resp)},
            retryable=False,
            code="credentials",
        )
    raise_for(resp)


def token_fetch(ctx: Context) -> str:
    """A fresh access token (stored in ctx.state with its expiry)."""
    form = {
        "company_id": ctx.settings.get("company_id", ""),
        "client_id": ctx.credentials.get("client_id", ""),
        "grant_type": GRANT,
        "assertion": _assertion(ctx),
    }
    resp = _send(ctx, "POST", urljoin(_base(ctx), "oauth/token"), data=form)
    _auth_errors(resp)
    body = resp.json()
    token = str(body["access_token"])
    ctx.state["access_token"] = token
    ctx.state["expires_at"] = time.time() + float(body.get("expires_in", 3600))
    return token


def token(ctx: Context) -> str:
    """The stored token while it has more than EARLY seconds left, else a new one."""
    stored = ctx.state.get("access_token")
    if stored and float(ctx.state.get("expires_at", 0)) - EARLY > time.time():
        return str(stored)
    return token_fetch(ctx)


def odata(ctx: Context, method: str, url: str, *, params: Any = None, body: Any = None) -> Any:
    """One OData call with the Bearer token (fetched again once on 401); the JSON answer."""
    data = json.dumps(body) if body is not None else None
    for attempt in (1, 2):
        headers = {"Authorization": f"Bearer {token(ctx)}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        resp = _send(ctx, method, url, headers=headers, params=params, data=data)
        if resp.status_code == 401 and attempt == 1:
            ctx.state.pop("access_token", None)  # expired or revoked early: fetch a new one
            continue
        raise_for(resp)
        try:
            return resp.json()
        except ValueError:
            msg = _("SuccessFactors answered with something that is not JSON.")
            raise AdapterError(msg, retryable=False, code="bad_response") from None
    raise AssertionError("unreachable")


def entity_url(ctx: Context, entity: str) -> str:
    return urljoin(_base(ctx), f"odata/v2/{entity}")


def results_page(
    ctx: Context, url: str, params: dict[str, str] | None = None
) -> tuple[list[dict[str, Any]], str]:
    """One page of an entity set: (results, the `__next` link or "")."""
    body = odata(ctx, "GET", url, params=params)
    d = body.get("d") if isinstance(body, dict) else None
    if not isinstance(d, dict) or not isinstance(d.get("results"), list):
        raise AdapterError(
            _("SuccessFactors answered without d.results."), retryable=False, code="bad_response"
        )
    return d["results"], str(d.get("__next") or "")


def results_all(
    ctx: Context, url: str, params: dict[str, str], limit: int = 20
) -> list[dict[str, Any]]:
    """Every result, following `__next` links (at most `limit` pages)."""
    rows, next_url = results_page(ctx, url, params)
    for _page in range(limit - 1):
        if not next_url:
            break
        more, next_url = results_page(ctx, next_url)
        rows += more
    return rows


def upsert(ctx: Context, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """POST /odata/v2/upsert; each entity's result, raising on any that is not OK."""
    url = urljoin(_base(ctx), "odata/v2/upsert")
    answer = odata(ctx, "POST", url, params={"$format": "json"}, body=entities)
    results = answer.get("d") if isinstance(answer, dict) else None
    if not isinstance(results, list):
        msg = _("SuccessFactors answered the upsert without d.")
        raise AdapterError(msg, retryable=False, code="bad_response")
    for row in results:
        _row_ok(row)
    return results


def _row_ok(row: Any) -> None:
    if isinstance(row, dict) and row.get("status") == "OK":
        return
    code = int(row.get("httpCode") or 500) if isinstance(row, dict) else 500
    said = str(row.get("message") or "") if isinstance(row, dict) else ""
    msg = _("SuccessFactors refused a record of the upsert (%(code)s): %(m)s")
    raise AdapterError(
        msg % {"code": code, "m": said[:EXCERPT]}, retryable=code >= 500, code="upsert_refused"
    )
