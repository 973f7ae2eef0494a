"""用友 YonBIP's open API as a self-built app (自建应用) sees it.

The token: `GET /open-auth/selfAppAuth/getAccessToken?appKey=…&timestamp=<ms>&signature=…`
where signature = URLEncode(Base64(HmacSHA256(key=appSecret, "appKey<appKey>timestamp<ts>")))
— the parameters sorted by name, each name followed by its value, signature excluded —
answered `{"code": "00000", "message", "data": {"access_token", "expire": 7200}}`
(yonyoucloud-open/corp-demo README). The token rides on every call as `?access_token=`,
and business answers are `{"code": "200", "message", "data"}`: any other code is an error
even under HTTP 200. The token is cached in ctx.state until five minutes before expiry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

from django.utils.translation import gettext as _

from mianshi.integrations.connectors.adapters.rest import http
from mianshi.integrations.connectors.protocol import Context

TOKEN_PATH = "/open-auth/selfAppAuth/getAccessToken"
MARGIN = 300.0  # seconds before expiry a cached token is replaced


def signature(app_key: str, app_secret: str, timestamp: str) -> str:
    """Base64 of the HMAC; `requests` percent-encodes it once in the query, which is the
    URLEncode step of YonBIP's formula."""
    message = f"appKey{app_key}timestamp{timestamp}".encode()
    return base64.b64encode(
        hmac.new(app_secret.encode(), message, hashlib.sha256).digest()
    ).decode()


def access_token(ctx: Context) -> str:
    cached = ctx.state.get("yonbip") or {}
    if cached.get("access_token") and cached.get("expires_at", 0) - MARGIN > time.time():
        return str(cached["access_token"])
    token, lifetime = _fetch(ctx)
    ctx.state["yonbip"] = {"access_token": token, "expires_at": time.time() + lifetime}
    return token


def forget(ctx: Context) -> None:
    ctx.state.pop("yonbip", None)


def _token_params(ctx: Context) -> dict[str, str]:
    key, secret = ctx.credentials.get("app_key", ""), ctx.credentials.get("app_secret", "")
    if not key or not secret:
        raise http.bad_settings(_("the appKey and appSecret are required"))
    stamp = str(int(time.time() * 1000))
    return {"appKey": key, "timestamp": stamp, "signature": signature(key, secret, stamp)}


def _fetch(ctx: Context) -> tuple[str, float]:
    url = _base(ctx) + str(ctx.settings.get("token_path") or TOKEN_PATH)
    headers = {"Accept": "application/json"}
    resp = http.send(ctx, "GET", url, params=_token_params(ctx), headers=headers)
    http.check_status(resp, http.partner_message(resp))
    answer = http.json_body(resp)
    if not isinstance(answer, dict) or str(answer.get("code")) != "00000":
        raise http.credentials_refused(_said(answer))
    data = answer.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
        raise http.malformed(http.excerpt(resp.content))
    try:
        return data["access_token"], float(data.get("expire") or 7200)
    except (TypeError, ValueError):
        raise http.malformed(http.excerpt(resp.content)) from None


def call(ctx: Context, path: str, body: dict[str, Any]) -> Any:
    """POST `body`; a refused token is replaced once, then YonBIP's `code` decides. Returns
    the answer's `data`."""
    url, data = _base(ctx) + path, http.json_dumps(body)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    for attempt in (1, 2):
        params = {"access_token": access_token(ctx)}
        resp = http.send(ctx, "POST", url, params=params, data=data, headers=headers)
        if resp.status_code != 401 or attempt == 2:
            break
        forget(ctx)
    return _data(resp)


def _data(resp: Any) -> Any:
    http.check_status(resp, http.partner_message(resp))
    answer = http.json_body(resp)
    if not isinstance(answer, dict) or "code" not in answer:
        raise http.malformed(http.excerpt(resp.content))
    if str(answer["code"]) != "200":
        raise http.refused(_said(answer), str(answer["code"]))
    return answer.get("data")


def _said(answer: Any) -> str:
    if isinstance(answer, dict):
        return f"{answer.get('code')} {answer.get('message') or ''}".strip()
    return http.excerpt(str(answer))


def _base(ctx: Context) -> str:
    base = str(ctx.settings.get("base_url") or "").rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise http.bad_settings(_("the YonBIP gateway URL is missing"))
    return base
