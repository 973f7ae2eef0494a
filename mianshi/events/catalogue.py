"""Every event type, its thin payload as a typed schema, and what it means: the contract.

Receivers (webhooks, connectors) build on these shapes, so they are published: the OpenAPI
document carries one JSON Schema per type and the event catalogue page lists them. Payloads
hold ids, stages and scores, never personal identifiers in clear (ARCHITECTURE rule 5a): a
receiver that needs a name fetches it through the scoped API, which audits the read.
A type marked internal hands work between the apps and is never sent outside.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict


class EventData(BaseModel):
    """The base of every payload: unknown keys are a programming error, refused at emit."""

    model_config = ConfigDict(extra="forbid")


class CandidateData(EventData):
    candidate_id: int
    changed_fields: list[str] = []


class ApplicationData(EventData):
    application_id: int
    candidate_id: int
    job_id: int
    stage: str


class StageChangedData(EventData):
    application_id: int
    candidate_id: int
    job_id: int
    transition_id: int
    from_stage: str
    to_stage: str
    actor_id: int | None = None


class InvitationData(EventData):
    invitation_id: int
    application_id: int
    kind: str = ""
    channel: str = ""


class RecordingFailedData(EventData):
    recording_id: str
    answer_id: int
    session_id: int
    application_id: int
    reason: str = ""


class InterviewData(EventData):
    session_id: int
    application_id: int
    invitation_id: int | None = None


class AnswerCheckedData(EventData):
    answer_id: int
    session_id: int


class AnalysisData(EventData):
    run_id: int
    answer_id: int
    session_id: int
    application_id: int
    status: str
    overall_score: float | None = None


class RatingData(EventData):
    rating_id: int
    session_id: int
    application_id: int
    rater_id: int
    total: float | None = None


class DecisionData(EventData):
    decision_id: int
    application_id: int
    session_id: int | None = None
    kind: str
    from_stage: str
    to_stage: str
    ai_total: float | None = None
    human_total: float | None = None
    final_total: float | None = None


class OfferData(EventData):
    offer_id: int
    application_id: int
    approver_id: int | None = None


class EmployeeData(EventData):
    employee_id: int
    candidate_id: int | None = None
    application_id: int | None = None
    status: str = ""
    changed_fields: list[str] = []


class PostHireData(EventData):
    record_id: int
    employee_id: int
    kind: str
    period: str = ""


class TestData(EventData):
    endpoint_id: int
    note: str = ""


@dataclass(frozen=True)
class EventType:
    """One type: its name, payload schema, meaning, and whether receivers outside see it."""

    name: str
    data: type[EventData]
    description: str | Promise
    public: bool = True

    def json_schema(self) -> dict[str, Any]:
        """The whole envelope's JSON Schema, `data` being this type's payload."""
        return {
            "title": self.name,
            "type": "object",
            "required": ["type", "timestamp", "data"],
            "properties": {
                "type": {"const": self.name},
                "timestamp": {"type": "string", "format": "date-time"},
                "data": self.data.model_json_schema(),
            },
        }


_TYPES = [
    EventType("candidate.created", CandidateData, _("A candidate was added.")),
    EventType("candidate.updated", CandidateData, _("A candidate's details changed.")),
    EventType("candidate.erased", CandidateData, _("A candidate's personal data was erased.")),
    EventType("application.created", ApplicationData, _("A candidate applied to a job.")),
    EventType(
        "application.stage_changed", StageChangedData, _("An application moved in the pipeline.")
    ),
    EventType("invitation.sent", InvitationData, _("An interview invitation was sent.")),
    EventType("invitation.opened", InvitationData, _("The candidate opened the invitation.")),
    EventType("invitation.started", InvitationData, _("The candidate started the interview.")),
    EventType("invitation.completed", InvitationData, _("The candidate finished the interview.")),
    EventType("recording.failed", RecordingFailedData, _("A recording failed its checks.")),
    EventType("interview.completed", InterviewData, _("An interview was completed.")),
    EventType(
        "answer.checked",
        AnswerCheckedData,
        _("An answer passed its quality checks and can be analysed."),
        public=False,
    ),
    EventType("analysis.completed", AnalysisData, _("The AI analysis of an answer finished.")),
    EventType("rating.submitted", RatingData, _("An interviewer submitted a rating.")),
    EventType("decision.made", DecisionData, _("A decision was made on an application.")),
    EventType("offer.approved", OfferData, _("An offer was approved.")),
    EventType("employee.created", EmployeeData, _("A hire became an employee.")),
    EventType("employee.updated", EmployeeData, _("An employee's record changed.")),
    EventType("post_hire.recorded", PostHireData, _("Post-hire data was recorded.")),
    EventType("webhook.test", TestData, _("A test event sent from the webhook page.")),
]

EVENT_TYPES: dict[str, EventType] = {t.name: t for t in _TYPES}
PUBLIC_TYPES: list[str] = [t.name for t in _TYPES if t.public]


def event_type(name: str) -> EventType:
    """The registered type `name`; KeyError for a name nobody declared."""
    return EVENT_TYPES[name]
