"""The SOURCE records mapping templates read: one plain JSON dict per kind of object.

A template author needs one stable, documented shape to write JSONPath against, whatever
the tables look like inside; so each kind has a builder here and the templates never see
a model. Records are built as the system (a sync runs without a person): callers check
who may see the object first (the preview does; the trigger only follows events of the
connector's own subtree). Shapes (every id an int, every score as the workbench holds it):

assessment  {"kind", "application_id", "candidate_id", "job_id", "job_title", "job_code",
             "org_unit_id", "stage", "session_id", "status" ("completed" | "pending"),
             "candidate": {"name", "email", "phone"}, "external_refs": {"candidate": {},
             "application": {}}, "scores": {"ai", "human", "final", "policy", "raters"},
             "dimensions": [{"code", "name", "ai", "human", "final"}], "report_url",
             "updated_at"}
candidate   {"kind", "candidate_id", "org_unit_id", "name", "email", "phone", "gender",
             "birth_date", "source", "created_at", "external_refs"}
application {"kind", "application_id", "candidate_id", "job_id", "job_title", "job_code",
             "org_unit_id", "stage", "overall_score", "created_at", "candidate": {…},
             "external_refs"}
employee    the employee archive's record (`mianshi.employees.records.employee_record`).
hire        the approved offer's terms, the person and the interview baseline (`hire.py`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import reverse

from mianshi.candidates.models import Application, Candidate
from mianshi.employees.records import employee_record
from mianshi.interviews.models import InterviewSession
from mianshi.reviews.models import InterviewScore
from mianshi.reviews.services.scores import final_score

IDENTIFIER_KEYS = ("name", "email", "phone")


class RecordMissing(LookupError):
    """The object a record was asked for does not exist (any more)."""


def record_build(*, kind: str, object_id: int) -> dict[str, Any]:
    """The source record of `kind` for object `object_id`; RecordMissing when it is gone."""
    builder = BUILDERS.get(kind)
    if builder is None:
        raise RecordMissing(kind)
    return builder(object_id)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _refs(obj: Any) -> dict[str, str]:
    """The object's external ids by source system (the generic external-refs hook)."""
    try:
        module = importlib.import_module("mianshi.common.external_refs")
    except ImportError:  # the external-refs module has not landed in this deployment
        return {}
    reader = getattr(module, "external_refs_of", None)
    return dict(reader(obj)) if callable(reader) else {}


def _person(candidate: Candidate) -> dict[str, Any]:
    return {"name": candidate.name, "email": candidate.email, "phone": candidate.phone}


def _candidate(pk: int) -> dict[str, Any]:
    candidate = Candidate.objects.filter(pk=pk).first()
    if candidate is None:
        raise RecordMissing(pk)
    return {
        "kind": "candidate", "candidate_id": candidate.pk, "org_unit_id": candidate.org_unit_id,
        **_person(candidate), "gender": candidate.gender,
        "birth_date": _iso(candidate.birth_date), "source": candidate.source,
        "created_at": _iso(candidate.created_at), "external_refs": _refs(candidate),
    }  # fmt: skip


def _application_row(pk: int) -> Application:
    found = Application.objects.select_related("candidate", "job").filter(pk=pk).first()
    if found is None:
        raise RecordMissing(pk)
    return found


def _job(application: Application) -> dict[str, Any]:
    job = application.job
    code = getattr(job, "code", "") or ""
    return {"job_id": job.pk, "job_title": str(job.title), "job_code": str(code)}


def _application(pk: int) -> dict[str, Any]:
    app = _application_row(pk)
    score = app.overall_score
    return {
        "kind": "application", "application_id": app.pk, "candidate_id": app.candidate_id,
        **_job(app), "org_unit_id": app.org_unit_id, "stage": app.stage,
        "overall_score": float(score) if score is not None else None,
        "created_at": _iso(app.created_at), "candidate": _person(app.candidate),
        "external_refs": _refs(app),
    }  # fmt: skip


def _latest_session(app: Application) -> InterviewSession | None:
    return InterviewSession.objects.filter(application=app).order_by("-pk").first()


def _dimensions(score: InterviewScore | None) -> list[dict[str, Any]]:
    """Per dimension the AI's and the raters' score, and `final` by the job's score policy
    (reviews' one rule, the same the report and the employee baseline show)."""
    if score is None:
        return []
    human = {str(d.get("code")): d for d in score.human_dimensions or []}
    rows = []
    for dim in score.ai_dimensions or []:
        code = str(dim.get("code"))
        ai, hum = dim.get("score"), human.pop(code, {}).get("score")
        name = dim.get("name") or code
        rows.append(
            {
                "code": code,
                "name": name,
                "ai": ai,
                "human": hum,
                "final": final_score(score.policy, ai, hum),
            }
        )
    rows += [
        {
            "code": c,
            "name": d.get("name") or c,
            "ai": None,
            "human": d.get("score"),
            "final": final_score(score.policy, None, d.get("score")),
        }
        for c, d in human.items()
    ]
    return rows


def _scores(score: InterviewScore | None) -> dict[str, Any]:
    if score is None:
        return {"ai": None, "human": None, "final": None, "policy": "", "raters": 0}
    return {
        "ai": score.ai_total, "human": score.human_total, "final": score.final_total,
        "policy": score.policy, "raters": score.raters,
    }  # fmt: skip


def report_url(session_id: int | None) -> str | None:
    """The interview report's address on this deployment (the reader signs in to see it)."""
    if session_id is None:
        return None
    return settings.PUBLIC_URL + reverse("reviews:report", args=[session_id])


def _assessment(pk: int) -> dict[str, Any]:
    app = _application_row(pk)
    session = _latest_session(app)
    score = InterviewScore.objects.filter(session=session).first() if session else None
    done = score is not None and score.final_total is not None
    return {
        "kind": "assessment", "application_id": app.pk, "candidate_id": app.candidate_id,
        **_job(app), "org_unit_id": app.org_unit_id, "stage": app.stage,
        "session_id": session.pk if session else None,
        "status": "completed" if done else "pending", "candidate": _person(app.candidate),
        "external_refs": {"candidate": _refs(app.candidate), "application": _refs(app)},
        "scores": _scores(score), "dimensions": _dimensions(score),
        "report_url": report_url(session.pk if session else None),
        "updated_at": _iso(score.updated_at if score else app.updated_at),
    }  # fmt: skip


def _employee(pk: int) -> dict[str, Any]:
    """Built by the employee archive (below us in the layers); its shape is its own."""
    record = employee_record(pk)
    if record is None:
        raise RecordMissing(pk)
    return {"kind": "employee", **record}


def _hire(pk: int) -> dict[str, Any]:
    from mianshi.integrations.connectors.hire import hire_record  # it reads this module

    return hire_record(pk)


BUILDERS: dict[str, Callable[[int], dict[str, Any]]] = {
    "assessment": _assessment,
    "candidate": _candidate,
    "application": _application,
    "employee": _employee,
    "hire": _hire,
}


def record_unit(record: dict[str, Any]) -> int | None:
    """The org unit a record belongs to (scoping of previews and triggers)."""
    unit = record.get("org_unit_id")
    return int(unit) if unit is not None else None


def identifier_values(record: dict[str, Any]) -> dict[str, str]:
    """Every identifier value in a record, by kind, to mask them wherever a payload holds them."""
    person = record.get("candidate") if isinstance(record.get("candidate"), dict) else record
    assert isinstance(person, dict)
    return {k: str(person[k]) for k in IDENTIFIER_KEYS if person.get(k)}
