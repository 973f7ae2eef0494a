"""Jobs, competency models, the question bank and interview templates (F-10–F-13)."""

from mianshi.jobs.models.competency import CompetencyModel, Dimension
from mianshi.jobs.models.job import Education, Job, JobStatus, ScorePolicy
from mianshi.jobs.models.question import (
    RECORDED_TYPES,
    AnswerType,
    Question,
    QuestionDimension,
    QuestionLanguage,
    QuestionType,
    RubricLevel,
)
from mianshi.jobs.models.template import InterviewTemplate, TemplateQuestion, TemplateVersion

__all__ = [
    "RECORDED_TYPES",
    "AnswerType",
    "CompetencyModel",
    "Dimension",
    "Education",
    "InterviewTemplate",
    "Job",
    "JobStatus",
    "Question",
    "QuestionDimension",
    "QuestionLanguage",
    "QuestionType",
    "RubricLevel",
    "ScorePolicy",
    "TemplateQuestion",
    "TemplateVersion",
]
