"""A REST/JSON EHR on loopback, as a Workday-style partner authenticates and answers.

OAuth 2.0 client credentials exactly as RFC 6749 §4.4 and §5 say: the client authenticates
with HTTP Basic (or client_secret_post), a wrong client gets 401 `invalid_client`, an
unknown grant 400 `unsupported_grant_type`, a scope it may not have 400 `invalid_scope`;
tokens expire and can be revoked, and the API answers 401 to a token it does not know.
Basic, fixed Bearer and an HMAC-SHA256 body signature (hex or base64, optionally over
`timestamp.body` within five minutes) are checked the same strict way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any
from urllib.parse import unquote_plus

from mianshi.integrations.connectors.tests.adapters.fakehttp import (
    FakeServer,
    Received,
    Reply,
    json_reply,
)

CLIENT_ID, CLIENT_SECRET, SCOPE = "mianshi-client", "s3cret/+=", "hr.write hr.read"
USERNAME, PASSWORD, BEARER, HMAC_SECRET = "接口用户", "pa:ss", "fixed-token-1", "hmac-key"
PEOPLE = [{"id": f"P{i}", "name": f"候选人{i}", "stage": "screening"} for i in range(1, 6)]


class FakeRestEhr(FakeServer):
    """`mode` is how the API authenticates: basic, bearer, oauth2 or hmac."""

    def __init__(self, mode: str = "oauth2", *, encoding: str = "hex", stamped: bool = False):
        super().__init__()
        self.mode, self.encoding, self.stamped = mode, encoding, stamped
        self.tokens: dict[str, float] = {}  # token → expiry
        self.token_ttl = 3600
        self.stored: dict[str, dict[str, Any]] = {}
        self.malformed = False
        self.stuck = False  # a buggy partner that hands back the cursor it was given

    def respond(self, req: Received) -> Reply:
        if req.path == "/oauth2/token":
            return self._token(req)
        if not self._authorised(req):
            return json_reply({"message": "Unauthorized"}, 401, {"WWW-Authenticate": "Bearer"})
        if self.malformed:
            return Reply(200, b"<html>maintenance</html>", {"Content-Type": "text/html"})
        if req.path == "/api/moved":
            return Reply(302, b"", {"Location": "http://203.0.113.9/steal"})
        if req.path == "/api/candidates" and req.method == "GET":
            return self._page(req)
        if req.path.startswith("/api/") and req.method in ("POST", "PUT", "PATCH"):
            return self._store(req)
        return json_reply({"message": "Not Found"}, 404)

    # --- OAuth 2.0 token endpoint ------------------------------------------------------

    def _token(self, req: Received) -> Reply:
        form = req.form()
        client = self._client(req, form)
        if client != (CLIENT_ID, CLIENT_SECRET):
            return json_reply(
                {"error": "invalid_client", "error_description": "Client authentication failed"},
                401,
                {"WWW-Authenticate": 'Basic realm="token"'},
            )
        if form.get("grant_type") != "client_credentials":
            return json_reply({"error": "unsupported_grant_type"}, 400)
        if not set(form.get("scope", "").split()) <= set(SCOPE.split()):
            return json_reply({"error": "invalid_scope"}, 400)
        token = secrets.token_urlsafe(16)
        self.tokens[token] = time.time() + self.token_ttl
        return json_reply(
            {"access_token": token, "token_type": "Bearer", "expires_in": self.token_ttl},
            headers={"Cache-Control": "no-store"},
        )

    @staticmethod
    def _client(req: Received, form: dict[str, str]) -> tuple[str, str]:
        header = req.headers.get("authorization", "")
        if header.startswith("Basic "):
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            return unquote_plus(user), unquote_plus(password)
        return form.get("client_id", ""), form.get("client_secret", "")

    def revoke(self) -> None:
        self.tokens.clear()

    # --- the API -----------------------------------------------------------------------

    def _authorised(self, req: Received) -> bool:
        header = req.headers.get("authorization", "")
        if self.mode == "basic":
            expected = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
            return hmac.compare_digest(header, f"Basic {expected}")
        if self.mode == "bearer":
            return hmac.compare_digest(header, f"Bearer {BEARER}")
        if self.mode == "oauth2":
            token = header.removeprefix("Bearer ")
            return self.tokens.get(token, 0) > time.time()
        return self._signed(req)

    def _signed(self, req: Received) -> bool:
        message = req.body
        if self.stamped:
            stamp = req.headers.get("x-timestamp", "")
            if not stamp.isdigit() or abs(time.time() - int(stamp)) > 300:
                return False
            message = f"{stamp}.".encode() + req.body
        digest = hmac.new(HMAC_SECRET.encode(), message, hashlib.sha256).digest()
        expected = digest.hex() if self.encoding == "hex" else base64.b64encode(digest).decode()
        return hmac.compare_digest(req.headers.get("x-signature", ""), "sha256=" + expected)

    def _store(self, req: Received) -> Reply:
        try:
            record = json.loads(req.body)
        except ValueError:
            return json_reply({"message": "Body is not JSON"}, 400)
        if not isinstance(record, dict) or not record.get("candidate_id"):
            return json_reply({"message": "candidate_id is required"}, 422)
        key = f"{req.path}#{record['candidate_id']}"
        self.stored[key] = record
        return json_reply({"data": {"id": f"EHR-{record['candidate_id']}"}}, 201)

    def _page(self, req: Received) -> Reply:
        start = int(req.q("cursor") or 0)
        items = PEOPLE[start : start + 2]
        following = start + 2 if start + 2 < len(PEOPLE) else None
        if self.stuck and req.q("cursor"):
            following = start
        return json_reply({"data": {"items": items, "next": following}})
