"""Review API: one interview as the workbench shows it, and HR's re-run of an answer's
analysis. The same scoped selectors and service as the page: outside the caller's scope
is 404, a re-run without CANDIDATES_MANAGE is 403, one already under way is 409."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from ninja import Router, Status

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.analysis.models import AnalysisRun
from mianshi.common.pagination import DbId
from mianshi.compliance.services import audit_read
from mianshi.reviews.api.schemas_workbench import WbRunOut, WorkbenchOut
from mianshi.reviews.selectors.blind import visible_flags
from mianshi.reviews.selectors.page import human_hidden
from mianshi.reviews.selectors.workbench import (
    Workbench,
    answer_for_review,
    workbench_get,
    workbench_session,
)
from mianshi.reviews.selectors.workbench_answers import AnswerView, Moment, RunView
from mianshi.reviews.services.rerun import analysis_rerun

router = Router(tags=["reviews"])
READ, WRITE = "candidates:read", "candidates:write"


@router.get("/interviews/{session_id}", response=WorkbenchOut)
def interview_get(request: ApiRequest, session_id: DbId) -> Any:
    """One interview for review: answers with recordings, transcript and analysis runs,
    AI dimension scores with evidence, anomaly flags and the combined scores."""
    require_scope(request, READ)
    session = workbench_session(user=request.user, session_id=session_id)
    detail = {"page": "api"}
    audit_read(actor=request.user, action="interview_session.view", obj=session, detail=detail)
    wb = workbench_get(user=request.user, session=session)
    return workbench_out(wb, hide=human_hidden(user=request.user, wb=wb))


@router.post("/answers/{answer_id}/rerun", response={202: WbRunOut})
def answer_rerun(request: ApiRequest, answer_id: DbId) -> Any:
    """Queue a fresh analysis of one answer (after a model change or a failure); the
    earlier runs and results stay."""
    require_scope(request, WRITE)
    answer = answer_for_review(user=request.user, answer_id=answer_id)
    return Status(202, run_out(analysis_rerun(actor=request.user, answer=answer)))


# --- shaping -------------------------------------------------------------------------------


def run_out(run: AnalysisRun, total: float | None = None) -> dict[str, Any]:
    fields = ("id", "status", "is_current", "reason", "error", "pipeline_version", "model_name")
    times = ("queued_at", "started_at", "finished_at")
    return {**{f: getattr(run, f) for f in fields + times}, "total": total}


def _run(view: RunView) -> dict[str, Any]:
    return run_out(view.run, view.result.total if view.result else None)


def _moment(m: Moment) -> dict[str, Any]:
    return {
        "kind": m.kind, "label": m.label, "offset_s": m.offset_s, "end_s": m.end_s,
        "part": m.part, "source": m.source, "at": m.at,
    }  # fmt: skip


def _answer(view: AnswerView) -> dict[str, Any]:
    answer = view.answer
    return {
        "id": answer.pk, "position": answer.position, "question": view.question,
        "answer_type": answer.answer_type, "status": answer.status,
        "parts": [
            {"recording_id": str(p.recording.pk), "number": p.number, "duration_s": p.duration_s,
             "media_url": reverse("api:interviews_recording_media", args=[p.recording.pk])}
            for p in view.parts
        ],
        "transcript_part": view.transcript_part,
        "segments": [vars(s) for s in view.sentences],
        "run": _run(view.run) if view.run else None,
        "runs": [_run(h) for h in view.history],
        "ai": _ai(view),
        "quality": _quality(view),
        "integrity": [_moment(m) for m in view.integrity],
        "marks": [_moment(m) for m in view.marks],
    }  # fmt: skip


def _ai(view: AnswerView) -> dict[str, Any] | None:
    if view.ai is None:
        return None
    return {**vars(view.ai), "evidence": [vars(q) for q in view.ai.evidence]}


def _quality(view: AnswerView) -> dict[str, Any] | None:
    q = view.quality
    if q is None:
        return None
    return {
        "status": q.status, "fps": q.fps, "width": q.width, "height": q.height,
        "audio_db": q.audio_db, "issues": list(q.issues), "notes": list(q.notes),
    }  # fmt: skip


def _scores(wb: Workbench, hide: bool) -> dict[str, Any] | None:
    s = wb.score
    if s is None:
        return None
    return {
        "policy": s.policy, "ai_total": s.ai_total, "raters": s.raters,
        "human_total": None if hide else s.human_total,
        "final_total": None if hide else s.final_total,
        "needs_review": wb.needs_review,
    }  # fmt: skip


def workbench_out(wb: Workbench, *, hide: bool) -> dict[str, Any]:
    application, candidate, job = wb.application, wb.candidate, wb.job
    return {
        "session_id": wb.session.pk, "application_id": application.pk,
        "candidate_id": candidate.pk, "candidate_name": candidate.name,
        "job_id": job.pk, "job_title": job.title, "stage": application.stage,
        "finished_at": wb.session.finished_at, "scores": _scores(wb, hide),
        "dimensions": [
            {**vars(d), "evidence": [vars(q) for q in d.evidence]} for d in wb.dimensions
        ],
        "anomalies": [
            {"code": a["code"], "text": a["text"], "dimension": a.get("dimension")}
            for a in visible_flags(wb.anomalies, hidden=hide)
        ],
        "answers": [_answer(a) for a in wb.answers],
        "pending": wb.pending,
    }  # fmt: skip
