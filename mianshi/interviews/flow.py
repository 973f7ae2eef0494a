"""Pure rules of the candidate flow shared by services and selectors: question settings
read from the frozen snapshot, the server-side timers and the retake arithmetic.

Timers are measured from `InterviewSession.phase_started_at` on the server, so a reload or
a wrong clock in the browser changes nothing; the browser only displays what is left.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from mianshi.interviews.models import Answer, InterviewSession, Phase
from mianshi.jobs.models import RECORDED_TYPES, AnswerType

# Network delay and a slow phone may hold a request back this long after the countdown.
GRACE_MS = 30_000
# A file answer arrives only after its upload: allow for a slow line.
FILE_GRACE_MS = 180_000
CHUNK_MS = 1000


@dataclass(frozen=True)
class QuestionSpec:
    """What a template question asks for, as frozen in its snapshot."""

    text: str
    answer_type: str
    prep_seconds: int
    answer_seconds: int
    max_retakes: int
    screen_share: bool
    choices: tuple[dict[str, str], ...]

    @property
    def recorded(self) -> bool:
        return self.answer_type in RECORDED_TYPES

    @property
    def choice_keys(self) -> tuple[str, ...]:
        return tuple(c["key"] for c in self.choices)


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _choices(raw: Any) -> tuple[dict[str, str], ...]:
    """Only key and text: a `correct` flag must never reach the candidate's browser."""
    if not isinstance(raw, list):
        return ()
    return tuple(
        {"key": str(c["key"]), "text": str(c.get("text", ""))}
        for c in raw
        if isinstance(c, dict) and c.get("key") not in (None, "")
    )


def answer_type_of(snapshot: dict[str, Any]) -> str:
    """The snapshot's answer type; older snapshots (and unknown values) mean video."""
    value = snapshot.get("answer_type")
    return value if value in AnswerType.values else AnswerType.VIDEO


def spec_of(answer: Answer) -> QuestionSpec:
    """The settings of `answer`'s question (the answer row's type wins over the snapshot)."""
    snap = answer.template_question.snapshot or {}
    return QuestionSpec(
        text=str(snap.get("text", "")),
        answer_type=answer.answer_type,
        prep_seconds=max(0, _int(snap.get("prep_seconds"), 0)),
        answer_seconds=max(1, _int(snap.get("answer_seconds"), 120)),
        max_retakes=max(0, _int(snap.get("max_retakes"), 0)),
        screen_share=bool(snap.get("screen_share", False)),
        choices=_choices(snap.get("choices")),
    )


def retakes_left(answer: Answer, spec: QuestionSpec) -> int:
    """Retakes still allowed: attempt 1 is the first take, each retake adds one."""
    used = max(0, answer.attempt - 1)
    return max(0, spec.max_retakes - used) if spec.recorded else 0


def phase_limit_ms(phase: str, spec: QuestionSpec) -> int | None:
    """How long the phase may last (None for phases without a countdown)."""
    if phase == Phase.PREP:
        return spec.prep_seconds * 1000
    if phase == Phase.ANSWER:
        return spec.answer_seconds * 1000
    return None


def elapsed_ms(session: InterviewSession, now: dt.datetime) -> int:
    if session.phase_started_at is None:
        return 0
    return max(0, int((now - session.phase_started_at).total_seconds() * 1000))


def remaining_ms(session: InterviewSession, spec: QuestionSpec, now: dt.datetime) -> int | None:
    """Milliseconds left in the current phase (never negative), None without a countdown."""
    limit = phase_limit_ms(session.phase, spec)
    if limit is None:
        return None
    return max(0, limit - elapsed_ms(session, now))


def answer_time_over(
    session: InterviewSession, spec: QuestionSpec, now: dt.datetime, grace_ms: int = GRACE_MS
) -> bool:
    """Whether the answer countdown plus the grace has run out."""
    return elapsed_ms(session, now) > spec.answer_seconds * 1000 + grace_ms
