"""tus 1.0.0 header grammar: parsing is strict, every refusal carries the status tus prescribes.

Spec: https://tus.io/protocols/resumable-upload (core, creation, creation-defer-length,
checksum, termination, expiration).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from mianshi.common.errors import DomainError
from mianshi.interviews.models import RecordingMode
from mianshi.interviews.services.recordings import ChecksumMismatch

VERSION = "1.0.0"
EXTENSIONS = "creation,creation-defer-length,checksum,termination,expiration"
CHECKSUMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "md5": hashlib.md5}
CHUNK_CONTENT_TYPE = "application/offset+octet-stream"
_KEY = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
_INT = re.compile(r"^[0-9]{1,19}$")
MAX_METADATA = 4096


class BadRequest(DomainError):
    """A header is missing or malformed (400)."""

    code = "bad_request"


def integer(value: str | None, header: str) -> int | None:
    """A non-negative decimal header value; None when absent."""
    if value is None:
        return None
    if not _INT.match(value.strip()):
        raise BadRequest(
            _("The %(header)s header must be a non-negative whole number.") % {"header": header}
        )
    return int(value)


def metadata(header: str) -> dict[str, str]:
    """Upload-Metadata: comma-separated 'key base64value' pairs (value optional), keys unique."""
    out: dict[str, str] = {}
    if len(header) > MAX_METADATA:
        raise BadRequest(_("The upload metadata is too long."))
    for pair in filter(None, (p.strip() for p in header.split(","))):
        parts = pair.split(" ")
        if len(parts) > 2 or not _KEY.match(parts[0]) or parts[0] in out:
            raise BadRequest(_("The upload metadata is malformed."))
        try:
            raw = base64.b64decode(parts[1], validate=True) if len(parts) == 2 else b""
            out[parts[0]] = raw.decode("utf-8")
        except (binascii.Error, ValueError) as exc:
            raise BadRequest(_("The upload metadata is malformed.")) from exc
    return out


@dataclass(frozen=True)
class UploadSpec:
    """Which answer a new upload records, from Upload-Metadata."""

    position: int
    attempt: int
    segment: int
    mode: str
    filetype: str


def _meta_int(meta: dict[str, str], key: str, default: int | None = None) -> int:
    value = meta.get(key)
    if value is None and default is not None:
        return default
    if value is None or not _INT.match(value) or len(value) > 5:
        raise BadRequest(_("The upload metadata needs a valid %(key)s.") % {"key": key})
    return int(value)


def upload_spec(header: str | None) -> UploadSpec:
    """The creation metadata: position and attempt required; segment, mode, filetype optional."""
    meta = metadata(header or "")
    mode = meta.get("mode", RecordingMode.STREAM)
    if mode not in RecordingMode.values:
        raise BadRequest(_("The upload metadata needs a valid %(key)s.") % {"key": "mode"})
    return UploadSpec(
        position=_meta_int(meta, "position"),
        attempt=_meta_int(meta, "attempt"),
        segment=_meta_int(meta, "segment", 0),
        mode=mode,
        filetype=meta.get("filetype") or "video/webm",
    )


def verify_checksum(header: str | None, data: bytes) -> None:
    """Upload-Checksum 'algorithm base64digest': unknown algorithm 400, mismatch 460."""
    if header is None:
        return
    name, _sep, encoded = header.strip().partition(" ")
    algorithm = CHECKSUMS.get(name.lower())
    if algorithm is None:
        raise BadRequest(
            _("Unsupported checksum algorithm; use sha1, sha256 or md5."),
            code="bad_checksum_algorithm",
        )
    try:
        expected = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadRequest(_("The checksum is not valid base64.")) from exc
    if not hmac.compare_digest(algorithm(data).digest(), expected):
        raise ChecksumMismatch(_("The data does not match its checksum; send it again."))
