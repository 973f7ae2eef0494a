"""The one consent rule (interviews/consents.py): the latest decision of a kind decides, every
reader agrees, and the workbench's prefetch is read without a query."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mianshi.interviews.consents import consent_given, consents_latest
from mianshi.interviews.models import Consent, ConsentKind, InterviewSession
from mianshi.interviews.selectors import candidate_consents
from mianshi.interviews.services.sessions import recording_consented
from mianshi.interviews.tests.upload_world import configure, invite, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(org: Any, make_user: Any, settings: Any, tmp_path: Path) -> InterviewSession:
    configure(settings, tmp_path)
    return invite(make_world(org, make_user)).session


def _decide(session: InterviewSession, kind: str, granted: bool, at: dt.datetime) -> Consent:
    consent = Consent.objects.create(
        session=session,
        kind=kind,
        granted=granted,
        notice_version="v",
        notice_sha256="0" * 64,
        language="zh-hans",
    )
    Consent.objects.filter(pk=consent.pk).update(at=at)
    return consent


def _readers(session: InterviewSession, kind: str) -> list[bool]:
    fresh = InterviewSession.objects.get(pk=session.pk)
    latest = consents_latest(fresh)
    return [
        consent_given(session.pk, kind),
        kind in latest and latest[kind].granted,
        candidate_consents(fresh).get(kind, False),
    ]


def test_a_later_withdrawal_decides_for_every_reader(session: InterviewSession) -> None:
    noon = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    _decide(session, ConsentKind.RECORDING, True, noon)
    _decide(session, ConsentKind.RECORDING, False, noon + dt.timedelta(minutes=1))
    assert _readers(session, ConsentKind.RECORDING) == [False, False, False]
    assert recording_consented(session) is False


def test_the_latest_by_time_wins_even_when_written_first(session: InterviewSession) -> None:
    noon = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    _decide(session, ConsentKind.AI_ANALYSIS, True, noon + dt.timedelta(minutes=5))
    _decide(session, ConsentKind.AI_ANALYSIS, False, noon)
    assert _readers(session, ConsentKind.AI_ANALYSIS) == [True, True, True]


def test_decisions_in_the_same_instant_are_ordered_as_written(session: InterviewSession) -> None:
    noon = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    _decide(session, ConsentKind.BIOMETRIC, False, noon)
    _decide(session, ConsentKind.BIOMETRIC, True, noon)
    assert _readers(session, ConsentKind.BIOMETRIC) == [True, True, True]


def test_a_kind_never_decided_is_a_no(session: InterviewSession) -> None:
    _decide(session, ConsentKind.RECORDING, True, dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    assert consent_given(session.pk, ConsentKind.BIOMETRIC) is False
    assert set(consents_latest(session)) == {ConsentKind.RECORDING}


def test_a_prefetched_session_is_read_without_a_query(session: InterviewSession) -> None:
    noon = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    _decide(session, ConsentKind.RECORDING, True, noon)
    _decide(session, ConsentKind.RECORDING, False, noon + dt.timedelta(seconds=1))
    loaded = InterviewSession.objects.prefetch_related("consents").get(pk=session.pk)
    with CaptureQueriesContext(connection) as queries:
        latest = consents_latest(loaded)
    assert len(queries) == 0
    assert latest[ConsentKind.RECORDING].granted is False
