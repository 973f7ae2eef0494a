"""Answer types and multiple-choice options in the question bank (F-48): editor, API, files."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError

from mianshi.jobs.models import Question, RubricLevel
from mianshi.jobs.services import (
    choices_from_text,
    choices_to_text,
    question_input_from,
    question_update,
)
from mianshi.jobs.tests.factories import make_question, make_template, question_input
from mianshi.jobs.tests.test_transfer import upload
from mianshi.jobs.transfer.questions import BASE_COLUMNS

YES_NO = [{"key": "A", "text": "是"}, {"key": "B", "text": "否"}]


def options(n):
    return [{"key": chr(ord("A") + i), "text": f"选项{i}"} for i in range(n)]


def test_option_lines_read_with_any_separator():
    text = "A. 完全同意\nb、基本同意\n\n C）不同意 \n10: 其他\n没有键"
    assert choices_from_text(text) == [
        {"key": "A", "text": "完全同意"},
        {"key": "b", "text": "基本同意"},
        {"key": "C", "text": "不同意"},
        {"key": "10", "text": "其他"},
        {"key": "", "text": "没有键"},
    ]
    assert choices_to_text(YES_NO) == "A. 是\nB. 否"
    assert choices_from_text(choices_to_text(YES_NO)) == YES_NO


@pytest.mark.parametrize(
    "overrides, field, fragment",
    [
        ({"answer_type": "choice", "choices": options(1)}, "choices", "2 to 10 options"),
        ({"answer_type": "choice", "choices": options(11)}, "choices", "2 to 10 options"),
        ({"answer_type": "choice", "choices": []}, "choices", "2 to 10 options"),
        (
            {"answer_type": "choice", "choices": "a. 是\nA. 也是"},
            "choices",
            "key A is used twice",
        ),
        ({"answer_type": "choice", "choices": "A. 是\n否"}, "choices", "“否” needs a key"),
        ({"answer_type": "choice", "choices": "A. 是\nB."}, "choices", "Option B needs a text"),
        ({"answer_type": "choice", "choices": "ABCD. 是\nB. 否"}, "choices", "needs a key"),
        (
            {"answer_type": "choice", "choices": [*YES_NO[:1], {"key": "B", "text": "长" * 301}]},
            "choices",
            "at most 300",
        ),
        ({"answer_type": "video", "choices": YES_NO}, "choices", "Only multiple-choice"),
        ({"answer_type": "text", "choices": "A. 是\nB. 否"}, "choices", "Only multiple-choice"),
        ({"answer_type": "essay"}, "answer_type", ""),
        (
            {"answer_type": "text", "type": "skills_demo", "screen_share": True},
            "answer_type",
            "Screen sharing needs",
        ),
    ],
)
def test_invalid_answer_types_and_options_are_refused(org, overrides, field, fragment):
    with pytest.raises(ValidationError) as exc:
        make_question(org.sh, **overrides)
    messages = exc.value.message_dict[field]
    assert any(fragment in m for m in messages), messages
    assert not Question.objects.exists() and not RubricLevel.objects.exists()


@pytest.mark.parametrize("answer_type", ["video", "audio", "text", "file"])
def test_every_other_answer_type_is_stored_without_options(org, answer_type):
    q = make_question(org.sh, answer_type=answer_type)
    assert q.answer_type == answer_type and q.choices == []


def test_choice_question_keeps_trimmed_upper_case_options_and_reaches_the_snapshot(org):
    q = make_question(org.sh, answer_type="choice", choices=" a. 是 \nb）否\n\n")
    q.refresh_from_db()
    assert q.choices == YES_NO
    template = make_template(org.sh, [q])
    snapshot = template.versions.get().items.get().snapshot
    assert snapshot["answer_type"] == "choice" and snapshot["choices"] == YES_NO


def test_update_switching_type_must_drop_the_options(org):
    q = make_question(org.sh, answer_type="choice", choices=YES_NO)
    data = question_input_from(q)
    data.answer_type = "video"
    with pytest.raises(ValidationError) as exc:
        question_update(actor=None, question=q, data=data)
    assert "choices" in exc.value.message_dict
    q.refresh_from_db()
    assert q.answer_type == "choice" and q.choices == YES_NO
    question_update(actor=None, question=q, data=question_input(answer_type="text", choices=[]))
    q.refresh_from_db()
    assert q.answer_type == "text" and q.choices == []


FORM = {
    "org_unit": None,
    "type": "ability",
    "language": "zh-hans",
    "text": "下列哪一项最符合你的工作风格？",
    "answer_type": "choice",
    "choices": "A. 独立完成\r\nB、团队协作\r\nC）视情况而定",
    "prep_seconds": 0,
    "answer_seconds": 60,
    "max_retakes": 0,
    "is_active": "on",
    "rubric-TOTAL_FORMS": 1,
    "rubric-INITIAL_FORMS": 0,
    "rubric-0-level": 1,
    "rubric-0-description": "任一选项",
}


def test_editor_creates_edits_and_shows_options(org, people, login):
    client = login(people.sh_hr)
    page = client.get("/jobs/questions/new/").content.decode()
    assert 'name="answer_type"' in page and 'name="choices"' in page
    response = client.post("/jobs/questions/new/", {**FORM, "org_unit": org.sh.pk})
    assert response.status_code == 302, response.context and response.context["form"].errors
    q = Question.objects.get()
    assert [c["key"] for c in q.choices] == ["A", "B", "C"] and q.choices[1]["text"] == "团队协作"

    edit = client.get(f"/jobs/questions/{q.pk}/edit/")
    assert edit.context["form"].initial["choices"] == "A. 独立完成\nB. 团队协作\nC. 视情况而定"
    detail = client.get(f"/jobs/questions/{q.pk}/").content.decode()
    assert 'data-key="C"' in detail and "视情况而定" in detail and "Multiple choice" in detail


def test_editor_shows_option_errors_beside_the_field_and_saves_nothing(org, people, login):
    client = login(people.sh_hr)
    bad = {**FORM, "org_unit": org.sh.pk, "choices": "A. 独立完成\nA. 团队协作"}
    response = client.post("/jobs/questions/new/", bad)
    assert response.status_code == 200
    assert "key A is used twice" in " ".join(response.context["form"].errors["choices"])
    assert not Question.objects.exists()
    video = {**FORM, "org_unit": org.sh.pk, "answer_type": "video"}
    response = client.post("/jobs/questions/new/", video)
    assert "Only multiple-choice" in " ".join(response.context["form"].errors["choices"])
    assert not Question.objects.exists()


def test_editor_without_answer_type_means_video(org, people, login):
    form = {**FORM, "org_unit": org.sh.pk, "choices": ""}
    del form["answer_type"]
    assert login(people.sh_hr).post("/jobs/questions/new/", form).status_code == 302
    assert Question.objects.get().answer_type == "video"


def test_api_create_read_patch(org, people, api_for):
    api = api_for(people.sh_hr)
    body = {
        "org_unit_id": org.sh.pk,
        "type": "ability",
        "text": "Which do you prefer?",
        "answer_type": "choice",
        "choices": [{"key": "a", "text": "Mornings"}, {"key": "b", "text": "Evenings"}],
        "rubric": [{"level": 1, "description": "any"}],
    }
    created = api.post("/jobs/questions", body)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["answer_type"] == "choice"
    assert created.json()["choices"] == [
        {"key": "A", "text": "Mornings"},
        {"key": "B", "text": "Evenings"},
    ]
    refused = api.patch(f"/jobs/questions/{pk}", {"answer_type": "text"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["choices"]
    assert api.patch(f"/jobs/questions/{pk}", {"answer_type": "nope"}).status_code == 422
    patched = api.patch(f"/jobs/questions/{pk}", {"answer_type": "text", "choices": []})
    assert patched.status_code == 200 and patched.json()["choices"] == []
    assert api.get(f"/jobs/questions/{pk}").json()["answer_type"] == "text"
    schema = api.client.get("/api/openapi.json").json()["components"]["schemas"]
    assert schema["QuestionOut"]["properties"]["answer_type"]["type"] == "string"
    assert set(schema["ChoiceIn"]["properties"]) == {"key", "text"}


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_answer_types_survive_export_and_import(fmt, org, people, api_for):
    make_question(org.sh, answer_type="choice", choices=options(3), text="选择题")
    make_question(org.sh, answer_type="text", text="书面题")
    make_question(org.sh, answer_type="audio", text="语音题")
    api = api_for(people.sh_hr)
    exported = api.get("/jobs/questions/export", format=fmt)
    assert exported.status_code == 200
    response = upload(api, "questions", org.sh_sales, f"bank.{fmt}", exported.content)
    assert response.status_code == 201, response.content
    copied = {q.text: q for q in Question.objects.filter(org_unit=org.sh_sales)}
    assert copied["选择题"].answer_type == "choice" and copied["选择题"].choices == options(3)
    assert copied["书面题"].answer_type == "text" and copied["书面题"].choices == []
    assert copied["语音题"].answer_type == "audio"


def csv_of(rows):
    out = io.StringIO()
    header = [*BASE_COLUMNS, "level_1_description"]
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_csv_rows_accept_labels_and_options_on_one_line(org, people, api_for):
    row = {"type": "ability", "text": "选一个", "level_1_description": "任一"}
    rows = [
        {**row, "answer_type": "Multiple choice", "choices": "A. 是 | B. 否"},
        {**row, "text": "写一段", "answer_type": "Written text"},
        {**row, "text": "默认视频"},
    ]
    response = upload(api_for(people.sh_hr), "questions", org.sh, "bank.csv", csv_of(rows))
    assert response.status_code == 201, response.content
    stored = dict(Question.objects.values_list("text", "answer_type"))
    assert stored == {"选一个": "choice", "写一段": "text", "默认视频": "video"}
    assert Question.objects.get(text="选一个").choices == YES_NO


def test_bad_options_in_files_save_nothing(org, people, api_for):
    api = api_for(people.sh_hr)
    row = {"type": "ability", "text": "选一个", "level_1_description": "任一"}
    rows = [{**row, "answer_type": "choice", "choices": "A. 是"}, {**row, "answer_type": "x"}]
    response = upload(api, "questions", org.sh, "bank.csv", csv_of(rows))
    assert response.status_code == 422
    messages = " ".join(d["msg"] for d in response.json()["detail"])
    assert "2 to 10 options" in messages and "answer_type" in messages
    doc = {
        "format": "mianshi.question_bank",
        "version": 1,
        "questions": [
            {
                "type": "ability",
                "text": "选一个",
                "answer_type": "choice",
                "choices": ["A. 是", "B. 否"],
                "rubric": [{"level": 1, "description": "任一"}],
            }
        ],
    }
    response = upload(api, "questions", org.sh, "bank.json", json.dumps(doc).encode())
    assert response.status_code == 422
    assert "“key” and “text”" in " ".join(d["msg"] for d in response.json()["detail"])
    assert not Question.objects.exists()


def test_editor_and_refusals_in_chinese(org, people, login, settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "zh-hans"
    client = login(people.sh_hr)
    with translation.override("zh-hans"):
        page = client.get("/jobs/questions/new/").content.decode()
        bad = {**FORM, "org_unit": org.sh.pk, "choices": "A. 是\nA. 否"}
        refused = client.post("/jobs/questions/new/", bad).content.decode()
    assert "作答方式" in page and "选项（选择题）" in page and "选择题" in page
    assert "选项键 A 重复使用。" in refused
