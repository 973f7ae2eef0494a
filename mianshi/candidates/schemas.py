"""API schemas of the candidates app (typed; unknown fields are refused with 422)."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from mianshi.candidates import blind
from mianshi.candidates.models import Application, Candidate, Gender, Source
from mianshi.candidates.pipeline import Stage, allowed_targets, label
from mianshi.candidates.selectors import can_see_identifiers, identifiers_for
from mianshi.common.external_refs import RefsIn, RefsPatch, external_refs_of
from mianshi.common.pagination import DbId

REFS_HELP = 'ids in outside systems by source, e.g. {"sap_sf": "12345"}; unique per source'
BLIND_HELP = "null also for an application the caller is assigned to rate (raters rate blind)"
REF_FILTER = Field("", max_length=170, description="source:id, e.g. sap_sf:12345")


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class CandidateIn(Strict):
    org_unit_id: DbId
    name: str = Field(min_length=1, max_length=80)
    id_number: str = Field("", max_length=40)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    gender: Gender = Gender.UNKNOWN
    birth_date: dt.date | None = None
    source: Source = Source.OTHER
    tags: list[str] = Field(default_factory=list, max_length=50)
    external_refs: RefsIn = Field(default_factory=dict, description=REFS_HELP)


class CandidatePatch(Strict):
    org_unit_id: DbId | None = None
    name: str | None = Field(None, min_length=1, max_length=80)
    id_number: str | None = Field(None, max_length=40)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    gender: Gender | None = None
    birth_date: dt.date | None = None
    source: Source | None = None
    tags: list[str] | None = Field(None, max_length=50)
    external_refs: RefsPatch | None = Field(None, description=REFS_HELP + "; null clears one")


class CandidateQuery(Schema):
    q: str = Field("", max_length=100, description="name contains, or exact phone / ID / e-mail")
    job: DbId | None = None
    stage: Stage | None = None
    unit: DbId | None = Field(None, description="org unit (branch) subtree")
    tag: str = ""
    external_ref: str = REF_FILTER


def _ids(obj: Candidate, context: Any) -> dict[str, str]:
    """Decrypt once per object and request; mask unless the user manages the unit."""
    cache = obj.__dict__.setdefault("_api_identifiers", None)
    if cache is None:
        user = context["request"].user
        cache = obj.__dict__["_api_identifiers"] = identifiers_for(user=user, candidate=obj)
    return cache


class CandidateOut(Schema):
    id: int
    org_unit_id: int
    name: str
    id_number: str
    phone: str
    email: str
    identifiers_masked: bool
    gender: str
    birth_date: dt.date | None
    source: str
    tags: list[str]
    duplicate_of_id: int | None
    has_resume: bool
    created_at: dt.datetime
    external_refs: dict[str, str]

    @staticmethod
    def resolve_id_number(obj: Candidate, context: Any) -> str:
        return _ids(obj, context)["id_number"]

    @staticmethod
    def resolve_phone(obj: Candidate, context: Any) -> str:
        return _ids(obj, context)["phone"]

    @staticmethod
    def resolve_email(obj: Candidate, context: Any) -> str:
        return _ids(obj, context)["email"]

    @staticmethod
    def resolve_identifiers_masked(obj: Candidate, context: Any) -> bool:
        user = context["request"].user
        return not can_see_identifiers(user=user, candidate=obj)

    @staticmethod
    def resolve_tags(obj: Candidate) -> list[str]:
        return [t.name for t in obj.tags.all()]

    @staticmethod
    def resolve_external_refs(obj: Candidate) -> dict[str, str]:
        return external_refs_of(obj)


class TransitionOut(Schema):
    id: int
    from_stage: str
    to_stage: str
    actor: str | None
    at: dt.datetime
    reason: str

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return obj.actor.get_username() if obj.actor else None


class ApplicationOut(Schema):
    id: int
    candidate_id: int
    candidate_name: str
    job_id: int
    job_title: str
    org_unit_id: int
    stage: str
    stage_label: str
    allowed_stages: list[str]
    overall_score: Decimal | None = Field(description=BLIND_HELP)
    created_at: dt.datetime
    external_refs: dict[str, str]

    @staticmethod
    def resolve_overall_score(obj: Application, context: Any) -> Decimal | None:
        return blind.shown_score(user=context["request"].user, application=obj)

    @staticmethod
    def resolve_external_refs(obj: Application) -> dict[str, str]:
        return external_refs_of(obj)

    @staticmethod
    def resolve_candidate_name(obj: Application) -> str:
        return obj.candidate.name

    @staticmethod
    def resolve_job_title(obj: Application) -> str:
        return obj.job.title

    @staticmethod
    def resolve_stage_label(obj: Application) -> str:
        return label(obj.stage)

    @staticmethod
    def resolve_allowed_stages(obj: Application) -> list[str]:
        return [s.value for s in allowed_targets(obj.stage)]


class ApplicationDetailOut(ApplicationOut):
    transitions: list[TransitionOut]
    interviewer_ids: list[int]

    @staticmethod
    def resolve_transitions(obj: Application) -> list[Any]:
        return list(obj.transitions.select_related("actor"))

    @staticmethod
    def resolve_interviewer_ids(obj: Application) -> list[int]:
        return [a.interviewer_id for a in obj.assignments.all()]


class NoteOut(Schema):
    id: int
    author: str | None
    body: str
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj: Any) -> str | None:
        return obj.author.get_username() if obj.author else None


class DuplicateOut(Schema):
    id: int
    name: str
    applications: list[ApplicationOut]

    @staticmethod
    def resolve_applications(obj: Any) -> list[Any]:
        return list(obj.shown_applications)


class CandidateDetailOut(CandidateOut):
    """The candidate with what `selectors.candidate_detail` attached as `detail`."""

    applications: list[ApplicationDetailOut]
    hidden_applications: int
    notes: list[NoteOut]
    duplicates: list[DuplicateOut]

    @staticmethod
    def resolve_applications(obj: Any) -> list[Any]:
        return list(obj.detail["applications"])

    @staticmethod
    def resolve_hidden_applications(obj: Any) -> int:
        return int(obj.detail["hidden_applications"])

    @staticmethod
    def resolve_notes(obj: Any) -> list[Any]:
        return list(obj.detail["notes"])

    @staticmethod
    def resolve_duplicates(obj: Any) -> list[Any]:
        return list(obj.detail["duplicates"])


class ApplicationIn(Strict):
    candidate_id: DbId
    job_id: DbId
    reason: str = Field("", max_length=500)
    external_refs: RefsIn = Field(default_factory=dict, description=REFS_HELP)


class ApplicationPatch(Strict):
    overall_score: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    external_refs: RefsPatch | None = Field(None, description=REFS_HELP + "; null clears one")


class ApplicationQuery(Schema):
    candidate: int | None = None
    job: DbId | None = None
    stage: Stage | None = None
    external_ref: str = REF_FILTER


class TransitionIn(Strict):
    to_stage: Stage
    reason: str = Field("", max_length=500)


class AssignmentIn(Strict):
    interviewer_id: DbId


class NoteIn(Strict):
    body: str = Field(min_length=1, max_length=4000)


class TagIn(Strict):
    name: str = Field(min_length=1, max_length=40)


class BulkIn(Strict):
    action: Literal["move", "tag", "assign", "export"]
    application_ids: list[DbId] = Field(min_length=1, max_length=1000)
    to_stage: Stage | None = None
    reason: str = Field("", max_length=500)
    tag: str = Field("", max_length=40)
    interviewer_id: DbId | None = None


class BulkOut(Schema):
    action: str
    count: int
