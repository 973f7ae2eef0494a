"""用友 YonBIP's open API gateway on loopback.

The token endpoint recomputes the selfAppAuth signature from the query it received
(percent-decoded once, as any server decodes a query) and compares it with the appSecret
it holds for the appKey; a stale timestamp is refused too. Every error is YonBIP's
`{"code", "message"}` shape; the exact error codes are not published where we could read
them, so this fake answers a non-"00000" / non-"200" code, which is all a client can rely
on. Staff and candidates are saved (upserted by their code) under `?access_token=`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Any

from mianshi.integrations.connectors.tests.adapters.fakehttp import (
    FakeServer,
    Received,
    Reply,
    json_reply,
)

APP_KEY, APP_SECRET = "fbb5f5b6-21fb-4156-8b73-3ec3ac389ab7", "yonbip+secret/=="
TOKEN_PATH = "/open-auth/selfAppAuth/getAccessToken"
STAFF_PATH, CANDIDATE_PATH = "/yonbip/hrcloud/staff/save", "/yonbip/hrcloud/candidate/save"


class FakeYonbip(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.tokens: dict[str, float] = {}
        self.saved: dict[str, dict[str, dict[str, Any]]] = {STAFF_PATH: {}, CANDIDATE_PATH: {}}
        self.malformed = False

    def respond(self, req: Received) -> Reply:
        if req.path == TOKEN_PATH and req.method == "GET":
            return self._token(req)
        if self.tokens.get(req.q("access_token"), 0) < time.time():
            return json_reply({"code": "401", "message": "access_token无效或已过期"}, 401)
        if self.malformed:
            return Reply(200, b"{not json", {"Content-Type": "application/json"})
        if req.path in self.saved and req.method == "POST":
            return self._save(req.path, req.json())
        return json_reply({"code": "404", "message": "API不存在"}, 404)

    def _token(self, req: Received) -> Reply:
        stamp = req.q("timestamp")
        if req.q("appKey") != APP_KEY:
            return json_reply({"code": "10001", "message": "appKey不存在"})
        if not stamp.isdigit() or abs(time.time() * 1000 - int(stamp)) > 10 * 60 * 1000:
            return json_reply({"code": "10002", "message": "timestamp已过期"})
        message = f"appKey{APP_KEY}timestamp{stamp}".encode()
        digest = hmac.new(APP_SECRET.encode(), message, hashlib.sha256).digest()
        if not hmac.compare_digest(req.q("signature"), base64.b64encode(digest).decode()):
            return json_reply({"code": "10003", "message": "签名校验失败"})
        token = secrets.token_hex(16)
        self.tokens[token] = time.time() + 7200
        return json_reply(
            {"code": "00000", "message": "成功!", "data": {"access_token": token, "expire": 7200}}
        )

    def expire_tokens(self) -> None:
        self.tokens.clear()

    def _save(self, path: str, record: Any) -> Reply:
        if not isinstance(record, dict) or not record.get("code") or not record.get("name"):
            return json_reply({"code": "999", "message": "编码和名称不能为空"})
        stored = self.saved[path].setdefault(record["code"], {"id": secrets.token_hex(8)})
        stored.update(record)
        return json_reply(
            {
                "code": "200",
                "message": "操作成功",
                "data": {"id": stored["id"], "code": record["code"]},
            }
        )
