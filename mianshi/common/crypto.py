"""Encryption at rest for personal identifiers and files (ARCHITECTURE rule 7).

AES-256-GCM with keys from settings.ENCRYPTION_KEYS ("keyid:base64-of-32-bytes", newest
first): the first key encrypts, any listed key decrypts, so a key is rotated by adding a
new one in front, re-encrypting (`manage.py rotate_encryption_keys`) and then removing the
old one. Text becomes "v1:<kid>:<base64 nonce+ciphertext>"; files get the same header as
bytes. Exact-match search uses a blind index: HMAC-SHA256 under settings.BLIND_INDEX_KEY
over a normalised value, so equal identifiers match without the database holding them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = "v1"
NONCE_BYTES = 12
_KID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class DecryptionError(Exception):
    """A token is malformed, was made with an unknown key or was tampered with."""


class UnknownKeyError(DecryptionError):
    """Sealed with a key id this process does not have: a configuration matter (a rotation
    or a deploy in progress), not damage; callers may retry once the key is configured."""


@dataclass(frozen=True)
class Keyring:
    """The parsed keys: `current` encrypts, every key in `keys` decrypts."""

    current: str
    keys: dict[str, bytes]


def _parse_key(entry: str) -> tuple[str, bytes]:
    kid, sep, b64 = entry.strip().partition(":")
    if not sep or not _KID.match(kid):
        raise ImproperlyConfigured(
            f"ENCRYPTION_KEYS entry {kid!r}: expected 'keyid:base64key' with a keyid of "
            "1-16 letters, digits, '-' or '_'."
        )
    try:
        raw = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"ENCRYPTION_KEYS key {kid!r} is not valid base64.") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(
            f"ENCRYPTION_KEYS key {kid!r} decodes to {len(raw)} bytes; AES-256 needs exactly "
            '32 (generate one with: python -c "import os,base64;'
            'print(base64.b64encode(os.urandom(32)).decode())").'
        )
    return kid, raw


@lru_cache(maxsize=8)
def _keyring(entries: tuple[str, ...]) -> Keyring:
    if not entries:
        raise ImproperlyConfigured("ENCRYPTION_KEYS is empty: at least one key is required.")
    keys: dict[str, bytes] = {}
    for entry in entries:
        kid, raw = _parse_key(entry)
        if kid in keys:
            raise ImproperlyConfigured(f"ENCRYPTION_KEYS lists the key id {kid!r} twice.")
        keys[kid] = raw
    return Keyring(current=next(iter(keys)), keys=keys)


def keyring() -> Keyring:
    """The configured keys (parsed once per distinct setting value)."""
    return _keyring(tuple(settings.ENCRYPTION_KEYS))


def current_key_id() -> str:
    """Id of the key new values are encrypted with."""
    return keyring().current


def _aead(kid: str) -> AESGCM:
    try:
        return AESGCM(keyring().keys[kid])
    except KeyError as exc:
        raise UnknownKeyError(f"unknown encryption key id {kid!r}") from exc


def encrypt_bytes(data: bytes, *, context: str = "") -> bytes:
    """b"v1:<kid>:" + nonce + ciphertext; `context` is bound as associated data."""
    kid = current_key_id()
    nonce = os.urandom(NONCE_BYTES)
    sealed = _aead(kid).encrypt(nonce, data, context.encode())
    return f"{VERSION}:{kid}:".encode() + nonce + sealed


def decrypt_bytes(blob: bytes | memoryview, *, context: str = "") -> bytes:
    """Inverse of encrypt_bytes with whichever configured key sealed it.

    The body is read through a memoryview: a recording block is 64 KiB or more, and copying
    it twice before decrypting cost playback more than the decryption itself.
    """
    kid, at = _header(blob)
    body = memoryview(blob)[at:]
    try:
        return _aead(kid).decrypt(bytes(body[:NONCE_BYTES]), body[NONCE_BYTES:], context.encode())
    except InvalidTag as exc:
        raise DecryptionError("ciphertext failed authentication") from exc


def _header(blob: bytes | memoryview) -> tuple[str, int]:
    """(key id, where the nonce starts) of b"v1:<kid>:..." (a key id has at most 16 characters)."""
    version, sep, rest = bytes(blob[:64]).partition(b":")
    kid, sep2, _ = rest.partition(b":")
    if not (sep and sep2) or version != VERSION.encode():
        raise DecryptionError("not an encrypted value")
    return kid.decode("ascii", "replace"), len(version) + len(kid) + 2


def _split(blob: bytes) -> tuple[str, bytes]:
    parts = blob.split(b":", 2)
    if len(parts) != 3 or parts[0] != VERSION.encode():
        raise DecryptionError("not an encrypted value")
    return parts[1].decode("ascii", "replace"), parts[2]


def key_id_of(blob: bytes | str) -> str:
    """The key id a token or file was sealed with ("" when it is not one of ours)."""
    raw = blob.encode() if isinstance(blob, str) else blob
    try:
        return _split(raw[:64])[0]
    except DecryptionError:
        return ""


def encrypt_str(value: str, *, context: str = "") -> str:
    """'v1:<kid>:<base64>' for a non-empty value; '' stays '' (nothing to protect)."""
    if not value:
        return ""
    sealed = encrypt_bytes(value.encode(), context=context)
    kid, body = _split(sealed)
    return f"{VERSION}:{kid}:{base64.b64encode(body).decode()}"


def decrypt_str(token: str, *, context: str = "") -> str:
    """Inverse of encrypt_str."""
    if not token:
        return ""
    kid, body = _split(token.encode())
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DecryptionError("ciphertext is not valid base64") from exc
    return decrypt_bytes(f"{VERSION}:{kid}:".encode() + raw, context=context).decode()


# --- blind index -------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s\-－—()（）]")


def normalise_id_number(value: str) -> str:
    """Strip spaces/dashes; the checksum letter x is always upper-case."""
    return _SEPARATORS.sub("", value).upper()


def normalise_phone(value: str) -> str:
    """Strip spaces/dashes and a leading +86 / 0086 country code."""
    digits = _SEPARATORS.sub("", value)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            return digits[len(prefix) :]
    return digits


def normalise_email(value: str) -> str:
    """Trim and lower-case (mailbox providers treat addresses case-insensitively)."""
    return value.strip().lower()


NORMALISERS = {"id_number": normalise_id_number, "phone": normalise_phone, "email": normalise_email}


def _index_key() -> bytes:
    key = settings.BLIND_INDEX_KEY
    if not key or len(key) < 16:
        raise ImproperlyConfigured("BLIND_INDEX_KEY must be set to at least 16 characters.")
    return key.encode()


def blind_index(value: str, *, kind: str) -> str:
    """Hex HMAC-SHA256 of the normalised value, separated per kind; '' for an empty value."""
    normalised = NORMALISERS[kind](value)
    if not normalised:
        return ""
    message = f"{kind}:{normalised}".encode()
    return hmac.new(_index_key(), message, hashlib.sha256).hexdigest()


# --- re-sealing (key rotation) -----------------------------------------------------------

TAG_BYTES = 16


def sealed_overhead(kid: str) -> int:
    """Bytes encrypt_bytes adds to a plaintext under key `kid` (header, nonce, GCM tag)."""
    return len(f"{VERSION}:{kid}:") + NONCE_BYTES + TAG_BYTES


def reseal_bytes(blob: bytes, *, context: str = "") -> bytes:
    """`blob` sealed again under the current key (same context); unchanged if it already is."""
    if key_id_of(blob) == current_key_id():
        return blob
    return encrypt_bytes(decrypt_bytes(blob, context=context), context=context)


def reseal_str(token: str, *, context: str = "") -> str:
    """As reseal_bytes for an encrypt_str token; '' stays ''."""
    if not token or key_id_of(token) == current_key_id():
        return token
    return encrypt_str(decrypt_str(token, context=context), context=context)
