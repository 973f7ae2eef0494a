"""Typed request and response bodies of the jobs API (the EHR integration contract)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from mianshi.common.pagination import DbId

JobStatusCode = Literal["draft", "open", "paused", "closed"]
EducationCode = Literal["", "college", "bachelor", "master", "doctor"]
QuestionTypeCode = Literal["self_intro", "behavioural", "situational", "ability", "skills_demo"]
AnswerTypeCode = Literal["video", "audio", "text", "file", "choice"]
LanguageCode = Literal["zh-hans", "en"]
ExportFormat = Literal["json", "csv", "xlsx"]
ScorePolicyCode = Literal["human_only", "average", "ai_second_opinion"]


# Jobs ---------------------------------------------------------------------------------


class JobPatch(Schema):
    title: str | None = None
    description: str | None = None
    education: EducationCode | None = None
    majors: str | None = None
    certificates: str | None = None
    min_years: int | None = None
    headcount: int | None = None
    status: JobStatusCode | None = None
    competency_model_id: DbId | None = None
    interview_template_id: DbId | None = None
    invitation_hours: int | None = Field(None, ge=1, le=1440)
    invitation_instructions: str | None = Field(None, max_length=4000)
    required_materials: str | None = Field(None, max_length=500)
    score_policy: ScorePolicyCode | None = Field(
        None, description="how the final interview score combines AI and human ratings"
    )
    second_round_template_id: DbId | None = Field(
        None, description='the interview template a "second round" decision invites to'
    )


class JobUpdate(JobPatch):
    """A full replacement: omitted fields take their defaults, omitted links are cleared."""

    title: str
    description: str = ""
    education: EducationCode = ""
    majors: str = ""
    certificates: str = ""
    min_years: int = 0
    headcount: int = 1
    status: JobStatusCode = "draft"
    invitation_hours: int = Field(48, ge=1, le=1440, description="validity of invitation links")
    invitation_instructions: str = Field("", max_length=4000)
    required_materials: str = Field(
        "", max_length=500, description="comma-separated, e.g. 身份证复印件, 学历证书"
    )
    score_policy: ScorePolicyCode = "average"


class JobIn(JobUpdate):
    org_unit_id: DbId


class JobOut(Schema):
    id: int
    org_unit_id: int
    org_unit_name: str = Field(alias="org_unit.name")
    title: str
    description: str
    education: str
    majors: str
    certificates: str
    min_years: int
    headcount: int
    status: str
    competency_model_id: int | None
    interview_template_id: int | None
    invitation_hours: int
    invitation_instructions: str
    required_materials: str
    score_policy: str
    second_round_template_id: int | None
    created_at: datetime
    updated_at: datetime


# Competency models --------------------------------------------------------------------


class DimensionIn(Schema):
    name: str
    code: str = ""
    description: str = ""
    weight: Decimal | None = None
    children: list[DimensionIn] = []


class ModelPatch(Schema):
    name: str | None = None
    description: str | None = None
    dimensions: list[DimensionIn] | None = None


class ModelUpdate(ModelPatch):
    name: str
    dimensions: list[DimensionIn]


class ModelIn(ModelUpdate):
    org_unit_id: DbId


class DimensionOut(Schema):
    id: int
    code: str
    name: str
    description: str
    weight: float | None
    children: list[DimensionOut] = []


class ModelOut(Schema):
    id: int
    org_unit_id: int
    org_unit_name: str = Field(alias="org_unit.name")
    name: str
    description: str
    dimensions: list[DimensionOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_dimensions(obj: Any) -> list[dict[str, Any]]:
        from mianshi.jobs.selectors import dimension_tree

        def dim(d: Any) -> dict[str, Any]:
            weight = None if d.weight is None else float(d.weight)
            children = [dim(c) for c in d.children.all()]
            return {
                "id": d.pk,
                "code": d.code,
                "name": d.name,
                "description": d.description,
                "weight": weight,
                "children": children,
            }

        return [dim(d) for d in dimension_tree(obj)]


class ModelSummary(Schema):
    id: int
    org_unit_id: int
    name: str
    description: str
    dimension_count: int = 0


# Questions ----------------------------------------------------------------------------


class RubricIn(Schema):
    level: int
    description: str
    keywords: list[str] = []


class ChoiceIn(Schema):
    """One option of a multiple-choice question (the service checks keys, count, lengths)."""

    key: str
    text: str


class QuestionPatch(Schema):
    type: QuestionTypeCode | None = None
    text: str | None = None
    answer_type: AnswerTypeCode | None = None
    choices: list[ChoiceIn] | None = None
    language: LanguageCode | None = None
    prep_seconds: int | None = None
    answer_seconds: int | None = None
    max_retakes: int | None = None
    screen_share: bool | None = None
    reference_answer: str | None = None
    is_active: bool | None = None
    tags: list[str] | None = None
    dimension_codes: list[str] | None = None
    rubric: list[RubricIn] | None = None


class QuestionUpdate(QuestionPatch):
    type: QuestionTypeCode
    text: str
    rubric: list[RubricIn]


class QuestionIn(QuestionUpdate):
    org_unit_id: DbId


class QuestionOut(Schema):
    id: int
    org_unit_id: int
    type: str
    text: str
    answer_type: str
    choices: list[ChoiceIn]
    language: str
    prep_seconds: int
    answer_seconds: int
    max_retakes: int
    screen_share: bool
    reference_answer: str
    is_active: bool
    tags: list[str] = Field(alias="tag_list")
    dimension_codes: list[str]
    rubric: list[RubricIn]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_rubric(obj: Any) -> list[dict[str, Any]]:
        levels = sorted(obj.rubric_levels.all(), key=lambda r: -r.level)
        return [
            {"level": r.level, "description": r.description, "keywords": r.keywords} for r in levels
        ]


# Templates ----------------------------------------------------------------------------


class TemplatePatch(Schema):
    name: str | None = None
    description: str | None = None
    job_id: DbId | None = None
    competency_model_id: DbId | None = None
    question_ids: list[DbId] | None = None


class TemplateUpdate(TemplatePatch):
    name: str
    question_ids: list[int]


class TemplateIn(TemplateUpdate):
    org_unit_id: DbId


class VersionItemOut(Schema):
    position: int
    question_id: int | None
    snapshot: dict[str, Any]


class VersionOut(Schema):
    number: int
    locked: bool = Field(alias="is_locked")
    locked_at: datetime | None
    created_at: datetime
    model_snapshot: dict[str, Any]
    questions: list[VersionItemOut]

    @staticmethod
    def resolve_questions(obj: Any) -> list[Any]:
        return sorted(obj.items.all(), key=lambda i: i.position)


class TemplateOut(Schema):
    id: int
    org_unit_id: int
    name: str
    description: str
    job_id: int | None
    competency_model_id: int | None
    current_version: VersionOut
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_current_version(obj: Any) -> Any:
        from mianshi.jobs.selectors import template_current_version

        return template_current_version(obj)


# Import -------------------------------------------------------------------------------


class ImportOut(Schema):
    created: int
    ids: list[int]
