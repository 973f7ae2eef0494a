"""The demo's employee archive: one hire with its frozen interview baseline and a year of
performance ratings, so the employee page, its timeline and the API show real content.

The interview's analysis results are written as the analysis app stores them (no model
run: the demo's recorded interviews show the real path); everything after — rating, the
offer decision, approval by the sales manager, the hire, the employee, the performance
scale and the ratings — goes through the services. Loading twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from mianshi.accounts.models import User
from mianshi.analysis.models import AnalysisResult, AnalysisRun, RunStatus
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.services import application_advance, application_create, candidate_create
from mianshi.demo import data as D
from mianshi.demo.interviews import demo_job
from mianshi.employees.models import Employee, PerformanceScale
from mianshi.employees.services.employees import employee_from_hire
from mianshi.employees.services.posthire import posthire_record
from mianshi.employees.services.scales import DEFAULT_GRADES
from mianshi.interviews.models import Answer, AnswerStatus, InterviewSession, SessionState
from mianshi.interviews.notices import NOTICE_VERSION
from mianshi.interviews.services import ConsentInput, session_consent, session_open
from mianshi.invitations.services import invitation_create
from mianshi.organisations.models import OrgUnit
from mianshi.reviews.services.decisions import decision_make
from mianshi.reviews.services.offers import OfferTerms, offer_approve, offer_hire
from mianshi.reviews.services.ratings import rating_save
from mianshi.reviews.services.scores import session_scores_refresh

NAME, NUMBER = "周明", "SH-2027-001"
QUOTE = "I listened to the client's concerns first, then proposed a phased delivery."
RATINGS = [("2027-Q1", "A"), ("2027-Q2", "B"), ("2027-Q3", "S")]


def _person() -> dict[str, Any]:
    return {
        "name": NAME, "id_number": D.id_number("310104", "19940312", 77, False),
        "phone": "13800219090", "email": "demo.hire@example.com", "gender": "male",
    }  # fmt: skip


def _result(codes: list[str], n: int) -> dict[str, Any]:
    """An AnalysisResult's fields as analysis stores them; scores vary per dimension."""
    scores = {code: 5.0 + (i + n) % 4 for i, code in enumerate(codes)}
    evidence = [{"quote": QUOTE, "element": "action", "start": 2.0, "end": 7.5}]
    dims = [{"name": c, "weight": 1.0, "score": s, "evidence": evidence} for c, s in scores.items()]
    total = round(sum(scores.values()) / max(len(scores), 1), 2)
    return {
        "language": "en", "transcript": QUOTE,
        "segments": [{"start": 0.0, "end": 7.5, "text": QUOTE, "words": []}],
        "speech": {"duration_s": 8.0}, "video": {}, "integrity": [],
        "quality": {"verdict": "ok", "issues": []},
        "score": {"level": 3, "score": total, "confidence": 0.8, "dimensions": dims,
                  "evidence": evidence, "suggestions": [], "scorer": "rubric"},
        "level": 3, "total": total, "confidence": 0.8, "needs_human_review": False,
        "review_reasons": [],
    }  # fmt: skip


def _interview(application: Application, hr: User) -> InterviewSession:
    invitation, _token = invitation_create(actor=hr, application=application)
    session = session_open(invitation=invitation)
    consent = ConsentInput(
        recording=True, ai_analysis=True, biometric=True, notice_version=NOTICE_VERSION
    )
    session_consent(session=session, data=consent, language="en")
    now = timezone.now()
    for n, answer in enumerate(
        Answer.objects.filter(session=session).select_related("template_question")
    ):
        Answer.objects.filter(pk=answer.pk).update(
            status=AnswerStatus.COMPLETE, attempt=1, finished_at=now
        )
        run = AnalysisRun.objects.create(
            answer=answer, attempt=1, status=RunStatus.DONE, started_at=now, finished_at=now,
            pipeline_version="demo", model_name="demo",
        )  # fmt: skip
        codes = list(answer.template_question.snapshot.get("dimension_codes") or [])
        AnalysisResult.objects.create(run=run, **_result(codes, n))
    InterviewSession.objects.filter(pk=session.pk).update(state=SessionState.DONE, finished_at=now)
    for stage in (Stage.INTERVIEWING, Stage.INTERVIEW_DONE):
        application_advance(actor=hr, application=application, to_stage=stage)
    session_scores_refresh(session_id=session.pk)
    session.refresh_from_db()
    return session


def _rate(session: InterviewSession, hr: User) -> None:
    ai = {str(d["code"]): float(d["score"]) for d in session.score.ai_dimensions}
    scores = {code: min(10, round(value) + 1) for code, value in ai.items()}
    rating_save(actor=hr, session=session, scores=scores, reasons={}, submit=True,
                comment="善于倾听客户；成交环节还需辅导。")  # fmt: skip


def _hire(job: Any, hr: User, manager: User) -> Application:
    candidate = candidate_create(actor=hr, org_unit=job.org_unit, **_person())
    application = application_create(actor=hr, candidate=candidate, job=job)
    _rate(_interview(application, hr), hr)
    terms = OfferTerms(
        position=job.title, start_date=dt.date(2027, 1, 4), approver_id=manager.pk,
        salary="P5", medical_place="上海市徐汇区体检中心", medical_materials="身份证、一寸照片",
    )  # fmt: skip
    decision_make(actor=hr, application=application, kind="offer", offer=terms)
    offer = application.offers.get()
    offer_approve(actor=manager, offer=offer)
    offer_hire(actor=hr, offer=offer, hire_date=dt.date(2027, 1, 4), employee_number=NUMBER)
    return application


@transaction.atomic
def load() -> Employee:
    """The demo hire (made once) with the Shanghai branch's scale and three ratings."""
    existing = Employee.objects.filter(employee_number=NUMBER).first()
    if existing is not None:
        return existing
    hr, manager = User.objects.get(username="hr_sh"), User.objects.get(username="mgr_sh_sales")
    application = _hire(demo_job(), hr, manager)
    # The outbox's consumer makes the same employee when the worker runs; this call only
    # makes sure the demo has it at once (the second of the two finds it).
    employee = employee_from_hire(application_id=application.pk, actor_id=hr.pk)
    PerformanceScale.objects.get_or_create(
        org_unit=OrgUnit.objects.get(code="sh"),
        defaults={"name": "年度绩效 S/A/B/C/D", "grades": DEFAULT_GRADES},
    )
    for n, (period, grade) in enumerate(RATINGS):
        data = {"kind": "performance", "period": period, "value": grade,
                "date": dt.date(2027, 3 * (n + 1), 28), "record_id": f"demo-{period}"}  # fmt: skip
        posthire_record(actor=hr, employee=employee, data=data)
    return employee
