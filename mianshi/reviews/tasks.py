"""Background work of the review app: sending decision feedback, housekeeping on the beat."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from mianshi.common.retry import MAX_RETRIES, attempt_or_retry
from mianshi.reviews.services.feedback import feedback_attempt, feedback_maintain


@shared_task(name="reviews.send_feedback", bind=True, max_retries=MAX_RETRIES)
def send_feedback(self: Any, decision_id: int) -> str:
    """E-mail one decision's message; a temporary failure (e.g. SMTP 4xx) is retried."""
    return attempt_or_retry(
        self, lambda final: feedback_attempt(decision_id=decision_id, final=final)
    )


@shared_task(name="reviews.maintain_feedback")
def maintain_feedback() -> dict[str, int]:
    """Re-send messages whose worker died or whose task never reached the broker."""
    return feedback_maintain()
