"""The retry rule of a Celery task that sends one e-mail or text message: tried again after
1, 5 and 25 minutes, then given up, the last try told it is the last.

Why these steps: a temporary refusal (SMTP 4xx: greylisting, a busy mailbox, a rate limit)
usually clears within minutes; a greylisting server asks the sender to come back after a few
(postgrey's default is five). Four tries over about half an hour get past that while the
candidate still hears of an invitation or a decision within the hour; after that the
message is marked failed with its reason, for a person to see. Invitations and decision
feedback share the rule, so a candidate meets the same patience from both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MAX_RETRIES = 3
FIRST_STEP = 60  # seconds
FACTOR = 5


def backoff(retries: int) -> int:
    """Seconds before the next try after `retries` retries: 1 min, 5 min, 25 min."""
    return FIRST_STEP * FACTOR**retries


def attempt_or_retry(task: Any, attempt: Callable[[bool], str]) -> str:
    """Run one `attempt(final)` inside the bound `task`; its outcome "retry" asks Celery for
    another try after the backoff (raises Retry), any other outcome is the task's result."""
    retries = task.request.retries
    outcome = attempt(retries >= MAX_RETRIES)
    if outcome == "retry":
        raise task.retry(countdown=backoff(retries))
    return outcome
