"""The ways a generic HTTP partner authenticates us: none, Basic, a fixed Bearer token,
OAuth 2.0 client credentials, or an HMAC signature header over the body.

Shared by the generic REST adapter and the HR-JSON export, since an EHR that takes
HR-JSON authenticates like any other REST endpoint. The OAuth 2.0 token (RFC 6749 §4.4)
is cached in `ctx.state` until a minute before it expires, so a burst of syncs costs one
token request, not one each.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import quote_plus

from django.utils.translation import gettext as _

from mianshi.integrations.connectors.adapters.rest import http
from mianshi.integrations.connectors.protocol import Context

KINDS = ("none", "basic", "bearer", "oauth2", "hmac")
TOKEN_MARGIN = 60.0  # seconds before expiry a cached token is replaced
DEFAULT_EXPIRES_IN = 3600  # RFC 6749 makes expires_in optional; assume an hour


def kind(ctx: Context) -> str:
    """The configured auth kind; bad_settings for one we do not know."""
    value = str(ctx.settings.get("auth") or "none").lower()
    if value not in KINDS:
        raise http.bad_settings(_("unknown authentication “%(kind)s”") % {"kind": value})
    return value


def headers(ctx: Context, body: bytes) -> dict[str, str]:
    """The headers that authenticate one request carrying `body`."""
    auth = kind(ctx)
    if auth == "basic":
        return {"Authorization": basic(_credential(ctx, "username"), _credential(ctx, "password"))}
    if auth == "bearer":
        return {"Authorization": f"Bearer {_credential(ctx, 'token')}"}
    if auth == "oauth2":
        return {"Authorization": f"Bearer {oauth2_token(ctx)}"}
    if auth == "hmac":
        return hmac_headers(ctx, body)
    return {}


def basic(username: str, password: str) -> str:
    """An RFC 7617 Basic credential, UTF-8 so Chinese user names survive."""
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def _credential(ctx: Context, name: str) -> str:
    value = ctx.credentials.get(name, "")
    if not value:
        raise http.bad_settings(_("the credential “%(name)s” is missing") % {"name": name})
    return value


def forget_token(ctx: Context) -> None:
    """Drop the cached OAuth 2.0 token (after the resource server refused it)."""
    ctx.state.pop("oauth2", None)


def oauth2_token(ctx: Context) -> str:
    """A valid access token: the cached one, or a new one from the token endpoint."""
    cached = ctx.state.get("oauth2") or {}
    if cached.get("access_token") and cached.get("expires_at", 0) - TOKEN_MARGIN > time.time():
        return str(cached["access_token"])
    token, expires_in = _oauth2_fetch(ctx)
    ctx.state["oauth2"] = {"access_token": token, "expires_at": time.time() + expires_in}
    return token


def _oauth2_fetch(ctx: Context) -> tuple[str, float]:
    url = str(ctx.settings.get("token_url") or "")
    if not url:
        raise http.bad_settings(_("the OAuth 2.0 token URL is missing"))
    data, request_headers = _oauth2_request(ctx)
    resp = http.send(ctx, "POST", url, data=data, headers=request_headers)
    if 400 <= resp.status_code < 500 and resp.status_code not in (408, 429):
        # RFC 6749 §5.2: invalid_client, invalid_grant, unauthorized_client, invalid_scope
        raise http.credentials_refused(http.partner_message(resp))
    http.check_status(resp, http.partner_message(resp))
    body = http.json_body(resp)
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        raise http.malformed(http.excerpt(resp.content))
    return body["access_token"], _expires_in(body)


def _oauth2_request(ctx: Context) -> tuple[dict[str, str], dict[str, str]]:
    """The form and headers of a client-credentials request: the client authenticates
    with HTTP Basic (RFC 6749 §2.3.1, the method servers must support) unless the
    connector says `client_secret_post`."""
    client_id, secret = _credential(ctx, "client_id"), _credential(ctx, "client_secret")
    data = {"grant_type": "client_credentials"}
    if ctx.settings.get("scope"):
        data["scope"] = str(ctx.settings["scope"])
    if ctx.settings.get("token_auth") == "client_secret_post":
        return {**data, "client_id": client_id, "client_secret": secret}, {}
    encoded = basic(quote_plus(client_id), quote_plus(secret))
    return data, {"Authorization": encoded}


def _expires_in(body: dict[str, Any]) -> float:
    try:
        return float(body.get("expires_in") or DEFAULT_EXPIRES_IN)
    except (TypeError, ValueError):
        return float(DEFAULT_EXPIRES_IN)


def hmac_headers(ctx: Context, body: bytes) -> dict[str, str]:
    """An HMAC-SHA256 of the body in the configured header, hex or base64, with an optional
    prefix (`sha256=`). With a timestamp header configured, the signed message is
    `<timestamp>.<body>` (the Stripe / Standard Webhooks convention) so a captured request
    cannot be replayed later with a fresh timestamp."""
    secret = _credential(ctx, "hmac_secret").encode()
    stamp_header = str(ctx.settings.get("hmac_timestamp_header") or "")
    stamp = str(int(time.time()))
    message = f"{stamp}.".encode() + body if stamp_header else body
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    encoding = str(ctx.settings.get("hmac_encoding") or "hex")
    if encoding not in ("hex", "base64"):
        raise http.bad_settings(_("the HMAC encoding must be hex or base64"))
    text = digest.hex() if encoding == "hex" else base64.b64encode(digest).decode()
    name = str(ctx.settings.get("hmac_header") or "X-Signature")
    result = {name: str(ctx.settings.get("hmac_prefix") or "") + text}
    if stamp_header:
        result[stamp_header] = stamp
    return result
