"""Recording bytes at rest: encrypted chunk objects and sealed whole files (F-44, F-105).

Everything goes through `default_storage`, so a local folder and S3 behave the same. A
chunk is one object sealed with AES-GCM under a context naming its recording and offset,
so a chunk moved to another place or upload fails to decrypt. A verified recording is one
object made of 4 MiB blocks, each sealed with its index and whether it is the last one:
blocks cannot be reordered, dropped or cut off without decryption failing, and playback
decrypts block by block instead of holding a whole answer in memory.
"""

from __future__ import annotations

import hashlib
import logging
import struct
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from mianshi.common.crypto import DecryptionError, decrypt_bytes, encrypt_bytes

logger = logging.getLogger(__name__)

CHUNK_PREFIX = "uploads"
RECORDING_PREFIX = "recordings"
BLOCK_BYTES = 4 * 1024 * 1024
MAGIC = b"MSREC1\n"
_LEN = struct.Struct(">I")


def chunk_context(recording_id: object, offset: int) -> str:
    """Associated data binding a chunk object to its recording and offset."""
    return f"interviews.chunk:{recording_id}:{offset}"


def chunk_store(recording_id: object, offset: int, data: bytes) -> str:
    """Seal and save one PATCH body under a fresh unique name; returns the storage name."""
    sealed = encrypt_bytes(data, context=chunk_context(recording_id, offset))
    name = f"{CHUNK_PREFIX}/{recording_id}/{offset:015d}-{uuid.uuid4().hex}.part"
    return default_storage.save(name, ContentFile(sealed))


def chunk_read(recording_id: object, offset: int, name: str) -> bytes:
    """The plaintext of one stored chunk (DecryptionError if it is not that chunk)."""
    with default_storage.open(name, "rb") as stored:
        return decrypt_bytes(stored.read(), context=chunk_context(recording_id, offset))


def objects_delete(names: Iterable[str]) -> int:
    """Delete stored objects; a missing one is no error (retries, purges). Returns the count."""
    deleted = 0
    for name in names:
        try:
            default_storage.delete(name)
            deleted += 1
        except OSError:
            logger.warning("could not delete stored object %s", name)
    return deleted


def recording_name(session_id: int, answer_id: int, recording_id: object) -> str:
    """Where a verified recording is kept (ids only: the name holds no personal data)."""
    return f"{RECORDING_PREFIX}/{session_id}/{answer_id}/{recording_id}.bin"


def _block_context(recording_id: object, index: int, last: bool) -> str:
    return f"interviews.recording:{recording_id}:{index}:{'end' if last else 'more'}"


def _blocks(source: IO[bytes]) -> Iterator[tuple[int, bytes, bool]]:
    """(index, block, is_last) of a file read ahead by one block; an empty file is one block."""
    current = source.read(BLOCK_BYTES)
    index = 0
    while True:
        following = source.read(BLOCK_BYTES)
        yield index, current, not following
        if not following:
            return
        current, index = following, index + 1


def seal_file(recording_id: object, source: Path, name: str) -> tuple[str, str, int]:
    """Encrypt `source` block by block into storage at `name`: (stored name, sha256, bytes)."""
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as plain, tempfile.TemporaryFile() as sealed:
        sealed.write(MAGIC)
        for index, block, last in _blocks(plain):
            digest.update(block)
            size += len(block)
            box = encrypt_bytes(block, context=_block_context(recording_id, index, last))
            sealed.write(_LEN.pack(len(box)) + box)
        sealed.seek(0)
        stored = default_storage.save(name, File(sealed, name=Path(name).name))
    return stored, digest.hexdigest(), size


def _read_exact(stored: IO[bytes], n: int) -> bytes:
    data = stored.read(n)
    if len(data) != n:
        raise DecryptionError("the stored recording is cut short")
    return data


def unseal_to(recording_id: object, name: str, target: IO[bytes]) -> str:
    """Decrypt a sealed recording into `target`; returns the plaintext's sha256."""
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as stored:
        if _read_exact(stored, len(MAGIC)) != MAGIC:
            raise DecryptionError("not a sealed recording")
        index, last = 0, False
        while not last:
            header = stored.read(_LEN.size)
            if not header:
                raise DecryptionError("the stored recording lacks its last block")
            box = _read_exact(stored, _LEN.unpack(header)[0])
            block, last = _open_block(box, recording_id, index)
            digest.update(block)
            target.write(block)
            index += 1
        if stored.read(1):
            raise DecryptionError("data after the last block of a stored recording")
    return digest.hexdigest()


def _open_block(box: bytes, recording_id: object, index: int) -> tuple[bytes, bool]:
    """(plaintext, is_last): the authenticated 'end' marker says which block closes the file."""
    try:
        return decrypt_bytes(box, context=_block_context(recording_id, index, False)), False
    except DecryptionError:
        return decrypt_bytes(box, context=_block_context(recording_id, index, True)), True
