"""What on a board row needs HR's attention (F-50: left mid-way, no data, stuck or failed
uploads, a covered camera, failed quality checks, an expired link)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from mianshi.interviews.models import (
    Answer,
    AnswerStatus,
    InterviewSession,
    Phase,
    QualityStatus,
    SessionState,
)
from mianshi.interviews.selectors_board.quality import issue_codes
from mianshi.jobs.models import RECORDED_TYPES

if TYPE_CHECKING:
    from mianshi.interviews.selectors_board.rows import BoardRow

# F-50: "left mid-way", "no data for > 3 min": quiet longer than this is an anomaly.
QUIET_LIMIT = dt.timedelta(minutes=3)
# The quality check's code (issue or integrity signal) for a camera that showed nothing.
CAMERA_COVERED_CODES = frozenset({"camera_covered"})


@dataclass(frozen=True)
class Anomaly:
    """Something HR should look at: a stable code for the API and a translated message."""

    code: str
    message: str


def latest(*moments: dt.datetime | None) -> dt.datetime | None:
    """The latest of the known moments (None when none is known)."""
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def anomalies(
    row: BoardRow,
    current: Answer | None,
    slots: list[Answer],
    upload: dict[str, Any],
    now: dt.datetime,
) -> list[Anomaly]:
    """Everything on `row` that needs HR's attention, in the order HR should act on it."""
    session = row.session
    found: list[Anomaly] = []
    if session is not None:
        found += _presence(session, current, row.last_data_at, now)
        found += _uploads(session, upload, row.last_data_at, now)
        found += _quality(slots)
        if session.flagged and not found:
            found.append(Anomaly("flagged", session.flag_reason or _("Needs attention")))
    done = session is not None and session.state == SessionState.DONE
    if row.invitation_expired and not done:
        found.append(Anomaly("expired", _("The link expired before the interview was finished")))
    return found


def _minutes(since: dt.datetime, now: dt.datetime) -> int:
    return int((now - since).total_seconds() // 60)


def _presence(
    session: InterviewSession,
    current: Answer | None,
    last_data: dt.datetime | None,
    now: dt.datetime,
) -> list[Anomaly]:
    found = []
    cutoff = now - QUIET_LIMIT
    seen = session.last_seen_at or session.started_at
    if session.state == SessionState.ANSWERING and seen is not None and seen < cutoff:
        msg = _("Left mid-way: not seen for %(n)s min") % {"n": _minutes(seen, now)}
        found.append(Anomaly("left_midway", msg))
    recording = (
        current is not None
        and current.answer_type in RECORDED_TYPES
        and session.phase == Phase.ANSWER
    )
    since = latest(last_data, session.phase_started_at)
    if recording and since is not None and since < cutoff:
        msg = _("No data received for %(n)s min while recording") % {"n": _minutes(since, now)}
        found.append(Anomaly("no_data", msg))
    return found


def _uploads(
    session: InterviewSession, upload: dict[str, Any], last_data: dt.datetime | None, now: Any
) -> list[Anomaly]:
    found = []
    quiet = last_data is None or last_data < now - QUIET_LIMIT
    if upload.get("stuck") or (session.state == SessionState.UPLOADING and quiet):
        found.append(Anomaly("upload_stuck", _("Upload stuck: no data for over 3 min")))
    if upload.get("failed"):
        found.append(Anomaly("verification_failed", _("A recording failed verification")))
    return found


def _quality(slots: list[Answer]) -> list[Anomaly]:
    found = []
    for answer in slots:
        codes = issue_codes(answer.quality)
        n = {"n": answer.position}
        if CAMERA_COVERED_CODES & set(codes):
            found.append(Anomaly("camera_covered", _("Camera covered (question %(n)s)") % n))
        if answer.quality_status == QualityStatus.FAIL:
            found.append(Anomaly("quality_failed", _("Quality check failed (question %(n)s)") % n))
        if answer.status == AnswerStatus.FAILED:
            msg = _("The answer to question %(n)s could not be verified") % n
            found.append(Anomaly("verification_failed", msg))
    return found
