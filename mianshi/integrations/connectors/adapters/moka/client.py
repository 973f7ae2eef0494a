"""Moka's open platform as a video-interview provider sees it: the OAuth binding and the
Bearer calls that follow.

From Moka's "考试/测评、背调、视频面试接入指南": HR binds us at
`https://app.mokahr.com/oauth/login?clientId=…&redirectUri=…&scope=interview&state=…`;
Moka redirects back with a one-time `code` (valid five minutes), which we exchange with
our clientSecret for accessToken, refreshToken and appId (one appId per binding), then
keep the access token alive with the refresh token. Calls carry `Authorization: Bearer`,
and answers are `{"code", "msg", "data"}` where a non-success code is an error even under
HTTP 200. The code exchange's path is not published where we could read it: we model it
on Moka's documented `POST /api-platform/v1/auth/oauth2/getToken` (same camelCase body,
`grantType` authorization_code / refresh_token, error 110020 unauthorized_client), and
the path is a setting so a deployment can follow Moka if it differs.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from mianshi.integrations.connectors.adapters.rest import http
from mianshi.integrations.connectors.protocol import AdapterError, Context

API = "https://api.mokahr.com"
LOGIN = "https://app.mokahr.com/oauth/login"
TOKEN_PATH = "/api-platform/v1/auth/oauth2/getToken"
SUCCESS = ("0", "200")  # Moka's auth answers use 0, its data APIs 200 (numbers or strings)
REFRESH_MARGIN = 300.0  # seconds: refresh five minutes before the two-hour token expires


def authorize_url(ctx: Context, state: str) -> str:
    """Where HR is sent to bind Mianshi to their Moka account."""
    query = {
        "clientId": ctx.credentials.get("client_id", ""),
        "redirectUri": str(ctx.settings.get("redirect_uri") or ""),
        "scope": "interview",
        "state": state,
    }
    return f"{ctx.settings.get('login_url') or LOGIN}?{urlencode(query)}"


def bind(ctx: Context, code: str) -> None:
    """Exchange the one-time code for the binding's tokens and appId."""
    grant = {"grantType": "authorization_code", "code": code}
    grant["redirectUri"] = str(ctx.settings.get("redirect_uri") or "")
    _store(ctx, _token_request(ctx, grant))


def bind_from_callback(ctx: Context, params: Mapping[str, str], expected_state: str) -> None:
    """Bind from the query Moka redirected the browser back with. The `state` we put in
    the binding link must come back unchanged: otherwise someone else's code could bind
    this connector to their Moka account (login CSRF)."""
    state, code = params.get("state", ""), params.get("code", "")
    if not expected_state or not hmac.compare_digest(state.encode(), expected_state.encode()):
        raise http.credentials_refused(_("the binding's state does not match"))
    if not code:
        raise http.credentials_refused(_("Moka sent no authorization code"))
    bind(ctx, code)


def access_token(ctx: Context) -> str:
    """A live access token: bound with the code the admin pasted if not bound yet, and
    refreshed when it is about to expire."""
    state = ctx.state.get("moka") or {}
    if not state.get("refresh_token"):
        code = ctx.credentials.get("code", "")
        if not code:
            raise http.bad_settings(_("Moka is not bound yet: paste the authorization code"))
        bind(ctx, code)
    elif state.get("expires_at", 0) - REFRESH_MARGIN <= time.time():
        refresh(ctx)
    return str(ctx.state["moka"]["access_token"])


def refresh(ctx: Context) -> None:
    """A new access token from the refresh token; a refused refresh means the binding is
    gone (HR unbound us in Moka) and a person must bind again."""
    token = (ctx.state.get("moka") or {}).get("refresh_token", "")
    _store(ctx, _token_request(ctx, {"grantType": "refresh_token", "refreshToken": token}))


def app_id(ctx: Context) -> str:
    access_token(ctx)
    return str(ctx.state["moka"]["app_id"])


def _token_request(ctx: Context, grant: dict[str, str]) -> dict[str, Any]:
    body = {
        "clientID": ctx.credentials.get("client_id", ""),
        "clientSecret": ctx.credentials.get("client_secret", ""),
        **grant,
    }
    url = _base(ctx) + str(ctx.settings.get("token_path") or TOKEN_PATH)
    resp = http.send(ctx, "POST", url, data=http.json_dumps(body), headers=_json_headers())
    return _token_data(resp)


def _token_data(resp: Any) -> dict[str, Any]:
    """The token answer's data; any code but success means the client or grant was refused."""
    http.check_status(resp, http.partner_message(resp))
    answer = http.json_body(resp)
    if not isinstance(answer, dict) or str(answer.get("code")) not in SUCCESS:
        raise http.credentials_refused(_said(answer))
    data = answer.get("data")
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k), str) and data.get(k) for k in ("accessToken", "refreshToken")
    ):
        raise http.malformed(http.excerpt(resp.content))
    return data


def _store(ctx: Context, data: dict[str, Any]) -> None:
    previous = ctx.state.get("moka") or {}
    try:
        lifetime = float(data.get("expiresIn") or 7200)
    except (TypeError, ValueError):
        lifetime = 7200.0
    ctx.state["moka"] = {
        "access_token": data["accessToken"],
        "refresh_token": data["refreshToken"],
        "expires_at": time.time() + lifetime,
        "app_id": str(data.get("appId") or previous.get("app_id") or ""),
    }


def call(ctx: Context, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST `body` to a Moka API path; a 401 refreshes the token once (it may have been
    replaced early), then HTTP status and Moka's `code` decide."""
    url = _base(ctx) + path
    for attempt in (1, 2):
        headers = {**_json_headers(), "Authorization": f"Bearer {access_token(ctx)}"}
        resp = http.send(ctx, "POST", url, data=http.json_dumps(body), headers=headers)
        if resp.status_code != 401 or attempt == 2:
            break
        refresh(ctx)
    http.check_status(resp, http.partner_message(resp))
    return _answer(resp)


def _answer(resp: Any) -> dict[str, Any]:
    answer = http.json_body(resp)
    if not isinstance(answer, dict) or "code" not in answer:
        raise http.malformed(http.excerpt(resp.content))
    code = str(answer["code"])
    if code in SUCCESS:
        return answer
    if code in ("401", "403"):
        raise http.credentials_refused(_said(answer))
    if code == "429":
        raise AdapterError(_said(answer), retryable=True, code="rate_limited")
    raise http.refused(_said(answer), code)


def _said(answer: Any) -> str:
    if isinstance(answer, dict):
        return f"{answer.get('code')} {answer.get('msg') or answer.get('message') or ''}".strip()
    return http.excerpt(str(answer))


def _base(ctx: Context) -> str:
    return str(ctx.settings.get("base_url") or API).rstrip("/")


def _json_headers() -> dict[str, str]:
    return {"Content-Type": "application/json", "Accept": "application/json"}
