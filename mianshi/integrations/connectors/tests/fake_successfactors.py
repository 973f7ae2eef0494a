"""A fake SAP SuccessFactors on loopback, written from SAP's published API, for tests and
the bench: real HTTP, the real OAuth handshake and OData shapes, its error codes.

- `POST /oauth/idp` (form client_id, user_id, token_url, private_key = base64 PEM): checks
  the private key belongs to the registered client's certificate (here: its public key)
  and answers a base64 SAML-like assertion, signed by the fake, valid 10 minutes.
- `POST /oauth/token` (form company_id, client_id, grant_type = saml2-bearer, assertion):
  checks all four and answers `{"access_token", "token_type": "Bearer", "expires_in"}`;
  a wrong company, client or assertion → 401 `{"httpStatus", "errorMessage"}`.
- `GET /odata/v2/{Candidate|JobApplication}`: Bearer required (401 otherwise), `$filter`
  of `field eq 'text'` / `field eq 123` joined by `and`, `$top`, server-side paging with a
  `__next` link (`$skiptoken`), answering `{"d": {"results": [...], "__next": ...}}`.
- `POST /odata/v2/upsert?$format=json`: entities with `__metadata.uri` "Entity(key)",
  answering `{"d": [{"key", "status": "OK", "editStatus": "UPSERTED", "message": null,
  "index", "httpCode": 200, "inlineResults": null}]}`; an unknown entity is an ERROR row.
- `JobApplication(<id>L)` (or `(applicationId=<id>)`) upserts update an existing
  application only, as SAP's KBAs describe: `appStatusSetItemId` should be an item of the
  status set of the application's requisition (one of another set is taken: SAP warns it
  makes a data issue; an id of no set is refused, modelled), and a system status is
  refused with SF's "You are not allowed to change the candidate application status";
  `status`, `candidateId`, `jobReqId` are not upsertable ([COE0030]); a property the
  fake's data dictionary lacks is refused ([COE0021], modelled), as is a date that is not
  `/Date(ms)/` ([COE0019]). A refused row changes nothing.
- `throttle(every=n, retry_after=s)`: every n-th OData call answers 429 with Retry-After.
Everything received is kept (`upserts`, `entities`, `calls`) for the tests' assertions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

GRANT = "urn:ietf:params:oauth:grant-type:saml2-bearer"
UPSERTABLE = {
    "JobApplicationAssessmentOrder",
    "JobApplicationAssessmentReport",
    "JobApplicationAssessmentReportDetail",
}
URI = re.compile(r"^(\w+)\((.+)\)$")
APPLICATION_KEY = re.compile(r"^(?:applicationId=)?(\d+)L?$")
# The fake tenant's data dictionary for JobApplication: what an upsert may set.
APPLICATION_UPSERTABLE = {"appStatusSetItemId", "jobStartDate", "firstName", "lastName"}
APPLICATION_READ_ONLY = {"status", "candidateId", "jobReqId", "applicationId"}
APPLICATION_DATES = {"jobStartDate"}
ODATA_DATE = re.compile(r"^/Date\(-?\d+([+-]\d{4})?\)/$")
SYSTEM_STATUSES = {"Forwarded", "Invited to Apply", "Auto Disqualified", "Withdrawn by Candidate"}
# The "Standard Status Set" of SAP's examples: item id → status name.
STANDARD_STATUS_SET = {"1": "Default", "11": "Interview", "13": "Offer", "14": "Hired",
                       "20": "Forwarded"}  # fmt: skip
CLAUSE = re.compile(r"^\s*(\w+)\s+eq\s+(?:'((?:[^']|'')*)'|(-?\d+))\s*$")


def new_private_key() -> str:
    """A client key as SuccessFactors' /oauth/idp takes it: base64 of the PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return base64.b64encode(pem).decode()


def _public(private_b64: str) -> bytes:
    key = serialization.load_pem_private_key(base64.b64decode(private_b64), password=None)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@dataclass
class FakeSF:
    """The fake's configuration and everything it received."""

    company_id: str = "ACME"
    users: set[str] = field(default_factory=lambda: {"sfapi"})
    clients: dict[str, bytes] = field(default_factory=dict)  # client_id → public key
    token_ttl: int = 3600
    page_size: int = 1000
    candidates: list[dict[str, Any]] = field(default_factory=list)
    applications: list[dict[str, Any]] = field(default_factory=list)
    # jobReqId → its template's status set (item id → name); the standard set otherwise
    status_sets: dict[int, dict[str, str]] = field(default_factory=dict)
    entities: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    upserts: Counter[tuple[str, str]] = field(default_factory=Counter)
    calls: list[tuple[str, str, int]] = field(default_factory=list)
    tokens: dict[str, float] = field(default_factory=dict)
    throttle_every: int = 0
    retry_after: str = "1"
    _secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def register_client(self, client_id: str, private_key_b64: str) -> None:
        self.clients[client_id] = _public(private_key_b64)

    def throttle(self, *, every: int, retry_after: str = "1") -> None:
        self.throttle_every, self.retry_after = every, retry_after

    def add_candidate(
        self, candidate_id: int, email: str, application_id: int, job_req: int = 1
    ) -> None:
        self.candidates.append({"candidateId": candidate_id, "primaryEmail": email})
        self.applications.append(
            {"applicationId": application_id, "candidateId": candidate_id, "jobReqId": job_req,
             "appStatusSetItemId": "1", "status": "Open"}
        )  # fmt: skip

    def application(self, application_id: int) -> dict[str, Any] | None:
        return next((a for a in self.applications if a["applicationId"] == application_id), None)

    def revoke_tokens(self) -> None:
        self.tokens.clear()

    def report(self, report_id: int) -> dict[str, Any] | None:
        return self.entities.get(("JobApplicationAssessmentReport", str(report_id)))

    # --- assertions -----------------------------------------------------------------------

    def assertion_make(self, client_id: str, user_id: str) -> str:
        expires = int(time.time()) + 600
        body = (
            f"<saml2:Assertion Issuer='{client_id}' NameID='{user_id}' NotOnOrAfter='{expires}'/>"
        )
        sig = hmac.new(self._secret, body.encode(), hashlib.sha256).hexdigest()
        return base64.b64encode(f"{body}|{sig}".encode()).decode()

    def assertion_client(self, assertion: str) -> str | None:
        try:
            body, sig = base64.b64decode(assertion, validate=True).decode().rsplit("|", 1)
        except ValueError:
            return None
        good = hmac.new(self._secret, body.encode(), hashlib.sha256).hexdigest()
        found = re.search(r"Issuer='([^']*)'.*NotOnOrAfter='(\d+)'", body)
        if not hmac.compare_digest(sig, good) or not found or int(found[2]) < time.time():
            return None
        return found[1]

    def throttled(self) -> bool:
        with self.lock:
            self._count += 1
            return bool(self.throttle_every) and self._count % self.throttle_every == 0


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive, as SuccessFactors' front ends speak it
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms stall

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    @property
    def sf(self) -> FakeSF:
        return self.server.sf

    def _answer(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        # Noted before the answer goes out: a client that has its answer finds the call kept.
        with self.sf.lock:
            self.sf.calls.append((self.command, urlparse(self.path).path, status))
        raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header(
            "Content-Type", "text/plain" if isinstance(body, str) else "application/json"
        )
        self.send_header("Content-Length", str(len(raw)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(raw)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_POST(self) -> None:
        path = urlparse(self.path).path
        raw = self._body()  # read whatever the answer: the connection is kept alive
        form = {k: v[0] for k, v in parse_qs(raw.decode(errors="replace")).items()}
        if path == "/oauth/idp":
            return self._idp(form)
        if path == "/oauth/token":
            return self._token(form)
        if path == "/odata/v2/upsert":
            return self._odata(lambda: self._upsert(raw))
        return self._answer(404, _error("COE_RESOURCE_NOT_FOUND", "Not found"))

    def do_GET(self) -> None:
        parsed = urlparse(self.path)
        entity = parsed.path.removeprefix("/odata/v2/")
        rows = {"Candidate": self.sf.candidates, "JobApplication": self.sf.applications}.get(entity)
        if rows is None:
            return self._answer(404, _error("COE_ENTITY_NOT_FOUND", f"Entity {entity} not found"))
        query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        return self._odata(lambda: self._query(entity, rows, query))

    def _idp(self, form: dict[str, str]) -> None:
        public = self.sf.clients.get(form.get("client_id", ""))
        try:
            matches = public is not None and _public(form.get("private_key", "")) == public
        except (ValueError, TypeError):
            matches = False
        if not matches or form.get("user_id") not in self.sf.users:
            return self._answer(
                401,
                {"httpStatus": "401 Unauthorized", "errorMessage": "Invalid client or private key"},
            )
        return self._answer(200, self.sf.assertion_make(form["client_id"], form["user_id"]))

    def _token(self, form: dict[str, str]) -> None:
        if form.get("grant_type") != GRANT:
            return self._answer(
                400, {"httpStatus": "400 Bad Request", "errorMessage": "Unsupported grant_type"}
            )
        client = self.sf.assertion_client(form.get("assertion", ""))
        ok = (
            form.get("company_id") == self.sf.company_id
            and client == form.get("client_id")
            and client in self.sf.clients
        )
        if not ok:
            return self._answer(
                401,
                {
                    "httpStatus": "401 Unauthorized",
                    "errorMessage": "Unable to validate the SAML assertion",
                },
            )
        token = secrets.token_urlsafe(24)
        with self.sf.lock:
            self.sf.tokens[token] = time.time() + self.sf.token_ttl
        return self._answer(
            200, {"access_token": token, "token_type": "Bearer", "expires_in": self.sf.token_ttl}
        )

    def _odata(self, then: Any) -> None:
        auth = self.headers.get("Authorization", "")
        expiry = (
            self.sf.tokens.get(auth.removeprefix("Bearer ")) if auth.startswith("Bearer ") else None
        )
        if expiry is None or expiry < time.time():
            return self._answer(
                401,
                _error("LGN_INVALID_TOKEN", "[LGNOA0009] The access token is invalid or expired"),
            )
        if self.sf.throttled():
            retry = {"Retry-After": self.sf.retry_after}
            return self._answer(429, _error("COE_TOO_MANY_REQUESTS", "Too many requests"), retry)
        then()

    def _query(self, entity: str, rows: list[dict[str, Any]], query: dict[str, str]) -> None:
        try:
            found = _matching(rows, query.get("$filter", ""))
        except ValueError as exc:
            return self._answer(400, _error("COE_PROPERTY_NOT_FOUND", str(exc)))
        start = int(query.get("$skiptoken", "0") or 0)
        size = min(int(query.get("$top", self.sf.page_size)), self.sf.page_size)
        page = found[start : start + size]
        out: dict[str, Any] = {
            "results": [{"__metadata": {"type": f"SFOData.{entity}"}, **r} for r in page]
        }
        if "$top" not in query and start + size < len(found):
            rest = {k: v for k, v in query.items() if k != "$skiptoken"} | {
                "$skiptoken": str(start + size)
            }
            out["__next"] = f"{self.sf.url}/odata/v2/{entity}?{urlencode(rest)}"
        self._answer(200, {"d": out})

    def _upsert(self, raw: bytes) -> None:
        try:
            body = json.loads(raw)
        except ValueError:
            return self._answer(400, _error("COE_GENERAL_BAD_REQUEST", "Malformed JSON"))
        items = body if isinstance(body, list) else [body]
        self._answer(200, {"d": [self._upsert_one(i, item) for i, item in enumerate(items)]})

    def _upsert_one(self, index: int, item: Any) -> dict[str, Any]:
        uri = item.get("__metadata", {}).get("uri", "") if isinstance(item, dict) else ""
        found = URI.match(uri)
        fields = {k: v for k, v in item.items() if k != "__metadata"} if found else {}
        if found and found[1] == "JobApplication":
            return self._application_upsert(index, found[2], fields)
        if not found or found[1] not in UPSERTABLE:
            return _row(None, "ERROR", index, 400, f"Invalid entity {uri!r}")
        key = (found[1], found[2])
        with self.sf.lock:
            self.sf.entities[key] = fields
            self.sf.upserts[key] += 1
        return _row(f"{found[1]}/id={found[2]}", "OK", index, 200, None)

    def _application_upsert(self, index: int, key: str, fields: dict[str, Any]) -> dict[str, Any]:
        found = APPLICATION_KEY.match(key)
        with self.sf.lock:
            row = self.sf.application(int(found[1])) if found else None
            problem = _application_problem(self.sf, row, fields)
            if row is None or problem:
                return _row(None, "ERROR", index, 400 if row else 404, problem or "Not found")
            row.update(fields)
            self.sf.upserts[("JobApplication", str(row["applicationId"]))] += 1
        return _row(f"JobApplication/applicationId={row['applicationId']}", "OK", index, 200, None)


def _application_problem(sf: FakeSF, row: Any, fields: dict[str, Any]) -> str:
    """What SuccessFactors would refuse in a JobApplication upsert ("" when nothing)."""
    if row is None:
        return "JobApplication not found"
    for name in fields:
        if name in APPLICATION_READ_ONLY:
            return f"[COE0030]Property {name} is not upsertable."
        if name not in APPLICATION_UPSERTABLE:
            return f"[COE0021]Invalid property names: JobApplication/{name}."
    for name in APPLICATION_DATES & fields.keys():
        if not ODATA_DATE.match(str(fields[name])):
            return f"[COE0019]Invalid property value. Property name:{name}."
    if "appStatusSetItemId" not in fields:
        return ""
    # An item of another requisition's set is taken (SAP: "you will generate a data issue");
    # an id of no set at all is refused (modelled).
    item = str(fields["appStatusSetItemId"])
    own = sf.status_sets.get(int(row["jobReqId"]), STANDARD_STATUS_SET)
    known = [own, STANDARD_STATUS_SET, *sf.status_sets.values()]
    status = next((s[item] for s in known if item in s), None)
    if status is None:
        return "[COE0019]Invalid property value. Property name:appStatusSetItemId."
    if status in SYSTEM_STATUSES:
        return (
            "JobApplication: UPSERTBATCH failed for the row with key: . Reason: You are not "
            "allowed to change the candidate application status."
        )
    return ""


def _row(
    key: str | None, status: str, index: int, code: int, message: str | None
) -> dict[str, Any]:
    edit = "UPSERTED" if status == "OK" else None
    return {"key": key, "status": status, "editStatus": edit, "message": message,
            "index": index, "httpCode": code, "inlineResults": None}  # fmt: skip


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": {"lang": "en-US", "value": message}}}


def _clauses(expr: str) -> list[tuple[str, Any]]:
    """`a eq 'x' and b eq 2` → [("a", "x"), ("b", 2)]; ValueError for anything else."""
    out: list[tuple[str, Any]] = []
    for clause in re.split(r"\s+and\s+", expr) if expr else []:
        found = CLAUSE.match(clause)
        if not found:
            raise ValueError(f"Invalid $filter clause: {clause}")
        text, number = found[2], found[3]
        out.append((found[1], text.replace("''", "'") if text is not None else int(number)))
    return out


def _matching(rows: list[dict[str, Any]], expr: str) -> list[dict[str, Any]]:
    clauses = _clauses(expr)
    if rows and any(name not in rows[0] for name, _v in clauses):
        raise ValueError("Property not found")
    return [r for r in rows if all(r.get(name) == value for name, value in clauses)]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    sf: FakeSF


def start(sf: FakeSF | None = None) -> tuple[FakeSF, ThreadingHTTPServer]:
    """The fake on a free loopback port, serving from a thread (stop: server.shutdown())."""
    sf = sf or FakeSF()
    server = _Server(("127.0.0.1", 0), _Handler)
    server.sf = sf
    sf.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return sf, server
