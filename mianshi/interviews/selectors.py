"""Interview reads. The `candidate_*` functions serve the candidate's side: there is no login,
so every query starts from the invitation behind the link's token, never from an id the
browser sends.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.common.zoned import zoned
from mianshi.interviews.consents import consents_latest
from mianshi.interviews.errors import LinkClosed, LinkUnknown
from mianshi.interviews.flow import CHUNK_MS, remaining_ms, retakes_left, spec_of
from mianshi.interviews.models import (
    INTEGRITY_KINDS,
    Answer,
    InterviewSession,
    Phase,
    Recording,
    RecordingStatus,
    SessionEvent,
)
from mianshi.interviews.notices import NOTICE_VERSION, notice_texts
from mianshi.invitations.models import Invitation, InvitationStatus
from mianshi.invitations.selectors import invitation_by_token
from mianshi.invitations.services import organisation_label

# --- access ------------------------------------------------------------------------------


def candidate_invitation(token: str, *, completed_ok: bool = False) -> Invitation:
    """The invitation behind `token` if it may be used now, else LinkUnknown / LinkClosed.

    `completed_ok` admits a completed invitation: reading the state and the trailing
    heartbeats, events and finish replays while the last chunks upload.
    """
    invitation = invitation_by_token(token)
    if invitation is None:
        raise LinkUnknown(
            _(
                "This interview link is not valid. Please check that you opened the whole "
                "link from your invitation."
            ),
            code="unknown_link",
        )
    refusal = _closed(invitation, completed_ok=completed_ok)
    if refusal is not None:
        raise refusal
    return invitation


def _closed(invitation: Invitation, *, completed_ok: bool) -> LinkClosed | None:
    status = invitation.status
    if status == InvitationStatus.REVOKED:
        return LinkClosed(_("The employer has withdrawn this invitation."), code="revoked")
    if status == InvitationStatus.SUPERSEDED:
        return LinkClosed(
            _(
                "This link was replaced by a newer invitation. Please use the link in the "
                "most recent message you received."
            ),
            code="superseded",
        )
    if status == InvitationStatus.COMPLETED:
        if completed_ok:
            return None
        return LinkClosed(
            _("You have already completed this interview. Thank you!"), code="completed"
        )
    if invitation.is_expired:
        when = zoned(invitation.expires_at)
        return LinkClosed(
            _("This invitation expired on %(date)s. Please contact the employer.") % {"date": when},
            code="expired",
        )
    return None


def candidate_session_id(token: str) -> int | None:
    """The session id for a heartbeat in one small query (None: unknown or closed link)."""
    invitation = invitation_by_token(token)
    if invitation is None:
        return None
    if _closed(invitation, completed_ok=True) is not None:
        return None
    return (
        InterviewSession.objects.filter(invitation=invitation).values_list("pk", flat=True).first()
    )


# --- the flow ----------------------------------------------------------------------------


def candidate_current_answer(session: InterviewSession) -> Answer | None:
    """The answer the candidate is on (None once every question is answered)."""
    index = session.current_position
    qs = session.answers.select_related("template_question").order_by("position")
    return qs[index : index + 1].first()


def candidate_consents(session: InterviewSession) -> dict[str, bool]:
    """Kind → the latest decision (kinds never decided are absent)."""
    return {kind: consent.granted for kind, consent in consents_latest(session).items()}


def candidate_state(
    *, session: InterviewSession, invitation: Invitation, token: str, language: str
) -> dict[str, Any]:
    """Everything the recorder needs to show the right step after any reload."""
    now = timezone.now()
    answers = _answers_with_recordings(session)
    current = answers[session.current_position] if session.current_position < len(answers) else None
    questions = [_question(a, index, session, token, now=now) for index, a in enumerate(answers)]
    return {
        "invitation": _invitation(invitation),
        "session": candidate_session_summary(session, current, now=now),
        "consent": {
            "notice_version": NOTICE_VERSION,
            "notices": notice_texts(language),
            "given": candidate_consents(session),
        },
        "questions": questions,
        "tus": {
            "endpoint": reverse("candidate:tus_collection", args=[token]),
            "max_size": settings.UPLOAD_MAX_BYTES,
            "chunk_ms": CHUNK_MS,
        },
        "server_time": now.isoformat(),
    }


def _answers_with_recordings(session: InterviewSession) -> list[Answer]:
    current = Recording.objects.filter(is_current=True).exclude(status=RecordingStatus.TERMINATED)
    return list(
        session.answers.select_related("template_question")
        .prefetch_related(Prefetch("recordings", queryset=current.order_by("attempt", "segment")))
        .order_by("position")
    )


def _invitation(invitation: Invitation) -> dict[str, Any]:
    materials = invitation.required_materials
    return {
        "status": invitation.status,
        "kind": invitation.kind,
        "expires_at": invitation.expires_at.isoformat(),
        "job_title": invitation.application.job.title,
        "org_name": organisation_label(invitation.org_unit),
        "instructions": invitation.instructions,
        "materials": [str(m) for m in materials] if isinstance(materials, list) else [],
    }


def candidate_session_summary(
    session: InterviewSession, current: Answer | None, *, now: Any = None
) -> dict[str, Any]:
    """The session part of the state: where the candidate is and what time is left."""
    now = now or timezone.now()
    remaining = remaining_ms(session, spec_of(current), now) if current is not None else None
    return {
        "state": session.state,
        "current_position": current.position if current is not None else None,
        "current_index": session.current_position,
        "question_count": session.answers.count(),
        "phase": session.phase,
        "phase_remaining_ms": remaining,
        "language": session.language,
        "device_checked": bool(session.device_check),
    }


def _revealed(answer: Answer, index: int, session: InterviewSession) -> bool:
    """A question's text shows once its countdown started: reading it earlier would be
    unlimited preparation time. Answered questions and retakes stay visible."""
    if index != session.current_position:
        return index < session.current_position
    return session.phase != Phase.READY or answer.attempt > 0


def _question(
    answer: Answer, index: int, session: InterviewSession, token: str, *, now: Any
) -> dict[str, Any]:
    spec = spec_of(answer)
    shown = _revealed(answer, index, session)
    return {
        "position": answer.position,
        "text": spec.text if shown else None,
        "answer_type": answer.answer_type,
        "prep_seconds": spec.prep_seconds,
        "answer_seconds": spec.answer_seconds,
        "max_retakes": spec.max_retakes if spec.recorded else 0,
        "retakes_left": retakes_left(answer, spec),
        "choices": list(spec.choices) if shown else [],
        "screen_share": spec.screen_share,
        "status": answer.status,
        "attempt": answer.attempt,
        "recordings": [_recording(r, token) for r in answer.recordings.all()],
    }


def candidate_progress(*, session: InterviewSession, answer: Answer, token: str) -> dict[str, Any]:
    """What an action on `answer` changed: the session summary and that question."""
    now = timezone.now()
    index = session.answers.filter(position__lt=answer.position).count()
    fresh = _answers_with_recordings(session)
    current = fresh[session.current_position] if session.current_position < len(fresh) else None
    return {
        "session": candidate_session_summary(session, current, now=now),
        "question": _question(fresh[index], index, session, token, now=now),
    }


def _recording(recording: Recording, token: str) -> dict[str, Any]:
    return {
        "id": str(recording.pk),
        "attempt": recording.attempt,
        "segment": recording.segment,
        "status": recording.status,
        "offset": recording.offset,
        "length": recording.length,
        "upload_url": reverse("candidate:tus_resource", args=[token, recording.pk]),
    }


# --- for HR (counts only: signals, not verdicts) ----------------------------------------


def candidate_integrity_counts(session: InterviewSession) -> dict[int | None, dict[str, int]]:
    """Answer position (None: outside an answer) → integrity event kind → count (F-46)."""
    rows = (
        SessionEvent.objects.filter(session=session, kind__in=INTEGRITY_KINDS)
        .values("answer__position", "kind")
        .annotate(n=Count("id"))
    )
    counts: dict[int | None, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[row["answer__position"]][row["kind"]] = row["n"]
    return dict(counts)
