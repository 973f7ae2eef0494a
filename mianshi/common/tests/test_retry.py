"""The retry rule of the message-sending tasks (common/retry.py): 1, 5 and 25 minutes, and
only the fourth try is told it is the last."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from mianshi.common.retry import MAX_RETRIES, attempt_or_retry, backoff

finals: list[bool] = []


def busy_until_final(final: bool) -> str:
    """A mail server that refuses for now (SMTP 4xx) every time."""
    finals.append(final)
    return "failed" if final else "retry"


@shared_task(name="common.tests.retry_probe", bind=True, max_retries=MAX_RETRIES)
def retry_probe(self: Any) -> str:
    return attempt_or_retry(self, busy_until_final)


def accepted(final: bool) -> str:
    """A mail server that takes the message."""
    finals.append(final)
    return "sent"


@shared_task(name="common.tests.send_probe", bind=True, max_retries=MAX_RETRIES)
def send_probe(self: Any) -> str:
    return attempt_or_retry(self, accepted)


def test_the_steps_are_one_five_and_twenty_five_minutes() -> None:
    assert [backoff(n) for n in range(MAX_RETRIES)] == [60, 300, 1500]


def test_a_refusal_is_retried_three_times_and_the_last_try_knows_it() -> None:
    finals.clear()
    assert retry_probe.apply().get() == "failed"
    assert finals == [False, False, False, True]


def test_an_outcome_other_than_retry_is_the_result_at_once() -> None:
    finals.clear()
    assert send_probe.apply().get() == "sent"
    assert finals == [False]
