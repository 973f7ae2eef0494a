"""An import's upload at rest: sealed block by block in default storage until the job ends.

A candidates file holds ID numbers and phones (ARCHITECTURE rule 7), so it is sealed like a
recording: AES-GCM blocks bound to the upload's random token, their index and whether the
block is the last, so blocks cannot be reordered, dropped or cut off. 1 MiB blocks: the file
is only ever read front to back, and a 200 MB upload is 200 boxes. The worker unseals into an
anonymous temporary file (XLSX needs to seek), gone when closed. The object name holds the
token only, no personal data.
"""

from __future__ import annotations

import logging
import struct
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage

from mianshi.common.crypto import DecryptionError, decrypt_bytes, encrypt_bytes, key_id_of

logger = logging.getLogger(__name__)

PREFIX = "imports"
BLOCK_BYTES = 1024 * 1024
MAGIC = b"MSIMP1\n"
_LEN = struct.Struct(">I")


def _context(token: str, index: int, last: bool) -> str:
    return f"files.import:{token}:{index}:{'end' if last else 'more'}"


def upload_seal(source: IO[bytes]) -> tuple[str, str, int]:
    """Seal `source` into storage under a fresh token: (stored name, token, plaintext bytes)."""
    token = uuid.uuid4().hex
    source.seek(0)
    size = 0
    with tempfile.TemporaryFile() as sealed:
        sealed.write(MAGIC)
        current, index = source.read(BLOCK_BYTES), 0
        while True:
            following = source.read(BLOCK_BYTES)
            box = encrypt_bytes(current, context=_context(token, index, not following))
            sealed.write(_LEN.pack(len(box)) + box)
            size += len(current)
            if not following:
                break
            current, index = following, index + 1
        sealed.seek(0)
        name = f"{PREFIX}/{token}.bin"
        stored = default_storage.save(name, File(sealed, name=Path(name).name))
    return stored, token, size


def _blocks(stored: IO[bytes], token: str) -> Iterator[bytes]:
    if stored.read(len(MAGIC)) != MAGIC:
        raise DecryptionError("not a sealed import file")
    index, last = 0, False
    while not last:
        header = stored.read(_LEN.size)
        if len(header) != _LEN.size:
            raise DecryptionError("the stored import file is cut short")
        box = stored.read(_LEN.unpack(header)[0])
        try:
            yield decrypt_bytes(box, context=_context(token, index, False))
        except DecryptionError:
            yield decrypt_bytes(box, context=_context(token, index, True))
            last = True
        index += 1


def upload_open(name: str, token: str) -> IO[bytes]:
    """The plaintext upload in an anonymous temporary file, rewound (close it when done)."""
    plain = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it)
    try:
        with default_storage.open(name, "rb") as stored:
            for block in _blocks(stored, token):
                plain.write(block)
    except BaseException:
        plain.close()
        raise
    plain.seek(0)
    return plain


def upload_delete(name: str) -> None:
    """Remove a stored upload; a missing one is no error (a retried job end, a sweep)."""
    if not name:
        return
    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("could not delete stored import file %s", name)


def upload_key_id(name: str) -> str:
    """The key id that sealed a stored upload (that of its first block; "" if unreadable)."""
    try:
        with default_storage.open(name, "rb") as stored:
            head = stored.read(len(MAGIC) + _LEN.size + 64)
    except OSError:
        return ""
    return key_id_of(head[len(MAGIC) + _LEN.size :])


def upload_reseal(name: str, token: str) -> tuple[str, str]:
    """The upload sealed again under the current key, as a new object: (name, token)."""
    with upload_open(name, token) as plain:
        stored, fresh, _size = upload_seal(plain)
    return stored, fresh
