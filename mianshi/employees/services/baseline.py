"""Freezing the interview baseline into an employee at hire (F-92), and reading its report.

Scores are copied from the interview's InterviewScore (what the workbench shows) with the
per-dimension final score by the job's policy, as the report computes it; names, weights
and evidence quotes come from the report selector, read as the person who recorded the
hire; the PDF is the reviews report renderer's output, sealed like résumés.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.common.crypto import current_key_id, decrypt_bytes, encrypt_bytes
from mianshi.compliance.services import audit_record
from mianshi.employees.models import Baseline, Employee
from mianshi.interviews.models import InterviewSession
from mianshi.reviews.models import InterviewScore
from mianshi.reviews.reports.pdf import render_pdf, report_html
from mianshi.reviews.selectors.report import ReportData, interview_report
from mianshi.reviews.services.scores import final_score

GROWTH_AREAS = 2
# What a frozen quote keeps: the words, where they were said, and the question's language
# (the employee page marks the quote with it).
EVIDENCE_KEYS = ("quote", "position", "start", "end", "language")


def report_context(employee_id: int) -> str:
    """Associated data binding a stored report to its employee."""
    return f"employees.baseline_report:{employee_id}"


def _by_code(dimensions: Any) -> dict[str, float]:
    return {
        str(d["code"]): float(d["score"])
        for d in dimensions or []
        if isinstance(d, dict) and d.get("code") and d.get("score") is not None
    }


def _dimensions(score: InterviewScore | None, report: ReportData | None) -> list[dict[str, Any]]:
    ai = _by_code(score.ai_dimensions) if score else {}
    human = _by_code(score.human_dimensions) if score else {}
    policy = score.policy if score else ""
    lines = report.dimensions if report else []
    named = {line.code: line for line in lines}
    codes = list(named) or sorted(set(ai) | set(human))
    return [_dimension(code, named.get(code), ai, human, policy) for code in codes]


def _dimension(
    code: str, line: Any, ai: dict[str, float], human: dict[str, float], policy: str
) -> dict[str, Any]:
    evidence = [{k: getattr(e, k) for k in EVIDENCE_KEYS} for e in (line.evidence if line else [])]
    return {
        "code": code,
        "name": line.name if line else code,
        "weight": line.weight if line else None,
        "ai": ai.get(code),
        "human": human.get(code),
        "final": final_score(policy, ai.get(code), human.get(code)),
        "evidence": evidence,
    }


def _growth(dimensions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lowest-scoring dimensions (final, else AI): where the new hire may grow."""
    scored = [(d["final"] if d["final"] is not None else d["ai"], d) for d in dimensions]
    ranked = sorted((s, d["code"], d) for s, d in scored if s is not None)
    return [{"code": d["code"], "name": d["name"], "score": s} for s, _c, d in ranked][
        :GROWTH_AREAS
    ]


def _store_report(employee: Employee, pdf: bytes) -> str:
    sealed = encrypt_bytes(pdf, context=report_context(employee.pk))
    return default_storage.save(f"baselines/{uuid.uuid4().hex}.enc", ContentFile(sealed))


def _report(session: InterviewSession | None, reader: Actor | None) -> ReportData | None:
    """The report as `reader` sees it; None when there is no one to read it as (a hire
    without an offer and actor) or they lost sight of it: the scores are frozen anyway."""
    if session is None or reader is None:
        return None
    try:
        return interview_report(user=reader, session_id=session.pk)
    except Http404:
        return None


def baseline_freeze(
    *, employee: Employee, session: InterviewSession | None, reader: Actor | None
) -> Baseline:
    """Copy the interview's scores, evidence and report into `employee` (once: a second
    call returns the stored baseline). `reader` sees the report as the hirer did."""
    existing = Baseline.objects.filter(employee=employee).first()
    if existing is not None:
        return existing
    score = InterviewScore.objects.filter(session=session).first() if session else None
    report = _report(session, reader)
    dimensions = _dimensions(score, report)
    baseline = Baseline(
        employee=employee, session=session, policy=score.policy if score else "",
        ai_total=score.ai_total if score else None,
        human_total=score.human_total if score else None,
        final_total=score.final_total if score else None, dimensions=dimensions,
        growth_areas=_growth(dimensions),
        notes=[r.comment for r in (report.ratings if report else []) if r.comment],
    )  # fmt: skip
    if report is not None:
        pdf = render_pdf(report_html(report))
        baseline.report_path = _store_report(employee, pdf)
        baseline.report_size, baseline.report_key_id = len(pdf), current_key_id()
    # Limit: should the hire's transaction roll back after this, the sealed file stays
    # behind under its random name (unreadable without the row; no personal data in it).
    baseline.save()
    return baseline


@transaction.atomic
def baseline_report_download(*, actor: Actor, employee: Employee) -> tuple[bytes, str]:
    """(PDF bytes, file name) of the frozen report; the read is audited, 404 without one."""
    baseline = Baseline.objects.filter(employee=employee).first()
    if baseline is None or not baseline.report_path:
        raise Http404(_("This employee has no interview report."))
    with default_storage.open(baseline.report_path, "rb") as stored:
        pdf = decrypt_bytes(stored.read(), context=report_context(employee.pk))
    audit_record(
        actor=actor,
        action="employee.baseline_report_download",
        obj=employee,
        detail={"bytes": len(pdf)},
    )
    return pdf, f"{_('Interview report')}-{employee.employee_number}.pdf"
