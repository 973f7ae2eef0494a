"""Two requests of one interview at once, in real transactions on two connections: the
candidate's finish meets another transaction that locks the same answers, and the
browser's events arrive while the upload side holds the answer.

On PostgreSQL these are row locks and the deadlock is real; SQLite has one writer at a
time, so there the other transaction runs first and the finish or the event follows it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection, transaction

from mianshi.interviews.models import (
    Answer,
    AnswerStatus,
    EventKind,
    SessionEvent,
    SessionState,
)
from mianshi.interviews.services import session_events_record, session_finish
from mianshi.interviews.services.events import EventInput
from mianshi.interviews.services.verification import answer_settle
from mianshi.interviews.tests.candidate_fixtures import *  # noqa: F403
from mianshi.interviews.tests.candidate_fixtures import Interview, invite, question
from mianshi.jobs.models import AnswerType

pytestmark = pytest.mark.django_db(transaction=True)
HOLD_S = 3.0  # how long the other transaction keeps its locks when nobody releases it


@pytest.fixture
def answered(org: Any, hr: Any) -> Interview:
    """Two written answers given, the interview not yet finished."""
    unit = org.sh_sales
    texts = ["说说你的一次合作。", "说说你的一次失败。"]
    interview = invite(unit, hr, [question(unit, hr, AnswerType.TEXT, t) for t in texts])
    interview.api.guided_start()
    for position in (1, 2):
        interview.api.ok(f"questions/{position}/start")
        interview.api.ok(f"questions/{position}/text", {"text": "我做了这件事。"})
    return interview


def _pid() -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _wait_until_blocked(pid: int | None) -> None:
    """Until the backend `pid` waits for a lock (SQLite: until it has queued for the file)."""
    if pid is None:
        time.sleep(0.3)
        return
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == "Lock":
                return
            time.sleep(0.01)
    raise AssertionError("the other request never waited for a lock")


@contextmanager
def other_transaction(body: Callable[[threading.Event], None]) -> Iterator[threading.Event]:
    """Run `body(holding)` in one transaction on another connection, which sets `holding`
    once it holds its first lock; yields then the event that ends the transaction (or
    HOLD_S), and joins the thread afterwards, re-raising its error."""
    holding, release, errors = threading.Event(), threading.Event(), []

    def run() -> None:
        try:
            with transaction.atomic():
                body(holding)
                release.wait(HOLD_S)
        except Exception as exc:
            errors.append(exc)
        finally:
            holding.set()
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert holding.wait(10)
    try:
        yield release
    finally:
        release.set()
        thread.join(20)
    assert not errors, errors


def _lock(pk: int) -> None:
    list(Answer.objects.select_for_update(no_key=True).filter(pk=pk))


def test_finish_survives_another_transaction_that_locks_its_answers_backwards(
    answered: Interview, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = sorted(Answer.objects.filter(session=answered.session).values_list("pk"))
    finisher = _pid()

    def backwards(holding: threading.Event) -> None:
        _lock(second[0])
        holding.set()
        _wait_until_blocked(finisher)  # the finish holds the first answer, waits for this one
        _lock(first[0])  # … and now this one waits for the finish: a cycle

    with caplog.at_level(logging.WARNING), other_transaction(backwards) as release:
        release.set()
        session = session_finish(session=answered.session)
    assert session.state == SessionState.DONE
    assert set(answered.session.answers.values_list("status", flat=True)) == {AnswerStatus.COMPLETE}
    if connection.vendor == "postgresql":
        # PostgreSQL broke the cycle by aborting the finish, which ran again.
        assert "deadlock detected" in caplog.text and "retry 1" in caplog.text


@pytest.mark.parametrize("holder", ["settle", "finish"])
def test_the_browsers_events_do_not_wait_for_a_lock_on_the_answer(
    answered: Interview, holder: str
) -> None:
    answer = Answer.objects.get(session=answered.session, position=1)

    def hold(holding: threading.Event) -> None:
        if holder == "settle":
            answer_settle(answer=answer)
        else:
            session_finish(session=answered.session)
        holding.set()

    event = EventInput(kind=EventKind.OFFLINE, position=1, offset_ms=1200)
    with other_transaction(hold) as release:
        began = time.monotonic()
        session_events_record(session=answered.session, events=[event])
        waited = time.monotonic() - began
        release.set()
    assert SessionEvent.objects.filter(answer=answer, kind=EventKind.OFFLINE).count() == 1
    if connection.vendor == "postgresql":
        # A key share: the inserted event needs the rows to stay, not to stay unchanged.
        assert waited < HOLD_S / 3, waited
