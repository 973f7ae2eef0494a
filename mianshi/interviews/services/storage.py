"""Recording bytes at rest: encrypted chunk objects and sealed whole files (F-44, F-105).

Everything goes through `default_storage`, so a local folder and S3 behave the same. A
chunk is one object sealed with AES-GCM under a context naming its recording and offset,
so a chunk moved to another place or upload fails to decrypt. A verified recording is one
object made of blocks, each sealed with its index and whether it is the last one:
blocks cannot be reordered, dropped or cut off without decryption failing, and playback
decrypts only the blocks a byte range covers instead of the whole answer.

Blocks are 64 KiB (recordings sealed earlier have 4 MiB or 256 KiB blocks; the reader
takes the block size from the file, so all play). A seek must read and authenticate a
whole block before its first byte goes out: one 4 MiB block took 19 ms here; with 256 KiB
the first byte of a seek came 2.4–4.0× later than a plain read's (p95, bench/playback.py),
with 64 KiB 0.9–1.9×, while a whole 1–8 MiB range costs 2.5× → 3× a plain read. The 38
bytes a block adds are 0.06 % of it.
"""

from __future__ import annotations

import hashlib
import logging
import struct
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from mianshi.common.crypto import (
    DecryptionError,
    decrypt_bytes,
    encrypt_bytes,
    key_id_of,
    reseal_bytes,
    sealed_overhead,
)

logger = logging.getLogger(__name__)

CHUNK_PREFIX = "uploads"
RECORDING_PREFIX = "recordings"
BLOCK_BYTES = 64 * 1024
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
    with source.open("rb") as plain:
        return _seal_blocks(recording_id, _blocks(plain), name)


def _seal_blocks(
    recording_id: object, blocks: Iterable[tuple[int, bytes, bool]], name: str
) -> tuple[str, str, int]:
    """Seal (index, plaintext, is_last) blocks into a new object at `name`, one block in
    memory at a time: (stored name, sha256 of the plaintext, plaintext bytes)."""
    digest, size = hashlib.sha256(), 0
    with tempfile.TemporaryFile() as sealed:
        sealed.write(MAGIC)
        for index, block, last in blocks:
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


def _sealed_blocks(stored: IO[bytes], recording_id: object) -> Iterator[tuple[int, bytes, bool]]:
    """(index, plaintext, is_last) of a sealed recording read front to back."""
    if _read_exact(stored, len(MAGIC)) != MAGIC:
        raise DecryptionError("not a sealed recording")
    index, last = 0, False
    while not last:
        header = stored.read(_LEN.size)
        if not header:
            raise DecryptionError("the stored recording lacks its last block")
        box = _read_exact(stored, _LEN.unpack(header)[0])
        block, last = _open_block(box, recording_id, index)
        yield index, block, last
        index += 1
    if stored.read(1):
        raise DecryptionError("data after the last block of a stored recording")


def unseal_to(recording_id: object, name: str, target: IO[bytes]) -> str:
    """Decrypt a sealed recording into `target`; returns the plaintext's sha256."""
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as stored:
        for _index, block, _last in _sealed_blocks(stored, recording_id):
            digest.update(block)
            target.write(block)
    return digest.hexdigest()


def _open_block(box: bytes, recording_id: object, index: int) -> tuple[bytes, bool]:
    """(plaintext, is_last): the authenticated 'end' marker says which block closes the file."""
    try:
        return decrypt_bytes(box, context=_block_context(recording_id, index, False)), False
    except DecryptionError:
        return decrypt_bytes(box, context=_block_context(recording_id, index, True)), True


# --- random access: ranged reads of stored objects ---------------------------------------


class StoredObject:
    """Random access to one stored object without fetching it whole.

    django-storages' S3 file downloads the entire object on its first read(), so on S3 each
    read here is a ranged GET of exactly the bytes asked for; a local file just seeks.
    """

    def __init__(self, name: str) -> None:
        self._handle = default_storage.open(name, "rb")
        self.size: int = self._handle.size

    def read_at(self, offset: int, n: int) -> bytes:
        """Up to `n` bytes from `offset` (fewer at the end of the object)."""
        if n <= 0 or offset >= self.size:
            return b""
        s3_object = getattr(self._handle, "obj", None)
        if s3_object is not None:
            last = min(offset + n, self.size) - 1
            return bytes(s3_object.get(Range=f"bytes={offset}-{last}")["Body"].read())
        self._handle.seek(offset)
        data = self._handle.read(n)
        return data if isinstance(data, bytes) else bytes(data)

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> StoredObject:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def stored_key_id(name: str, *, skip: int = 0) -> str:
    """The key id that sealed a stored object, read from its header ("" if unreadable)."""
    try:
        with StoredObject(name) as stored:
            return key_id_of(stored.read_at(skip, 64))
    except OSError:
        return ""


def chunk_key_id(name: str) -> str:
    """The key id of a stored chunk."""
    return stored_key_id(name)


def recording_key_id(name: str) -> str:
    """The key id of a sealed recording (that of its first block: one run seals them all)."""
    return stored_key_id(name, skip=len(MAGIC) + _LEN.size)


# --- re-sealing under the current key (key rotation) --------------------------------------


def _fresh_name(old: str, stem: object, suffix: str) -> str:
    """A new unique name beside `old`: a re-sealed object never overwrites the one it replaces."""
    folder = old.rsplit("/", 1)[0] if "/" in old else ""
    name = f"{stem}-{uuid.uuid4().hex}{suffix}"
    return f"{folder}/{name}" if folder else name


def chunk_reseal(recording_id: object, offset: int, name: str) -> str:
    """Store the chunk sealed under the current key as a new object; returns its name."""
    with default_storage.open(name, "rb") as stored:
        sealed = reseal_bytes(stored.read(), context=chunk_context(recording_id, offset))
    fresh = _fresh_name(name, f"{offset:015d}", ".part")
    return default_storage.save(fresh, ContentFile(sealed))


def recording_reseal(recording_id: object, name: str) -> tuple[str, str, int]:
    """Re-seal a recording block by block into a new object: (stored name, sha256, bytes).

    One block is in memory at a time; each keeps its index and end marker, so the new object
    decrypts exactly as the old one did.
    """
    with default_storage.open(name, "rb") as stored:
        fresh = _fresh_name(name, recording_id, ".bin")
        return _seal_blocks(recording_id, _sealed_blocks(stored, recording_id), fresh)


# --- playback: decrypt only the blocks a byte range covers --------------------------------


@dataclass(frozen=True)
class Layout:
    """Where a sealed recording's blocks lie: every block but the last has the same size, so
    block i starts at len(MAGIC) + i * stride (no offset table is needed)."""

    stride: int  # stored bytes of one full block: length prefix and box
    plain: int  # plaintext bytes of one full block
    blocks: int
    size: int  # plaintext bytes of the whole recording


def _layout(stored: StoredObject) -> Layout:
    head = stored.read_at(0, len(MAGIC) + _LEN.size + 64)
    if head[: len(MAGIC)] != MAGIC or len(head) < len(MAGIC) + _LEN.size:
        raise DecryptionError("not a sealed recording")
    box = _LEN.unpack(head[len(MAGIC) : len(MAGIC) + _LEN.size])[0]
    overhead = sealed_overhead(key_id_of(head[len(MAGIC) + _LEN.size :]))
    stride, body = _LEN.size + box, stored.size - len(MAGIC)
    blocks = max(1, -(-body // stride))
    last = body - (blocks - 1) * stride - _LEN.size - overhead
    if last < 0 or box < overhead:
        raise DecryptionError("the stored recording is cut short")
    return Layout(stride, box - overhead, blocks, (blocks - 1) * (box - overhead) + last)


class SealedRecording:
    """A sealed recording opened for random access: a byte range decrypts only the blocks
    that cover it (each block still authenticated with its index and end marker)."""

    def __init__(self, recording_id: object, name: str) -> None:
        self._id = recording_id
        self._stored = StoredObject(name)
        try:
            self.layout = _layout(self._stored)
        except BaseException:
            self._stored.close()
            raise
        self.size = self.layout.size
        self.blocks_opened = 0

    def block(self, index: int) -> bytes:
        """The plaintext of block `index` (DecryptionError if it was altered or moved)."""
        raw = self._stored.read_at(len(MAGIC) + index * self.layout.stride, self.layout.stride)
        length = _LEN.unpack(raw[: _LEN.size])[0] if len(raw) >= _LEN.size else -1
        if length != len(raw) - _LEN.size:
            raise DecryptionError("a block of the stored recording is cut short")
        self.blocks_opened += 1
        last = index == self.layout.blocks - 1
        box = memoryview(raw)[_LEN.size :]
        return decrypt_bytes(box, context=_block_context(self._id, index, last))

    def iter_range(self, start: int, end: int) -> Iterator[bytes]:
        """The plaintext bytes start..end (inclusive), one covering block at a time."""
        per = max(self.layout.plain, 1)
        for index in range(start // per, end // per + 1) if end >= start else ():
            data, base = self.block(index), index * per
            yield data[max(start - base, 0) : end - base + 1]

    def close(self) -> None:
        self._stored.close()
