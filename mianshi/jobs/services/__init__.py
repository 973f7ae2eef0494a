"""Writes of the jobs app; every one checks JOBS_MANAGE, validates, and writes an audit event."""

from mianshi.jobs.services.competency import (
    DimensionInput,
    competency_model_create,
    competency_model_delete,
    competency_model_update,
    dimensions_validate,
)
from mianshi.jobs.services.jobs import job_create, job_delete, job_update
from mianshi.jobs.services.questions import (
    QuestionInput,
    RubricInput,
    choices_from_text,
    choices_to_text,
    question_create,
    question_delete,
    question_input_from,
    question_update,
    question_validate,
)
from mianshi.jobs.services.templates import (
    model_snapshot,
    question_snapshot,
    template_create,
    template_delete,
    template_update,
    template_version_lock,
)
from mianshi.jobs.services.transfer import competency_models_import, question_bank_import

__all__ = [
    "DimensionInput",
    "QuestionInput",
    "RubricInput",
    "choices_from_text",
    "choices_to_text",
    "competency_model_create",
    "competency_model_delete",
    "competency_model_update",
    "competency_models_import",
    "dimensions_validate",
    "job_create",
    "job_delete",
    "job_update",
    "model_snapshot",
    "question_bank_import",
    "question_create",
    "question_delete",
    "question_input_from",
    "question_snapshot",
    "question_update",
    "question_validate",
    "template_create",
    "template_delete",
    "template_update",
    "template_version_lock",
]
