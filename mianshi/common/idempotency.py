"""Idempotency-Key for API writes (issue 12, item 3): a retried POST has one effect.

Follows the IETF draft "The Idempotency-Key HTTP Header Field": the first request with a
key claims it by inserting a unique row (scope, key) before the work starts, so of two
concurrent duplicates exactly one inserts and the other is told 409, never a race. The
response is stored and replayed to a retry whose method, path and body are the same; the
same key with another body is the client's mistake: 422. Answers that invite a retry (5xx,
408, 409, 425, 429) are not stored: the claim is dropped and a retry runs again. Nor is a
refusal of the caller's rights (401, 403, e.g. a key without the scope): it did nothing,
the rights may be granted before the retry, which is checked again, not answered from store.

A key belongs to the API key that sent it (`scope` is an HMAC of the Authorization header),
so two integrations can never collide or read each other's answers. Bodies are sealed
(they can hold personal data) and kept IDEMPOTENCY_TTL_HOURS, then purged by
`idempotency_purge`. Limit: a process killed after the work committed but before the
answer was stored leaves the claim in flight; after LEASE a retry runs the work again.

A replay serves a stored answer again, which can hold personal data, so it is audited:
`Replay` carries what the audit names (the row, the first answer's status and the key as a
keyed hash, never the key: a client may put anything in it). This bottom layer cannot
write the audit trail itself; the API that installs the guard passes the hook that does.
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from mianshi.common.claims import claim
from mianshi.common.crypto import decrypt_str, encrypt_str
from mianshi.common.errors import Conflict, DomainError
from mianshi.common.models import IdempotencyRecord, body_context

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# Longer than any request may run (the web server's timeout): a claim older than this
# belongs to a process that died, and a retry may take it over.
LEASE = dt.timedelta(minutes=10)
RETRY_STATUSES = frozenset({408, 409, 425, 429})
RECHECKED_STATUSES = frozenset({401, 403})
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Location", "Cache-Control", "Link")
State = IdempotencyRecord.State


class KeyInvalid(DomainError):
    """The header is empty, too long or not printable ASCII."""

    code = "idempotency_key_invalid"


class KeyReused(DomainError):
    """The key was first used with another method, path or body."""

    status = 422
    code = "idempotency_key_reused"


class KeyInFlight(Conflict):
    """The first request with this key is still running."""

    code = "idempotency_key_in_flight"


@dataclass(frozen=True)
class Replay:
    """The stored first response to serve again, and what an audit of serving it names."""

    response: HttpResponse
    record_id: int
    status: int  # the first answer's
    key_digest: str


@dataclass(frozen=True)
class Claim:
    """A key this request holds: the row and the claim time that proves it still does."""

    pk: int
    claimed_at: dt.datetime


def key_parse(raw: str) -> str:
    """The key of a header value; the draft's quoted sf-string form is accepted too."""
    key = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(" " <= c <= "~" for c in key):
        raise KeyInvalid(
            _("The Idempotency-Key must be 1 to %(max)d printable ASCII characters.")
            % {"max": MAX_KEY_LENGTH}
        )
    return key


def key_digest(key: str) -> str:
    """What the audit trail names a key by: a keyed hash (an unkeyed one of a guessable key
    would give the key away)."""
    return salted_hmac("mianshi.idempotency.key", key, algorithm="sha256").hexdigest()


def scope_of(authorization: str) -> str:
    """Whose keyspace a request uses: an HMAC of its credentials, never the credentials."""
    return salted_hmac("mianshi.idempotency.scope", authorization).hexdigest()


def fingerprint(method: str, path: str, parts: list[bytes]) -> str:
    """HMAC of the method, the path with its query and the body (given as parts)."""
    mac = salted_hmac("mianshi.idempotency.body", f"{method}\n{path}\n")
    for part in parts:
        mac.update(len(part).to_bytes(8, "big") + part)  # lengths keep part boundaries
    return mac.hexdigest()


def idempotency_begin(*, scope: str, key: str, fingerprint: str) -> Claim | Replay:
    """Claim the key for this request, or the stored first response to replay; refuses a
    key in flight (409) or first used for another request (422)."""
    for _attempt in range(2):
        now = timezone.now()
        try:
            with transaction.atomic():
                row = IdempotencyRecord.objects.create(
                    scope=scope, key=key, fingerprint=fingerprint, claimed_at=now,
                    expires_at=now + dt.timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS),
                )  # fmt: skip
            return Claim(row.pk, now)
        except IntegrityError:
            outcome = _existing(scope, key, fingerprint, now)
            if outcome is not None:
                return outcome
    raise KeyInFlight(_("A request with this Idempotency-Key is still being processed."))


def _existing(scope: str, key: str, digest: str, now: dt.datetime) -> Claim | Replay | None:
    """What the row holding the key means for this request; None: it expired and is gone."""
    row = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if row is None or row.expires_at <= now:
        IdempotencyRecord.objects.filter(scope=scope, key=key, expires_at__lte=now).delete()
        return None
    if not hmac.compare_digest(row.fingerprint, digest):
        raise KeyReused(
            _("This Idempotency-Key was already used for a different request. Use a new key.")
        )
    if row.state == State.DONE:
        return Replay(replay(row), row.pk, row.status or 200, key_digest(key))
    lease_over = row.claimed_at <= now - LEASE
    to = {"claimed_at": now}
    if lease_over and claim(IdempotencyRecord.objects, pk=row.pk, expect=_held(row), to=to):
        return Claim(row.pk, now)
    raise KeyInFlight(_("A request with this Idempotency-Key is still being processed."))


def _held(row: IdempotencyRecord | Claim) -> dict[str, object]:
    return {"state": State.IN_FLIGHT, "claimed_at": row.claimed_at}


def replay(row: IdempotencyRecord) -> HttpResponse:
    """The stored first response, marked as a replay."""
    body = base64.b64decode(decrypt_str(row.body_enc, context=body_context(row)) or "")
    response = HttpResponse(body, status=row.status or 200)
    for name, value in row.headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def storable(response: HttpResponseBase) -> bool:
    """Whether a retry must get this answer again (not a stream, not an invitation to retry,
    not a refusal of rights that a retry must check again)."""
    status = response.status_code
    kept = status < 500 and status not in RETRY_STATUSES | RECHECKED_STATUSES
    return kept and not response.streaming


def idempotency_finish(*, held: Claim, response: HttpResponseBase) -> None:
    """Store the response for replay, or drop the claim when a retry should run again."""
    if not storable(response):
        idempotency_release(held=held)
        return
    assert isinstance(response, HttpResponse)  # not streaming
    row = IdempotencyRecord(pk=held.pk)
    body = base64.b64encode(response.content).decode()
    IdempotencyRecord.objects.filter(pk=held.pk, **_held(held)).update(
        state=State.DONE,
        status=response.status_code,
        headers=_kept_headers(response),
        body_enc=encrypt_str(body, context=body_context(row)),
    )


def _kept_headers(response: Mapping[str, str] | HttpResponse) -> dict[str, str]:
    return {name: response[name] for name in KEPT_HEADERS if name in response}


def idempotency_release(*, held: Claim) -> None:
    """Give the key back (the request failed in a way a retry may not)."""
    IdempotencyRecord.objects.filter(pk=held.pk, **_held(held)).delete()


def idempotency_purge() -> int:
    """Delete every stored response past its time; how many went."""
    deleted, _by_model = IdempotencyRecord.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
