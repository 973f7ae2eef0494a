"""Key rotation of the uploads import jobs still hold (common.sealed: nothing is missed).

An upload lives minutes, but a rotation that removes the old key while a job waits would
make its file unreadable for good; so rotation re-seals every upload still under another
key. The new object replaces the old one only if the job still names the old one
(conditional UPDATE): a job that ended meanwhile keeps nothing, and the sweep deletes an
upload a finished job still names. Registered in connectors/sealed.py as
`register(IMPORT_UPLOADS)` (lead).
"""

from __future__ import annotations

from mianshi.common.crypto import current_key_id
from mianshi.common.sealed import SealedKind, reseal_each
from mianshi.integrations.connectors.files.models import ImportJob
from mianshi.integrations.connectors.files.stored import (
    upload_delete,
    upload_key_id,
    upload_reseal,
)

NAME = "connectors.import_uploads"


def _stale() -> list[tuple[int, str, str]]:
    """(job, stored name, token) of uploads sealed under another key (jobs holding a file
    are few: the queued and running ones)."""
    current = current_key_id()
    held = ImportJob.objects.exclude(file_name="").values_list("pk", "file_name", "file_token")
    return [row for row in held if upload_key_id(row[1]) not in ("", current)]


def _reseal(row: tuple[int, str, str]) -> bool:
    job_id, name, token = row
    fresh, fresh_token = upload_reseal(name, token)
    swapped = ImportJob.objects.filter(pk=job_id, file_name=name).update(
        file_name=fresh, file_token=fresh_token
    )
    upload_delete(name if swapped else fresh)
    return bool(swapped)


def _rotate(batch_size: int) -> int:
    return reseal_each(NAME, _stale(), _reseal)  # few: no batches needed


IMPORT_UPLOADS = SealedKind(name=NAME, rotate=_rotate, remaining=lambda: len(_stale()))
