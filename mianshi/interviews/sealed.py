"""What interviews seal with ENCRYPTION_KEYS, registered for key rotation (see common.sealed).

Stored objects carry their key id in their header only, so the stale ones are found by
reading each header (a ranged read of a few bytes on S3). A re-sealed object always gets a
new name; the row is switched with a conditional UPDATE and the old object deleted after
commit, so a crash at any point leaves a readable object behind the row.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from functools import partial

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction

from mianshi.common.crypto import current_key_id, reseal_bytes
from mianshi.common.sealed import (
    SealedKind,
    in_batches,
    register,
    reseal_each,
    sealed_text_field,
)
from mianshi.interviews.models import Answer, Chunk, Recording
from mianshi.interviews.services import storage
from mianshi.interviews.services.submissions import file_context


def _swap(model: type[models.Model], pk: object, field: str, old: str, new: str) -> bool:
    """Point the row at `new` if it still points at `old`; the loser object goes after commit."""
    with transaction.atomic():
        moved = model._default_manager.filter(pk=pk, **{field: old}).update(**{field: new})
        transaction.on_commit(partial(storage.objects_delete, [old if moved else new]))
    return bool(moved)


def _stale(
    rows: models.QuerySet[models.Model], field: str, key_id: Callable[[str], str], size: int
) -> Iterator[models.Model]:
    current = current_key_id()
    for row in in_batches(rows.exclude(**{field: ""}), size):
        if key_id(getattr(row, field)) != current:
            yield row


def _file_kind(
    name: str, rows: Callable[[], models.QuerySet[models.Model]], field: str,
    key_id: Callable[[str], str], reseal: Callable[[models.Model], bool],
) -> SealedKind:  # fmt: skip
    def rotate(batch_size: int) -> int:
        return reseal_each(name, _stale(rows(), field, key_id, batch_size), reseal)

    def remaining() -> int:
        return sum(1 for _ in _stale(rows(), field, key_id, 500))

    return SealedKind(name=name, rotate=rotate, remaining=remaining)


def _recording_reseal(row: models.Model) -> bool:
    assert isinstance(row, Recording)
    stored, sha, _size = storage.recording_reseal(row.pk, row.storage_path)
    if row.sha256 and sha != row.sha256:  # never swap in anything but the same plaintext
        storage.objects_delete([stored])
        raise ValueError("re-sealed recording differs from the stored one")
    return _swap(Recording, row.pk, "storage_path", row.storage_path, stored)


def _chunk_reseal(row: models.Model) -> bool:
    assert isinstance(row, Chunk)
    fresh = storage.chunk_reseal(row.recording_id, row.offset, row.storage_name)
    return _swap(Chunk, row.pk, "storage_name", row.storage_name, fresh)


def _answer_file_reseal(row: models.Model) -> bool:
    assert isinstance(row, Answer)
    with default_storage.open(row.file_path, "rb") as stored:
        sealed = reseal_bytes(stored.read(), context=file_context(row.pk))
    fresh = default_storage.save(f"answer-files/{uuid.uuid4().hex}.enc", ContentFile(sealed))
    return _swap(Answer, row.pk, "file_path", row.file_path, fresh)


register(
    _file_kind(
        "interviews.recording",
        lambda: Recording.objects.only("pk", "storage_path", "sha256"),
        "storage_path",
        storage.recording_key_id,
        _recording_reseal,
    )
)
register(
    _file_kind(
        "interviews.chunk",
        lambda: Chunk.objects.only("pk", "recording_id", "offset", "storage_name"),
        "storage_name",
        storage.chunk_key_id,
        _chunk_reseal,
    )
)
register(
    _file_kind(
        "interviews.answer_file",
        lambda: Answer.objects.only("pk", "file_path"),
        "file_path",
        storage.stored_key_id,
        _answer_file_reseal,
    )
)
register(
    sealed_text_field(
        name="interviews.answer_file_name",
        model=Answer,
        field="file_name_enc",
        context=lambda answer: f"interviews.answer_file_name:{answer.pk}",
    )
)
