"""Moka's open platform on loopback, as its provider guide and API documents describe it.

The binding page redirects to the registered redirect URI with a one-time code valid
five minutes; the token endpoint answers `{"code", "msg", "data"}` with error 110020
`unauthorized_client` for a wrong clientID/clientSecret (under HTTP 200, as Moka does);
tokens live two hours and are kept alive by the refresh token; API calls need
`Authorization: Bearer`, and `ehrApplications` pages by an opaque `next` of at most 20.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from mianshi.integrations.connectors.tests.adapters.fakehttp import (
    FakeServer,
    Received,
    Reply,
    json_reply,
)

CLIENT_ID, CLIENT_SECRET = "mianshi-video", "moka-client-secret"
REDIRECT_URI = "https://mianshi.example.cn/integrations/moka/callback"
APPLICATIONS = [
    {"applicationId": 1000 + i, "candidateId": 500 + i, "stageName": "视频面试"} for i in range(45)
]


def moka_sign(secret: str, body: bytes) -> str:
    """How Moka signs a webhook it sends (their Node example: HMAC-SHA256, hex)."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class FakeMoka(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.codes: dict[str, float] = {}  # one-time code → expiry
        self.access: dict[str, float] = {}  # access token → expiry
        self.refresh_tokens: set[str] = set()
        self.app_id = "fabd076f-1a0f-4fa8-8a5c-306d264e3df1"
        self.token_ttl = 7200
        self.results: dict[int, dict[str, Any]] = {}
        self.malformed = False

    def respond(self, req: Received) -> Reply:
        if req.path == "/oauth/login":
            return self._login(req)
        if req.path == "/api-platform/v1/auth/oauth2/getToken":
            return self._token(req.json())
        if self.access.get(req.headers.get("authorization", "").removeprefix("Bearer "), 0) < (
            time.time()
        ):
            return json_reply({"code": 401, "msg": "token无效或已过期"}, 401)
        if self.malformed:
            return Reply(200, b"<html>Moka</html>", {"Content-Type": "text/html"})
        if req.path == "/api-platform/v2/data/ehrApplications":
            return self._applications(req.json())
        if req.path == "/api-platform/v1/open-platform/interview/result":
            return self._result(req.json())
        return json_reply({"code": 404, "msg": "not found"}, 404)

    def _login(self, req: Received) -> Reply:
        """HR has signed in and agreed; Moka sends the browser back with a code."""
        if req.q("clientId") != CLIENT_ID or req.q("redirectUri") != REDIRECT_URI:
            return json_reply({"code": 400, "msg": "redirectUri不一致"}, 400)
        code = secrets.token_hex(8)
        self.codes[code] = time.time() + 300
        location = f"{REDIRECT_URI}?{urlencode({'code': code, 'state': req.q('state')})}"
        return Reply(302, b"", {"Location": location})

    def _token(self, body: dict[str, Any]) -> Reply:
        if (body.get("clientID"), body.get("clientSecret")) != (CLIENT_ID, CLIENT_SECRET):
            return json_reply({"code": 110020, "msg": "unauthorized_client"})
        if body.get("grantType") == "authorization_code":
            valid = self.codes.pop(body.get("code", ""), 0) > time.time()
            valid = valid and body.get("redirectUri") == REDIRECT_URI
        elif body.get("grantType") == "refresh_token":
            valid = body.get("refreshToken") in self.refresh_tokens
        else:
            valid = False
        if not valid:
            return json_reply({"code": 110021, "msg": "invalid_grant"})
        return json_reply({"code": 0, "msg": "success", "data": self._issue()})

    def _issue(self) -> dict[str, Any]:
        token, refresh = secrets.token_hex(16), secrets.token_hex(16)
        self.access[token] = time.time() + self.token_ttl
        self.refresh_tokens.add(refresh)
        return {
            "accessToken": token,
            "refreshToken": refresh,
            "tokenType": "Bearer",
            "expiresIn": self.token_ttl,
            "appId": self.app_id,
        }

    def expire_tokens(self) -> None:
        self.access.clear()

    def unbind(self) -> None:
        """HR removed the binding in Moka: nothing we hold works any more."""
        self.access.clear()
        self.refresh_tokens.clear()

    def _applications(self, body: dict[str, Any]) -> Reply:
        limit = int(body.get("limit") or 20)
        if limit > 20:
            return json_reply({"code": 400, "msg": "limit最大20"})
        start = int(base64.b64decode(body["next"]).decode()) if body.get("next") else 0
        answer: dict[str, Any] = {"code": 200, "msg": "success"}
        answer["data"] = APPLICATIONS[start : start + limit]
        if start + limit < len(APPLICATIONS):
            answer["next"] = base64.b64encode(str(start + limit).encode()).decode()
        return json_reply(answer)

    def _result(self, body: dict[str, Any]) -> Reply:
        if body.get("appId") != self.app_id:
            return json_reply({"code": 403, "msg": "appId与授权不一致"})
        if not isinstance(body.get("applicationId"), int):
            return json_reply({"code": 400, "msg": "applicationId不能为空"})
        self.results[body["applicationId"]] = body
        return json_reply(
            {"code": 200, "msg": "success", "data": {"id": f"R{body['applicationId']}"}}
        )
