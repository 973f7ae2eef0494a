"""Test data for the jobs app, built through the public services like real users do."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

import factory

from mianshi.jobs.models import CompetencyModel, InterviewTemplate, Job, JobStatus, Question
from mianshi.jobs.services import (
    DimensionInput,
    QuestionInput,
    RubricInput,
    competency_model_create,
    question_create,
    template_create,
)
from mianshi.organisations.models import OrgUnit


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    title = factory.Sequence(lambda n: f"销售代表 {n}")
    description = "负责华东区客户开发"
    headcount = 3
    status = JobStatus.OPEN


def make_model(unit: OrgUnit, name: str = "销售胜任力模型", actor: Any = None) -> CompetencyModel:
    dims = [
        DimensionInput(
            "沟通能力",
            Decimal("30"),
            "communication",
            children=[
                DimensionInput("语言逻辑性", 40, "logic"),
                DimensionInput("表情亲和力", 30, "rapport"),
                DimensionInput("倾听能力", 30, "listening"),
            ],
        ),
        DimensionInput("问题解决", Decimal("40"), "problem_solving"),
        DimensionInput("客户导向", Decimal("30"), "customer_focus"),
    ]
    return competency_model_create(actor=actor, org_unit=unit, name=name, dimensions=dims)


def question_input(**overrides: Any) -> QuestionInput:
    data = QuestionInput(
        type="behavioural",
        text="请讲述一次你说服一位犹豫不决的客户的经历。",
        prep_seconds=30,
        answer_seconds=180,
        max_retakes=1,
        tags=["销售", "BEI"],
        dimension_codes=["communication", "customer_focus"],
        rubric=[
            RubricInput(3, "完整的关键行为事件：情境、行动、结果俱全", ["客户", "方案", "结果"]),
            RubricInput(2, "部分事件", ["客户"]),
            RubricInput(1, "没有具体事件"),
        ],
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def make_question(unit: OrgUnit, actor: Any = None, **overrides: Any) -> Question:
    return question_create(actor=actor, org_unit=unit, data=question_input(**overrides))


def make_template(
    unit: OrgUnit, questions: list[Question], actor: Any = None, **kw: Any
) -> InterviewTemplate:
    return template_create(
        actor=actor,
        org_unit=unit,
        name=kw.pop("name", "销售岗一面"),
        question_ids=[q.pk for q in questions],
        **kw,
    )


def make_job(**kwargs: Any) -> Job:
    """A job through the factory, typed as the model for the checker."""
    return cast(Job, JobFactory(**kwargs))
