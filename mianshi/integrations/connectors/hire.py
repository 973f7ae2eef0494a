"""The hire record: what the EHR needs when an application enters 待入职 (pending_onboarding).

Onboarding in the EHR starts from three things Mianshi knows at that moment: the approved
offer's terms (position, the unit joined, start date, grade), who the person is (our ids,
the EHR's own ids for them, and the identifiers only where the template maps them — the
payload is sealed), and the interview baseline the hiring decision rested on (per
dimension the final score by the job's policy, the same rule as the report and the
employee archive). Shape:

hire {"kind", "application_id", "candidate_id", "job_id", "job_title", "job_code",
      "org_unit_id", "stage", "offer": {"id", "status", "position", "unit_id",
      "unit_name", "unit_code", "start_date", "grade", "approved_at"},
      "candidate": {"name", "email", "phone"}, "external_refs": {"candidate": {},
      "application": {}}, "session_id", "scores": {"ai", "human", "final", "policy",
      "raters"}, "dimensions": [{"code", "name", "ai", "human", "final"}], "report_url"}

An application without an approved (or hired) offer has no hire to send: RecordMissing.
"""

from __future__ import annotations

from typing import Any

from mianshi.candidates.models import Application
from mianshi.integrations.connectors import records as r
from mianshi.reviews.models import InterviewScore, Offer, OfferStatus


def _offer(application: Application) -> Offer:
    found = (
        Offer.objects.select_related("hire_unit")
        .filter(application=application, status__in=[OfferStatus.APPROVED, OfferStatus.HIRED])
        .order_by("-id")
        .first()
    )
    if found is None:
        raise r.RecordMissing(application.pk)
    return found


def _terms(offer: Offer) -> dict[str, Any]:
    unit = offer.hire_unit
    return {
        "id": offer.pk, "status": offer.status, "position": offer.position,
        "unit_id": unit.pk, "unit_name": unit.name, "unit_code": unit.code,
        "start_date": offer.start_date.isoformat(), "grade": offer.salary,
        "approved_at": r._iso(offer.decided_at),
    }  # fmt: skip


def hire_record(pk: int) -> dict[str, Any]:
    """The hire of application `pk` (see the module docstring for its shape)."""
    app = r._application_row(pk)
    offer = _offer(app)
    session = r._latest_session(app)
    session_id = session.pk if session else None
    score = InterviewScore.objects.filter(session=session).first() if session else None
    return {
        "kind": "hire", "application_id": app.pk, "candidate_id": app.candidate_id,
        **r._job(app), "org_unit_id": app.org_unit_id, "stage": app.stage,
        "offer": _terms(offer), "candidate": r._person(app.candidate),
        "external_refs": {"candidate": r._refs(app.candidate), "application": r._refs(app)},
        "session_id": session_id, "scores": r._scores(score),
        "dimensions": r._dimensions(score), "report_url": r.report_url(session_id),
    }  # fmt: skip
