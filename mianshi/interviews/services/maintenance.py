"""Housekeeping of uploads: purge what expired and pick up work a lost message left behind.

Run by `manage.py purge_uploads` (cron) or the `interviews.maintain_uploads` task. Each
step is safe to repeat: the tasks it queues claim their work with conditional UPDATEs.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from mianshi.interviews.models import (
    Answer,
    AnswerStatus,
    Recording,
    RecordingStatus,
)
from mianshi.interviews.services.quality import answers_quality_sweep
from mianshi.interviews.services.recordings import recordings_discarded_delete, uploads_purge
from mianshi.interviews.services.verification import answer_settle, recording_give_up

# A completed upload is normally verified within seconds; after this its message was lost.
VERIFY_OVERDUE = timedelta(minutes=10)
# A verification claimed longer ago than this lost its worker (acks_late redelivers, but a
# broker restart may not). Measured from the claim, not the upload: a worker that reaches
# an old upload after a backlog is not interrupted by a second one.
VERIFY_STALE = timedelta(hours=1)
# A verification whose worker died this often (killed, out of memory) is given up.
VERIFY_MAX_CLAIMS = 3


def _stale_verifications(now: Any) -> QuerySet[Recording]:
    cutoff = now - VERIFY_STALE
    # Claims made before claims were timed are judged by their upload, as they were.
    untimed = Q(verify_claimed_at__isnull=True, last_chunk_at__lt=cutoff)
    return Recording.objects.filter(
        Q(verify_claimed_at__lt=cutoff) | untimed, status=RecordingStatus.VERIFYING
    )


def _give_up_verifications(stale: QuerySet[Recording]) -> int:
    given_up = 0
    hopeless = stale.filter(verify_claims__gte=VERIFY_MAX_CLAIMS)
    for pk, claimed_at in hopeless.values_list("pk", "verify_claimed_at"):
        given_up += recording_give_up(recording_id=pk, claimed_at=claimed_at) == "failed"
    return given_up


def _requeue_verification(now: Any) -> int:
    from mianshi.interviews.tasks import verify_recording

    _give_up_verifications(_stale_verifications(now))
    _stale_verifications(now).update(status=RecordingStatus.COMPLETE, verify_claimed_at=None)
    overdue = list(
        Recording.objects.filter(
            status=RecordingStatus.COMPLETE, last_chunk_at__lt=now - VERIFY_OVERDUE
        ).values_list("pk", flat=True)
    )
    for pk in overdue:
        transaction.on_commit(partial(verify_recording.delay, str(pk)))
    return len(overdue)


def _requeue_quality(now: Any) -> int:
    from mianshi.interviews.tasks import check_answer

    # Stale claims (older than the check's time limit) come back; MAX_CLAIMS fail there.
    pending = answers_quality_sweep(now=now)
    for pk in pending:
        transaction.on_commit(partial(check_answer.delay, pk))
    return len(pending)


def _settle_waiting() -> int:
    """Each answer in its own transaction (`answer_settle`'s): one that held every waiting
    answer and its session until the last was settled would meet a candidate's finish,
    which locks a session's answers, in the opposite order."""
    waiting = Answer.objects.filter(
        status__in=[AnswerStatus.UPLOADING, AnswerStatus.VERIFYING], finished_at__isnull=False
    )
    count = 0
    for answer in waiting.order_by("pk"):
        answer_settle(answer=answer)
        count += 1
    return count


def uploads_maintain(*, now: Any = None) -> dict[str, Any]:
    """Purge expired uploads, re-queue lost verifications and quality checks, settle answers."""
    now = now or timezone.now()
    with transaction.atomic():
        done = {
            **uploads_purge(now=now),
            "verifications_requeued": _requeue_verification(now),
            "quality_checks_requeued": _requeue_quality(now),
            "discarded_deleted": recordings_discarded_delete(),
        }
    return {**done, "answers_settled": _settle_waiting()}
