"""Background work of the recording flow: verify uploads, check answer quality, housekeeping.

Tasks take ids, claim their work with a conditional UPDATE (so a retry or a second worker
does no harm) and retry on storage or database trouble.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import DatabaseError

from mianshi.interviews.services.maintenance import uploads_maintain
from mianshi.interviews.services.quality import answer_quality_check
from mianshi.interviews.services.verification import recording_verify

RETRY = {
    "autoretry_for": (OSError, DatabaseError),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "max_retries": 8,
}


@shared_task(name="interviews.verify_recording", **RETRY)
def verify_recording(recording_id: str) -> str:
    """Assemble, verify and store a completed upload, then settle its answer."""
    return recording_verify(recording_id=recording_id)


@shared_task(name="interviews.check_answer", **RETRY)
def check_answer(answer_id: int) -> str:
    """The quality gate of a completed answer (F-45)."""
    return answer_quality_check(answer_id=answer_id)


@shared_task(name="interviews.maintain_uploads")
def maintain_uploads() -> dict[str, Any]:
    """Purge expired uploads and re-queue work whose message or worker was lost."""
    return uploads_maintain()
