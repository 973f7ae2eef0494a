"""The question bank: validation, CRUD via UI and API, filters."""

import pytest
from django.core.exceptions import ValidationError

from mianshi.compliance.models import AuditEvent
from mianshi.jobs.models import Question, RubricLevel
from mianshi.jobs.services import RubricInput, question_update
from mianshi.jobs.tests.factories import make_question, question_input


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"rubric": []}, "rubric"),
        ({"rubric": [RubricInput(2, "a"), RubricInput(2, "b")]}, "rubric"),
        ({"rubric": [RubricInput(11, "a")]}, "rubric"),
        ({"rubric": [RubricInput(1, "  ")]}, "rubric"),
        ({"answer_seconds": 0}, "answer_seconds"),
        ({"answer_seconds": 5000}, "answer_seconds"),
        ({"prep_seconds": -5}, "prep_seconds"),
        ({"max_retakes": 9}, "max_retakes"),
        ({"type": "skills_demo", "screen_share": False}, "screen_share"),
        ({"type": "self_intro", "answer_seconds": 600}, "answer_seconds"),
        ({"type": "essay"}, "type"),
        ({"language": "fr"}, "language"),
        ({"text": "   "}, "text"),
        ({"dimension_codes": ["bad code!"]}, "dimension_codes"),
    ],
)
def test_invalid_questions_are_refused(org, overrides, field):
    with pytest.raises(ValidationError) as exc:
        make_question(org.sh, **overrides)
    assert field in exc.value.message_dict
    assert not Question.objects.exists() and not RubricLevel.objects.exists()


def test_keywords_and_tags_accept_chinese_separators(org):
    q = make_question(
        org.sh, tags="销售；校招, 销售", rubric=[RubricInput(3, "好", "客户；方案，结果")]
    )
    assert q.tag_list == ["销售", "校招"]
    assert q.rubric_levels.get().keywords == ["客户", "方案", "结果"]


def test_skills_demo_with_screen_share_is_fine(org):
    q = make_question(org.sh, type="skills_demo", screen_share=True, answer_seconds=900)
    assert q.screen_share and q.answer_seconds == 900


def test_ui_create_and_edit(org, people, login):
    client = login(people.sh_hr)
    form = {
        "org_unit": org.sh.pk,
        "type": "situational",
        "language": "zh-hans",
        "text": "客户投诉时你会怎么做？",
        "prep_seconds": 30,
        "answer_seconds": 120,
        "max_retakes": 1,
        "is_active": "on",
        "tags": "客服；投诉",
        "dimension_codes": "customer_focus; communication",
        "rubric-TOTAL_FORMS": 3,
        "rubric-INITIAL_FORMS": 0,
        "rubric-0-level": 3,
        "rubric-0-description": "安抚、解决、跟进",
        "rubric-0-keywords": "道歉；方案；回访",
        "rubric-1-level": 1,
        "rubric-1-description": "推卸责任",
    }
    response = client.post("/jobs/questions/new/", form)
    q = Question.objects.get()
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert q.dimension_codes == ["customer_focus", "communication"] and q.rubric_levels.count() == 2

    form.update({"rubric-1-level": 3})  # duplicate level → shown, nothing changed
    response = client.post(f"/jobs/questions/{q.pk}/edit/", form)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert q.rubric_levels.count() == 2
    listed = client.get("/jobs/questions/?tag=投诉").content.decode()
    assert "客户投诉时你会怎么做" in listed
    assert (
        "客户投诉时你会怎么做" not in client.get("/jobs/questions/?type=ability").content.decode()
    )


def test_api_crud_patch_and_filters(org, people, api_for):
    api = api_for(people.sh_hr)
    body = {
        "org_unit_id": org.sh.pk,
        "type": "ability",
        "text": "Please introduce your last project in English.",
        "language": "en",
        "answer_seconds": 90,
        "tags": ["english"],
        "dimension_codes": ["english"],
        "rubric": [
            {"level": 2, "description": "fluent", "keywords": ["project", "team"]},
            {"level": 1, "description": "weak"},
        ],
    }
    created = api.post("/jobs/questions", body)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["rubric"][0] == {
        "level": 2,
        "description": "fluent",
        "keywords": ["project", "team"],
    }

    patched = api.patch(f"/jobs/questions/{pk}", {"answer_seconds": 120, "is_active": False})
    assert (
        patched.status_code == 200
        and patched.json()["answer_seconds"] == 120
        and patched.json()["rubric"][1]["level"] == 1
    )
    assert api.get("/jobs/questions", active=True).json()["count"] == 0
    assert api.get("/jobs/questions", dimension="english").json()["count"] == 1
    assert api.get("/jobs/questions", tag="engl").json()["count"] == 0  # tags match exactly

    assert api.patch(f"/jobs/questions/{pk}", {"rubric": []}).status_code == 422
    assert api.patch(f"/jobs/questions/{pk}", {"answer_seconds": "long"}).status_code == 422
    assert api.put(f"/jobs/questions/{pk}", {"text": "x"}).status_code == 422
    assert api.get(f"/jobs/questions/{pk}").json()["rubric"][0]["keywords"] == ["project", "team"]
    assert api.delete(f"/jobs/questions/{pk}").status_code == 204
    actions = list(
        AuditEvent.objects.filter(object_type="jobs.question")
        .order_by("id")
        .values_list("action", "changed_fields")
    )
    assert actions == [
        (
            "question.create",
            sorted(
                [
                    "org_unit",
                    "type",
                    "text",
                    "answer_type",
                    "choices",
                    "language",
                    "prep_seconds",
                    "answer_seconds",
                    "max_retakes",
                    "screen_share",
                    "reference_answer",
                    "is_active",
                    "tags",
                    "dimension_codes",
                    "rubric",
                ]
            ),
        ),
        ("question.update", ["answer_seconds", "is_active"]),
        ("question.delete", []),
    ]


def test_update_without_change_writes_no_event(org):
    q = make_question(org.sh)
    count = AuditEvent.objects.count()
    question_update(actor=None, question=q, data=question_input())
    assert AuditEvent.objects.count() == count
