"""Writes of the analysis app: queue a run, run it (the task body), give back stale claims.

A run is claimed queued → running with one conditional UPDATE, so a duplicate message or a
second worker finds nothing to do; the result is stored in one transaction only while the
claim still holds. Unreadable media fail the run with a readable reason and flag the
session, so HR's re-invite button applies.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from dataclasses import asdict
from datetime import datetime, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from interview_analysis import pipeline
from interview_analysis.answer_gate import LightOnlyAnalyzer
from interview_analysis.errors import MediaError, ModelMissingError
from interview_analysis.types import AnswerReport, Question, RubricLevel
from mianshi.accounts.actor import SystemActor
from mianshi.accounts.roles import Cap
from mianshi.analysis.models import AnalysisResult, AnalysisRun, RunStatus
from mianshi.common.claims import claim, claims_sweep
from mianshi.common.crypto import DecryptionError
from mianshi.compliance.services import audit_record
from mianshi.events.services import event_emit
from mianshi.interviews.consents import consent_given
from mianshi.interviews.models import Answer, ConsentKind, Recording, RecordingStatus
from mianshi.interviews.services.recordings import RecordingUnavailable, recording_open
from mianshi.interviews.services.verification import session_flag
from mianshi.organisations.scoping import require_cap

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=30)  # longer than the slowest analysis of a long answer
MAX_CLAIMS = 3  # a run that crashed its worker this often is given up, not re-sent forever


def _given_up() -> str:
    return _("The analysis failed repeatedly; a person reviews this answer.")


def pipeline_version() -> str:
    """The engine's version string (it ships inside the mianshi distribution)."""
    try:
        return f"interview_analysis {version('mianshi')}"
    except PackageNotFoundError:
        return "interview_analysis"


def _completed(run: AnalysisRun, status: str, total: float | None = None) -> None:
    """analysis.completed: the reviews app, above this one, refreshes the interview's
    combined score when it handles it; receivers learn the status and the overall score."""
    session = run.answer.session
    data = {
        "run_id": run.pk, "answer_id": run.answer_id, "session_id": session.pk,
        "application_id": session.application_id, "status": status, "overall_score": total,
    }  # fmt: skip
    event_emit(type="analysis.completed", data=data, org_unit_id=session.org_unit_id)


def _enqueue_on_commit(run_id: int) -> None:
    from mianshi.analysis.tasks import analyse_answer

    transaction.on_commit(lambda: analyse_answer.delay(run_id))


@transaction.atomic
def analysis_enqueue(*, answer: Answer, actor: SystemActor = None, reason: str = "") -> AnalysisRun:
    """Queue a fresh analysis of `answer` (superseding earlier runs); HR needs CANDIDATES_MANAGE.

    Without the candidate's AI-analysis consent the run is stored as skipped, never queued.
    """
    require_cap(actor, Cap.CANDIDATES_MANAGE, answer.session.org_unit_id)
    AnalysisRun.objects.filter(answer=answer, is_current=True).update(is_current=False)
    run = AnalysisRun.objects.create(
        answer=answer, attempt=answer.attempt, reason=reason[:200],
        face_analysis=consent_given(answer.session_id, ConsentKind.BIOMETRIC),
        pipeline_version=pipeline_version(),
    )  # fmt: skip
    if not consent_given(answer.session_id, ConsentKind.AI_ANALYSIS):
        run.status, run.finished_at = RunStatus.SKIPPED, timezone.now()
        run.error = _("The candidate did not consent to AI analysis; a person reviews it.")
        run.save(update_fields=["status", "finished_at", "error"])
    else:
        _enqueue_on_commit(run.pk)
    audit_record(
        actor=actor or "system", action="analysis.enqueue", obj=run,
        org_unit_id=answer.session.org_unit_id, detail={"status": run.status},
    )  # fmt: skip
    return run


# --- the task body ---------------------------------------------------------------------------


def _claim(run_id: int) -> datetime | None:
    """queued → running in one conditional UPDATE: the claim's time, or None (not ours)."""
    now = timezone.now()
    running = {"status": RunStatus.RUNNING, "claimed_at": now, "started_at": now}
    queued = {"status": RunStatus.QUEUED}
    won = claim(AnalysisRun.objects, pk=run_id, expect=queued, to=running, count="claims")
    return now if won else None


def _claimed(run_id: int, claimed_at: datetime) -> QuerySet[AnalysisRun]:
    return AnalysisRun.objects.filter(pk=run_id, status=RunStatus.RUNNING, claimed_at=claimed_at)


def analysis_run(*, run_id: int) -> str:
    """Analyse the run's answer and store the result (idempotent: claims first)."""
    claimed_at = _claim(run_id)
    if claimed_at is None:
        return "not_claimed"
    run = AnalysisRun.objects.select_related("answer__session", "answer__template_question").get(
        pk=run_id
    )
    try:
        with translation.override(settings.LANGUAGE_CODE):
            return _run(run, claimed_at)
    except Exception:
        # Give the claim back so the retry (or a redelivered message) can take it again.
        _claimed(run_id, claimed_at).update(status=RunStatus.QUEUED, claimed_at=None)
        raise


def _run(run: AnalysisRun, claimed_at: datetime) -> str:
    recordings = _recordings(run.answer, run.attempt)
    if not recordings:
        return _fail(run, claimed_at, _("The answer has no verified recording to analyse."))
    try:
        report = _report(run, recordings)
    except (MediaError, DecryptionError, RecordingUnavailable) as exc:
        logger.warning("analysis run %s: recording unreadable: %s", run.pk, exc)
        return _fail(run, claimed_at, _("The recording could not be read."))
    except ModelMissingError:
        return _fail(run, claimed_at, _("The speech model is not installed."), flag=False)
    return _store(run, claimed_at, report)


def _recordings(answer: Answer, attempt: int) -> list[Recording]:
    return list(
        Recording.objects.filter(
            answer=answer, attempt=attempt, is_current=True, status=RecordingStatus.VERIFIED
        ).order_by("segment", "created_at")
    )


def _report(run: AnalysisRun, recordings: list[Recording]) -> AnswerReport:
    """The answer's segments (several when a reload interrupted it) analysed as ONE answer:
    transcripts and signals stitched onto one timeline, one score over the whole."""
    question = engine_question(run.answer)
    # The face analyser is the biometric-consent switch (None = the engine default).
    analyzer = None if run.face_analysis else LightOnlyAnalyzer()
    with ExitStack() as stack:
        paths = [Path(stack.enter_context(recording_open(recording=r))) for r in recordings]
        return pipeline.analyse_segments(paths, question, face_analyzer=analyzer)


def engine_question(answer: Answer) -> Question:
    """The engine's Question from the frozen template question snapshot."""
    snap = answer.template_question.snapshot
    weights = dimension_weights(answer.template_question.version.model_snapshot)
    codes = snap.get("dimension_codes") or []
    rubric = sorted(
        (RubricLevel(int(r["level"]), str(r["description"]), tuple(r.get("keywords") or ()))
         for r in snap.get("rubric") or []),
        key=lambda r: r.level,
    )  # fmt: skip
    return Question(
        id=str(snap.get("id") or answer.template_question_id),
        text=str(snap.get("text", "")),
        type=str(snap.get("type") or "behavioural"),
        language="en" if snap.get("language") == "en" else "zh",
        dimensions={c: weights.get(c, 1.0) for c in codes},
        rubric=tuple(rubric),
        keywords=tuple(k for r in rubric for k in r.keywords),
    )


def dimension_weights(model_snapshot: dict[str, Any]) -> dict[str, float]:
    """code → weight over the whole dimension tree of a model snapshot (1.0 when unset)."""
    weights: dict[str, float] = {}
    stack = list(model_snapshot.get("dimensions") or [])
    while stack:
        node = stack.pop()
        weights[str(node["code"])] = float(node["weight"]) if node.get("weight") else 1.0
        stack.extend(node.get("children") or [])
    return weights


# --- storing ---------------------------------------------------------------------------------


@transaction.atomic
def _store(run: AnalysisRun, claimed_at: datetime, report: AnswerReport) -> str:
    model = report.transcript.model if report.transcript else ""
    done = _claimed(run.pk, claimed_at).update(
        status=RunStatus.DONE, finished_at=timezone.now(), timings=report.timings_s,
        model_name=model.split(":", 1)[-1][:100],
    )  # fmt: skip
    if not done:
        return "lost_claim"
    fields = _result_fields(report)
    AnalysisResult.objects.create(run=run, **fields)
    _completed(run, RunStatus.DONE, fields["total"])
    audit_record(
        actor="system", action="analysis.done", obj=run,
        org_unit_id=run.answer.session.org_unit_id,
        detail={"needs_human_review": report.needs_human_review},
    )  # fmt: skip
    return RunStatus.DONE


def _result_fields(report: AnswerReport) -> dict[str, Any]:
    transcript, score = report.transcript, report.score
    return {
        "language": transcript.language if transcript else "",
        "transcript": transcript.text if transcript else "",
        "segments": [asdict(s) for s in transcript.segments] if transcript else [],
        "speech": asdict(report.speech) if report.speech else {},
        "video": asdict(report.video) if report.video else {},
        "integrity": [asdict(s) for s in report.integrity],
        "quality": asdict(report.quality),
        "score": asdict(score) if score else {},
        "level": score.level if score else None,
        "total": score.score if score else None,
        "confidence": score.confidence if score else None,
        "needs_human_review": report.needs_human_review,
        "review_reasons": list(report.review_reasons),
    }


@transaction.atomic
def _fail(run: AnalysisRun, claimed_at: datetime, reason: str, *, flag: bool = True) -> str:
    failed = _claimed(run.pk, claimed_at).update(
        status=RunStatus.FAILED, finished_at=timezone.now(), error=reason
    )
    if not failed:
        return "lost_claim"
    _completed(run, RunStatus.FAILED)
    if flag:
        message = _("Question %(n)s could not be analysed: %(reason)s")
        session_flag(
            session_id=run.answer.session_id,
            reason=message % {"n": run.answer.position, "reason": reason},
        )
    audit_record(
        actor="system", action="analysis.failed", obj=run,
        org_unit_id=run.answer.session.org_unit_id, detail={"flagged": flag},
    )  # fmt: skip
    return RunStatus.FAILED


# --- housekeeping ----------------------------------------------------------------------------


def analysis_maintain(*, stale_after: timedelta = STALE_AFTER) -> dict[str, int]:
    """Give back running claims of killed workers and re-send queued runs whose message was
    lost (the claim makes a duplicate message harmless); a run claimed MAX_CLAIMS times
    without finishing fails instead of looping."""
    now = timezone.now()
    cutoff = now - stale_after
    stale = AnalysisRun.objects.filter(status=RunStatus.RUNNING, claimed_at__lt=cutoff)
    given_up, returned = claims_sweep(
        stale, count="claims", limit=MAX_CLAIMS,
        give_up={"status": RunStatus.FAILED, "claimed_at": None, "finished_at": now,
                 "error": _given_up()},
        give_back={"status": RunStatus.QUEUED, "claimed_at": None},
    )  # fmt: skip
    lost = AnalysisRun.objects.filter(status=RunStatus.QUEUED, queued_at__lt=cutoff)
    given_up += lost.filter(claims__gte=MAX_CLAIMS).update(
        status=RunStatus.FAILED, finished_at=now, error=_given_up(),
    )  # fmt: skip
    ids = list(lost.values_list("pk", flat=True))
    with transaction.atomic():
        for run_id in ids:
            _enqueue_on_commit(run_id)
    return {"returned": returned, "requeued": len(ids), "given_up": given_up}
